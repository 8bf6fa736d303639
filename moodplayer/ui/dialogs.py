"""Welcome, Settings and Analyse Photo dialogs (About is in ui/about.py)."""

from __future__ import annotations

import os
import re

from PySide6.QtCore import QPointF, QRectF, QSize
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from moodplayer.config import Settings
from moodplayer.emotions import EMOTIONS, Emotion
from moodplayer.library.language import from_tag
from moodplayer.ui.faces import FaceBox, paint_faces
from moodplayer.ui.icons import app_icon, emotion_icon
from moodplayer.vision.cameras import available_cameras

PRIVACY = ("MoodPlayer looks at your face only on this computer. Camera frames are analysed in memory "
           "and thrown away at once: they are never saved, uploaded or sent anywhere, and there is no "
           "network code in the app. The library database and settings stay in your user folders. "
           "You can switch the camera off at any time (View → Camera) and pick the mood yourself.")
ANGRY_CHOICES = (("upbeat", "Upbeat"), ("rap", "Rap"), ("both", "Upbeat and rap"))
HISTORY_TARGETS = (("favourites", "Favourites"), ("new", "Never played"))


def _folder_row(edit: QLineEdit, parent: QWidget) -> QHBoxLayout:
    browse = QPushButton("Browse…")
    browse.setAccessibleName("Browse for the music folder")

    def pick() -> None:
        chosen = QFileDialog.getExistingDirectory(parent, "Choose your music folder", edit.text())
        if chosen:
            edit.setText(chosen)

    browse.clicked.connect(pick)
    row = QHBoxLayout()
    row.addWidget(edit, 1)
    row.addWidget(browse)
    return row


