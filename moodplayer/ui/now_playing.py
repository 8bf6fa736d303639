"""Now playing (cover, tags, why this track), the transport bar and Up next."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QAction, QFont, QImage, QKeySequence, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QSlider,
    QStyle,
    QStyledItemDelegate,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from moodplayer.ui import covers
from moodplayer.ui.icons import icon, set_icon
from moodplayer.ui.theme import muted

COVER_SIZE = 168
TRACK_ID = Qt.ItemDataRole.UserRole
REASON = Qt.ItemDataRole.UserRole + 1


@dataclass(frozen=True)
class QueueRow:
    """One line of Up next, as the widgets show it."""

    track_id: int
    title: str
    artist: str
    reason: str


def format_time(ms: int | None) -> str:
    if ms is None or ms < 0:
        return "–:––"
    seconds = int(ms // 1000)
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def tool_button(name: str, tip: str, accessible: str, parent=None, size: int = 22) -> QToolButton:
    button = QToolButton(parent)
    set_icon(button, name)
    button.setIconSize(QSize(size, size))
    button.setToolTip(tip)
    button.setAccessibleName(accessible)
    button.setAutoRaise(True)
    return button


class NowPlayingPanel(QWidget):
    star_toggled = Signal(bool)
    not_for_mood = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.cover = QLabel()
        self.cover.setFixedSize(COVER_SIZE, COVER_SIZE)
        self.cover.setAccessibleName("Cover art")
        self.title = QLabel("Nothing playing")
        self.title.setAccessibleName("Title")
        self.title.setWordWrap(True)
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * 1.45)
        font.setBold(True)
        self.title.setFont(font)
        self.artist = QLabel("")
        self.artist.setAccessibleName("Artist")
        self.album = QLabel("")
        self.album.setAccessibleName("Album")
        self.why = QLabel("")
        self.why.setAccessibleName("Why this track")
        self.why.setWordWrap(True)
        self.why.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.star = tool_button("star", "Favourite: neutral moods play favourites first", "Favourite")
        self.star.setCheckable(True)
        self.star.setText("Favourite")
        self.star.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.star.toggled.connect(self._star_toggled)
        self.reject = tool_button("not-for-mood", "Take this track out of the bucket it was picked from",
                                  "Not for this mood")
        self.reject.setText("Not for this mood")
        self.reject.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.reject.clicked.connect(self.not_for_mood)
        self._layout()
        self.show_track(None)

    def _layout(self) -> None:
        text = QVBoxLayout()
        text.setSpacing(2)
        text.addWidget(self.title)
        text.addWidget(self.artist)
        text.addWidget(self.album)
        text.addSpacing(6)
        why_caption = QLabel("Why this track")
        why_caption.setStyleSheet("font-weight: bold;")
        text.addWidget(why_caption)
        text.addWidget(self.why)
        text.addStretch(1)
        actions = QHBoxLayout()
        actions.addWidget(self.star)
        actions.addWidget(self.reject)
        actions.addStretch(1)
        text.addLayout(actions)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(14)
        row.addWidget(self.cover, 0, Qt.AlignmentFlag.AlignTop)
        row.addLayout(text, 1)

    def show_track(self, track, reason: str = "") -> None:
        """`track` is a library Track (title, artist, album, favourite) or None."""
        playing = track is not None
        self.title.setText(_title_of(track) if playing else "Nothing playing")
        self.artist.setText((track.artist or "Unknown artist") if playing else "")
        self.album.setText(track.album or "" if playing else "")
        self.why.setText(reason if playing else "Music starts when a mood is known, or pick one below.")
        self.star.blockSignals(True)
        self.star.setChecked(bool(playing and track.favourite))
        self.star.blockSignals(False)
        self._refresh_star()
        self.star.setEnabled(playing)
        self.reject.setEnabled(playing)
        if not playing:
            self._show_blank_cover()
        self.setAccessibleDescription(f"{self.title.text()} by {self.artist.text()}" if playing else "")

    def _show_blank_cover(self) -> None:
        ratio = self.devicePixelRatioF()
        self.show_cover(covers.blank(round(COVER_SIZE * ratio), self.palette().color(QPalette.ColorRole.Mid)))

    def show_cover(self, image: QImage) -> None:
        pixmap = QPixmap.fromImage(image)
        pixmap.setDevicePixelRatio(image.width() / COVER_SIZE)
        self.cover.setPixmap(pixmap)

    def _star_toggled(self, checked: bool) -> None:
        self._refresh_star()
        self.star_toggled.emit(checked)

    def _refresh_star(self) -> None:
        set_icon(self.star, "star-filled" if self.star.isChecked() else "star")
        self.star.setToolTip("Starred: click to unstar" if self.star.isChecked()
                             else "Star it: neutral moods play favourites first")


def _title_of(track) -> str:
    return getattr(track, "display_title", None) or track.title or "Untitled"


class TransportBar(QWidget):
    """Previous, play/pause, next, seek slider with times, volume."""

    previous = Signal()
    play_pause = Signal()
    next = Signal()
    seek = Signal(int)  # milliseconds
    volume_changed = Signal(int)  # 0..100

    def __init__(self, parent=None):
        super().__init__(parent)
        self.prev_button = tool_button("previous", "Previous track", "Previous", size=22)
        self.play_button = tool_button("play", "Play", "Play or pause", size=30)
        self.next_button = tool_button("next", "Next track", "Next", size=22)
        self.prev_button.clicked.connect(self.previous)
        self.play_button.clicked.connect(self.play_pause)
        self.next_button.clicked.connect(self.next)
        self.elapsed = QLabel(format_time(0))
        self.total = QLabel(format_time(None))
        for label in (self.elapsed, self.total):
            label.setMinimumWidth(label.fontMetrics().horizontalAdvance("00:00") + 6)
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setAccessibleName("Seek")
        self.slider.setRange(0, 0)
        self.slider.sliderReleased.connect(lambda: self.seek.emit(self.slider.value()))
        self.slider.actionTriggered.connect(self._slider_action)
        self.volume_icon = QLabel()
        self.volume = QSlider(Qt.Orientation.Horizontal)
        self.volume.setAccessibleName("Volume")
        self.volume.setRange(0, 100)
        self.volume.setFixedWidth(110)
        self.volume.valueChanged.connect(self._volume_moved)
        self._playing = False
        self._layout()
        self.set_volume(80)

    def _layout(self) -> None:
        row = QHBoxLayout(self)
        row.setContentsMargins(6, 2, 6, 2)
        for widget in (self.prev_button, self.play_button, self.next_button):
            row.addWidget(widget)
        row.addSpacing(8)
        row.addWidget(self.elapsed)
        row.addWidget(self.slider, 1)
        row.addWidget(self.total)
        row.addSpacing(8)
        row.addWidget(self.volume_icon)
        row.addWidget(self.volume)

    def set_playing(self, playing: bool) -> None:
        self._playing = playing
        set_icon(self.play_button, "pause" if playing else "play")
        self.play_button.setToolTip("Pause" if playing else "Play")

    def is_playing(self) -> bool:
        return self._playing

    def set_position(self, position_ms: int, duration_ms: int | None) -> None:
        if self.slider.isSliderDown():
            return  # the user is dragging: do not fight them
        self.slider.blockSignals(True)
        self.slider.setRange(0, max(0, int(duration_ms or 0)))
        self.slider.setValue(int(position_ms))
        self.slider.blockSignals(False)
        self.elapsed.setText(format_time(position_ms))
        self.total.setText(format_time(duration_ms))

    def set_volume(self, volume: int) -> None:
        self.volume.blockSignals(True)
        self.volume.setValue(int(volume))
        self.volume.blockSignals(False)
        self._show_volume_icon(int(volume))

    def refresh_icons(self) -> None:
        self._show_volume_icon(self.volume.value())

    def _slider_action(self, action: int) -> None:
        # Clicks and keys on the track seek at once; a drag seeks once, on release.
        if QSlider.SliderAction(action) != QSlider.SliderAction.SliderMove:
            self.seek.emit(self.slider.sliderPosition())

    def _volume_moved(self, value: int) -> None:
        self._show_volume_icon(value)
        self.volume_changed.emit(value)

    def _show_volume_icon(self, value: int) -> None:
        self.volume_icon.setPixmap(icon("volume-mute" if value == 0 else "volume").pixmap(QSize(18, 18)))


class _QueueDelegate(QStyledItemDelegate):
    """Title and artist on one line, the reason in smaller muted text below."""

    def sizeHint(self, option, index: QModelIndex) -> QSize:
        return QSize(200, option.fontMetrics.height() * 2 + 10)

    def paint(self, painter: QPainter, option, index: QModelIndex) -> None:
        self.initStyleOption(option, index)
        style = option.widget.style() if option.widget else None
        text, option.text = option.text, ""
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, option.widget)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        palette: QPalette = option.palette
        rect = QRectF(option.rect).adjusted(8, 4, -8, -4)
        half = rect.height() / 2
        painter.save()
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        painter.setPen(palette.color(role))
        painter.drawText(QRectF(rect.left(), rect.top(), rect.width(), half),
                         Qt.AlignmentFlag.AlignVCenter,
                         option.fontMetrics.elidedText(text, Qt.TextElideMode.ElideRight, int(rect.width())))
        font = QFont(option.font)
        font.setPointSizeF(font.pointSizeF() * 0.88)
        painter.setFont(font)
        painter.setPen(palette.color(QPalette.ColorRole.HighlightedText) if selected else muted(palette))
        reason = index.data(REASON) or ""
        painter.drawText(QRectF(rect.left(), rect.top() + half, rect.width(), half),
                         Qt.AlignmentFlag.AlignVCenter,
                         painter.fontMetrics().elidedText(reason, Qt.TextElideMode.ElideRight,
                                                          int(rect.width())))
        painter.restore()


class QueueView(QListWidget):
    """Up next. Drag to reorder (or Ctrl+Up/Down), Delete to remove, Enter to play.

    `order_changed` carries the track ids in their new order; `remove_requested`
    and `play_requested` carry a row.
    """

    order_changed = Signal(list)
    remove_requested = Signal(int)
    play_requested = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setAccessibleName("Up next")
        self.setItemDelegate(_QueueDelegate(self))
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setAlternatingRowColors(True)
        self.setUniformItemSizes(True)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._menu)
        self.itemActivated.connect(lambda item: self.play_requested.emit(self.row(item)))
        self.model().rowsMoved.connect(lambda *_: self.order_changed.emit(self.track_ids()))
        self._add_action("Remove from queue", QKeySequence.StandardKey.Delete, self._remove_current)
        self._add_action("Move up", QKeySequence("Ctrl+Up"), lambda: self.move_row(self.currentRow(), -1))
        self._add_action("Move down", QKeySequence("Ctrl+Down"), lambda: self.move_row(self.currentRow(), 1))

    def _add_action(self, text: str, key, slot) -> None:
        action = QAction(text, self)
        action.setShortcut(key)
        action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        action.triggered.connect(slot)
        self.addAction(action)

    def set_rows(self, rows: list[QueueRow]) -> None:
        current = self.currentRow()
        self.clear()
        for row in rows:
            item = QListWidgetItem(f"{row.title} — {row.artist}" if row.artist else row.title)
            item.setData(TRACK_ID, row.track_id)
            item.setData(REASON, row.reason)
            item.setToolTip(row.reason)
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsDropEnabled)
            self.addItem(item)
        if 0 <= current < self.count():
            self.setCurrentRow(current)

    def track_ids(self) -> list[int]:
        return [self.item(i).data(TRACK_ID) for i in range(self.count())]

    def move_row(self, row: int, step: int) -> None:
        target = row + step
        if not (0 <= row < self.count() and 0 <= target < self.count()):
            return
        item = self.takeItem(row)
        self.insertItem(target, item)
        self.setCurrentRow(target)
        self.order_changed.emit(self.track_ids())

    def _remove_current(self) -> None:
        if self.currentRow() >= 0:
            self.remove_requested.emit(self.currentRow())

    def _menu(self, point) -> None:
        row = self.row(self.itemAt(point)) if self.itemAt(point) else -1
        if row < 0:
            return
        menu = QMenu(self)
        menu.addAction("Play now", lambda: self.play_requested.emit(row))
        menu.addAction("Move up", lambda: self.move_row(row, -1))
        menu.addAction("Move down", lambda: self.move_row(row, 1))
        menu.addSeparator()
        menu.addAction(icon("remove"), "Remove from queue", lambda: self.remove_requested.emit(row))
        menu.exec(self.viewport().mapToGlobal(point))