class WelcomeDialog(QDialog):
    """First start: where the music is, and whether to use the camera."""

    def __init__(self, music_dir: str, camera: bool, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Welcome to MoodPlayer")
        self.setWindowIcon(app_icon())
        heading = QLabel("<h2>Music that follows your mood</h2>"
                         "<p>MoodPlayer watches your expression through the camera and plays "
                         "matching music from your own library. You can always pick the mood "
                         "yourself with the buttons or the keys 1–7.</p>")
        heading.setWordWrap(True)
        self.folder = QLineEdit(music_dir)
        self.folder.setAccessibleName("Music folder")
        hint = QLabel("The bundled demo library plays at once; choose your own folder any time "
                      "from File → Choose Music Folder…")
        hint.setWordWrap(True)
        self.camera = QCheckBox("Use the camera to follow my mood")
        self.camera.setChecked(camera)
        privacy = QLabel(PRIVACY)
        privacy.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Start listening")
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(QLabel("<b>Music folder</b>"))
        layout.addLayout(_folder_row(self.folder, self))
        layout.addWidget(hint)
        layout.addSpacing(8)
        layout.addWidget(self.camera)
        layout.addWidget(privacy)
        layout.addWidget(buttons)
        self.resize(560, 360)

    def music_dir(self) -> str:
        return self.folder.text().strip()

    def use_camera(self) -> bool:
        return self.camera.isChecked()


class SettingsDialog(QDialog):
    """Edits a copy of Settings; `result_settings()` gives it back when accepted."""

    def __init__(self, settings: Settings, buckets: tuple[str, ...], tray_available: bool,
                 cameras: list[tuple[int, str]] | None = None, languages: list[str] | None = None,
                 parent=None):
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self._settings = settings
        self._buckets = tuple(buckets)
        # Two columns, so the dialog (with the calibration box added below) fits a 768-pixel screen.
        left, right = QVBoxLayout(), QVBoxLayout()
        left.addWidget(self._camera_box(settings, available_cameras() if cameras is None else cameras))
        left.addWidget(self._switch_box(settings))
        left.addWidget(self._music_box(settings, languages or []))
        right.addWidget(self._mapping_box(settings))
        self.tray = QCheckBox("Closing the window keeps playing in the system tray")
        self.tray.setChecked(settings.minimize_to_tray and tray_available)
        self.tray.setEnabled(tray_available)
        if not tray_available:
            self.tray.setToolTip("This desktop shows no system tray")
        right.addWidget(self.tray)
        columns = QHBoxLayout()
        for column in (left, right):
            column.addStretch(1)
            columns.addLayout(column, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(columns)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _camera_box(self, settings: Settings, cameras: list[tuple[int, str]]) -> QGroupBox:
        box = QGroupBox("Camera")
        self.camera_enabled = QCheckBox("Use the camera to follow my mood")
        self.camera_enabled.setChecked(settings.camera_enabled)
        self.camera = QComboBox()
        self.camera.setAccessibleName("Camera device")
        for index, name in cameras:
            self.camera.addItem(name, index)
        if self.camera.findData(settings.camera_index) < 0:
            self.camera.addItem(f"Camera {settings.camera_index} (not found now)", settings.camera_index)
        self.camera.setCurrentIndex(self.camera.findData(settings.camera_index))
        self.camera_enabled.toggled.connect(self.camera.setEnabled)
        self.camera.setEnabled(settings.camera_enabled)
        form = QFormLayout(box)
        form.addRow(self.camera_enabled)
        form.addRow("Device:", self.camera)
        return box

    def _switch_box(self, settings: Settings) -> QGroupBox:
        box = QGroupBox("When the mood changes")
        self.after_track = QRadioButton("Finish the current track, then switch")
        self.switch_now = QRadioButton("Switch at once, with a short fade-out")
        group = QButtonGroup(box)
        group.addButton(self.after_track)
        group.addButton(self.switch_now)
        (self.switch_now if settings.switch_mode == "now" else self.after_track).setChecked(True)
        self.dwell = QDoubleSpinBox()
        self.dwell.setAccessibleName("Seconds a new mood must hold")
        self.dwell.setRange(0.5, 15.0)
        self.dwell.setSingleStep(0.5)
        self.dwell.setSuffix(" s")
        self.dwell.setValue(float(settings.dwell_seconds))
        self.dwell.setToolTip("Shorter reacts faster; longer ignores passing expressions")
        form = QFormLayout(box)
        form.addRow(self.after_track)
        form.addRow(self.switch_now)
        form.addRow("A new mood must hold for:", self.dwell)
        return box

    def _mapping_box(self, settings: Settings) -> QGroupBox:
        box = QGroupBox("What plays for each mood")
        grid = QGridLayout(box)
        self.mapping: dict[Emotion, QComboBox] = {}
        for row, emotion in enumerate(EMOTIONS):
            label = QLabel(emotion.display_name)
            icon_label = QLabel()
            icon_label.setPixmap(emotion_icon(emotion).pixmap(QSize(18, 18)))
            combo = QComboBox()
            combo.setAccessibleName(f"Music for {emotion.label}")
            if emotion == Emotion.ANGRY:
                for key, text in ANGRY_CHOICES:
                    combo.addItem(text, key)
                combo.setCurrentIndex(max(0, combo.findData(settings.angry_plays)))
            else:
                self._fill_targets(combo, settings.mapping.get(emotion.label, []))
            label.setBuddy(combo)
            grid.addWidget(icon_label, row, 0)
            grid.addWidget(label, row, 1)
            grid.addWidget(combo, row, 2)
            self.mapping[emotion] = combo
        grid.setColumnStretch(2, 1)
        return box

    def _music_box(self, settings: Settings, present: list[str]) -> QGroupBox:
        """Languages (names or codes as taggers write them: "Telugu", "te", "tel") and notifications."""
        box = QGroupBox("Languages and notifications")
        self.languages = QLineEdit(", ".join(settings.preferred_languages))
        self.languages.setAccessibleName("Preferred languages")
        self.languages.setPlaceholderText("e.g. Telugu, Hindi (names or codes, comma-separated)")
        self.languages.setToolTip("Tracks in these languages come up about three times as often")
        self.only_languages = QCheckBox("Play only these languages")
        self.only_languages.setChecked(settings.only_preferred_languages)
        self.only_languages.setToolTip("Tracks in other or unknown languages are left out of the queues")
        self.notifications = QCheckBox("Show a notification when the track changes")
        self.notifications.setChecked(settings.notifications)
        self.languages_found = QLabel()
        self.languages_found.setWordWrap(True)
        self._present = list(present)
        self.languages.textChanged.connect(self._show_languages)
        self._show_languages()
        form = QFormLayout(box)
        form.addRow("Preferred languages:", self.languages)
        form.addRow(self.languages_found)
        form.addRow(self.only_languages)
        form.addRow(self.notifications)
        return box

    def _show_languages(self) -> None:
        """What the library holds, and the typed languages it has no track in (a typo, say)."""
        chosen = self.preferred_languages()
        held = {name.casefold() for name in self._present}
        absent = [name for name in chosen if name.casefold() not in held]
        text = "In your library: " + (", ".join(self._present) or "no language known yet")
        if absent:
            text += "\nNo track in: " + ", ".join(absent)
        self.languages_found.setText(text)
        self.only_languages.setEnabled(bool(chosen))

    def preferred_languages(self) -> list[str]:
        """The typed languages as the library names them ("te" → "Telugu"), each once."""
        named = (from_tag(part) for part in re.split(r"[,;/]", self.languages.text()))
        return list(dict.fromkeys(name for name in named if name))

    def _fill_targets(self, combo: QComboBox, current: list[str]) -> None:
        for bucket in self._buckets:
            combo.addItem(bucket.capitalize(), [bucket])
        for key, text in HISTORY_TARGETS:
            combo.addItem(text, [key])
        if current and combo.findText(" + ".join(current)) < 0 and len(current) > 1:
            combo.addItem(" + ".join(current), list(current))  # a hand-edited mix stays choosable
        for index in range(combo.count()):
            if combo.itemData(index) == list(current):
                combo.setCurrentIndex(index)

    def result_settings(self) -> Settings:
        """The edited settings (a new object; the original is untouched)."""
        data = dict(self._settings.__dict__)
        data["camera_enabled"] = self.camera_enabled.isChecked()
        if self.camera.currentIndex() >= 0:
            data["camera_index"] = int(self.camera.currentData())
        data["switch_mode"] = "now" if self.switch_now.isChecked() else "after_track"
        data["dwell_seconds"] = float(self.dwell.value())
        data["minimize_to_tray"] = self.tray.isChecked()
        data["preferred_languages"] = self.preferred_languages()
        only = self.only_languages.isChecked()
        data["only_preferred_languages"] = bool(only and data["preferred_languages"])
        data["notifications"] = self.notifications.isChecked()
        mapping = dict(self._settings.mapping)
        for emotion, combo in self.mapping.items():
            if emotion == Emotion.ANGRY:
                choice = combo.currentData()
                data["angry_plays"] = choice
                mapping["angry"] = ["upbeat", "rap"] if choice == "both" else [choice]
            else:
                mapping[emotion.label] = list(combo.currentData())
        data["mapping"] = mapping
        return Settings(**data)


class PhotoView(QWidget):
    """A still image with its faces boxed and labelled (Analyse Photo)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setAccessibleName("Analysed photo")
        self.setMinimumSize(320, 240)
        self._image = QImage()
        self._faces: list[FaceBox] = []
        self.drawn_labels: list[tuple[str, QRectF, QRectF]] = []

    def set_result(self, image: QImage, faces: list[FaceBox]) -> None:
        self._image, self._faces = image, faces
        self.setAccessibleDescription(", ".join(f.caption for f in faces) or "no face found")
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(640, 480)

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        if self._image.isNull():
            painter.end()
            return
        scale = min(self.width() / self._image.width(), self.height() / self._image.height())
        target = QRectF(0, 0, self._image.width() * scale, self._image.height() * scale)
        target.moveCenter(QRectF(self.rect()).center())
        painter.drawImage(target, self._image)
        self.drawn_labels = paint_faces(painter, self._faces, scale, QPointF(target.topLeft()))
        painter.end()


class PhotoDialog(QDialog):
    def __init__(self, path: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle(f"Analyse Photo — {os.path.basename(path)}")
        self.view = PhotoView()
        self.summary = QLabel("Looking for faces…")
        self.summary.setAccessibleName("Photo result")
        self.summary.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.summary)
        layout.addWidget(buttons)
        self.resize(720, 600)

    def show_result(self, image: QImage, faces: list[FaceBox], details: list[str]) -> None:
        self.view.set_result(image, faces)
        if not faces:
            self.summary.setText("No face found in this picture.")
        else:
            self.summary.setText("<br>".join(details))

    def show_error(self, message: str) -> None:
        self.summary.setText(f"Could not analyse this picture: {message}")
