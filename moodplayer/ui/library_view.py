"""The Library tab: searchable, sortable table of tracks, bucket filter, context
menu (move to bucket, star), scan progress and scan errors."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QProgressBar,
    QPushButton,
    QTableView,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from moodplayer.ui.icons import icon

COLUMNS = ("★", "Title", "Artist", "Album", "Genre", "Language", "BPM", "Buckets", "Plays")
STAR, TITLE, ARTIST, ALBUM, GENRE, LANGUAGE, BPM, BUCKETS, PLAYS = range(len(COLUMNS))
NOT_MUSIC = "not music"  # the Buckets cell of speech, silence or noise nobody put in a bucket
TRACK_ROLE = Qt.ItemDataRole.UserRole
SPECIAL_FILTERS = {"favourites": "Favourites", "new": "Never played"}


@dataclass(frozen=True)
class Row:
    """One track with its cells, sort keys and search text worked out in advance."""

    track: object
    cells: tuple[str, ...]
    keys: tuple
    haystack: str
    buckets: frozenset[str]


def prepare_rows(tracks: list) -> list[Row]:
    """Plain Python, no Qt: run it off the GUI thread for big libraries."""
    return [_row(track) for track in tracks]


def _row(track) -> Row:
    title = getattr(track, "display_title", None) or track.title or ""
    buckets = dict(track.buckets or {})
    in_buckets = ", ".join(sorted(buckets)) or (NOT_MUSIC if getattr(track, "music", None) is False else "")
    cells = ("★" if track.favourite else "", title, track.artist or "", track.album or "", track.genre or "",
             getattr(track, "language", "") or "", f"{track.bpm:.0f}" if track.bpm else "", in_buckets,
             str(track.plays or 0))
    keys = (int(bool(track.favourite)), *(c.casefold() for c in cells[TITLE:BPM]), float(track.bpm or 0),
            cells[BUCKETS], int(track.plays or 0))
    return Row(track, cells, keys, " ".join(cells[TITLE:BPM]).casefold(), frozenset(buckets))


def bucket_tooltip(track) -> str:
    """Why the track is in each of its buckets; for one that is not music, what it sounds like."""
    lines = [f"{bucket}: {reason}" for bucket, reason in (track.buckets or {}).items()]
    if getattr(track, "music", None) is False:
        lines.append(getattr(track, "sound", "") or "the analysis heard no music")
    return "\n".join(lines)


class TrackTableModel(QAbstractTableModel):
    """Library rows, filtered (search words, bucket) and sorted here in Python: a
    QSortFilterProxyModel would call data() n·log n times and stall the GUI on big
    libraries. Edits go through the store, never through this model."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[Row] = []
        self._shown: list[Row] = []
        self._words: list[str] = []
        self._bucket: str | None = None
        self._sort = (ARTIST, Qt.SortOrder.AscendingOrder)

    def set_rows(self, rows: list[Row]) -> None:
        self.beginResetModel()
        self._rows = rows
        self._shown = self._select()
        self.endResetModel()

    def set_search(self, text: str) -> None:
        self._words = text.casefold().split()
        self.set_rows(self._rows)

    def set_bucket(self, bucket: str | None) -> None:
        self._bucket = bucket
        self.set_rows(self._rows)

    def total(self) -> int:
        return len(self._rows)

    def rows(self) -> list[Row]:
        return list(self._rows)

    def track(self, row: int):
        return self._shown[row].track

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        self.layoutAboutToBeChanged.emit()
        self._sort = (column, order)
        self._shown = self._select()
        self.layoutChanged.emit()

    def _select(self) -> list[Row]:
        column, order = self._sort
        shown = [row for row in self._rows if self._accepts(row)]
        shown.sort(key=lambda row: row.keys[column], reverse=order == Qt.SortOrder.DescendingOrder)
        return shown

    def _accepts(self, row: Row) -> bool:
        bucket, track = self._bucket, row.track
        if bucket == "favourites" and not track.favourite:
            return False
        if bucket == "new" and track.plays:
            return False
        if bucket not in (None, "favourites", "new") and bucket not in row.buckets:
            return False
        return all(word in row.haystack for word in self._words)

    def rowCount(self, parent=None) -> int:
        return 0 if parent is not None and parent.isValid() else len(self._shown)

    def columnCount(self, parent=None) -> int:
        return 0 if parent is not None and parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole:
            return "Favourite" if section == STAR else None
        return None

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row, column = self._shown[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return row.cells[column]
        if role == TRACK_ROLE:
            return row.track
        if role == Qt.ItemDataRole.ToolTipRole and column == BUCKETS:
            return bucket_tooltip(row.track)
        if role == Qt.ItemDataRole.ToolTipRole and column == TITLE:
            return str(row.track.path)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (BPM, PLAYS, STAR):
            return int(Qt.AlignmentFlag.AlignCenter)
        return None


class LibraryView(QWidget):
    """Signals carry library Track objects; the window acts on the store."""

    play_requested = Signal(object)
    queue_requested = Signal(object)
    move_requested = Signal(object, str)
    remove_from_bucket_requested = Signal(object, str)
    star_requested = Signal(object, bool)
    cancel_scan = Signal()
    errors_requested = Signal()

    def __init__(self, buckets: tuple[str, ...], parent=None):
        super().__init__(parent)
        self.buckets = tuple(buckets)
        self.model = TrackTableModel(self)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search title, artist, album, genre…")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search the library")
        self.search.textChanged.connect(self.model.set_search)
        self.bucket = QComboBox()
        self.bucket.setAccessibleName("Show bucket")
        self.bucket.addItem("All tracks", None)
        for name in self.buckets:
            self.bucket.addItem(name.capitalize(), name)
        for key, label in SPECIAL_FILTERS.items():
            self.bucket.addItem(label, key)
        self.bucket.currentIndexChanged.connect(lambda _i: self.model.set_bucket(self.bucket.currentData()))
        self.table = self._make_table()
        self.count_label = QLabel()
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Scan progress")
        self.progress.setFormat("Scanning %v / %m")
        self.cancel_button = QPushButton("Cancel scan")
        self.cancel_button.clicked.connect(self.cancel_scan)
        self.errors_button = QPushButton()
        self.errors_button.setIcon(icon("warning"))
        self.errors_button.setAccessibleName("Show scan errors")
        self.errors_button.clicked.connect(self.errors_requested)
        self._layout()
        self.set_scanning(False)
        self.set_error_count(0)
        self.model.modelReset.connect(self._update_count)

    def _make_table(self) -> QTableView:
        table = QTableView()
        table.setAccessibleName("Library tracks")
        table.setModel(self.model)
        table.setSortingEnabled(True)
        table.sortByColumn(ARTIST, Qt.SortOrder.AscendingOrder)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setAlternatingRowColors(True)
        table.setShowGrid(False)
        table.verticalHeader().hide()
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
        header = table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setMinimumSectionSize(24)
        # Text columns share the width (elided), so every column fits a narrow pane.
        for column in (TITLE, ARTIST, ALBUM, GENRE, BUCKETS):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        digits = table.fontMetrics().horizontalAdvance("0000") + 12
        language = table.fontMetrics().horizontalAdvance("Malayalam") + 16
        for column, width in ((STAR, 26), (LANGUAGE, language), (BPM, digits), (PLAYS, digits)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            header.resizeSection(column, width)
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        table.customContextMenuRequested.connect(self._menu)
        table.doubleClicked.connect(lambda index: self.play_requested.emit(index.data(TRACK_ROLE)))
        return table

    def _layout(self) -> None:
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.bucket)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count_label, 1)
        bottom.addWidget(self.progress, 2)
        bottom.addWidget(self.cancel_button)
        bottom.addWidget(self.errors_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)

    # -- inputs -------------------------------------------------------------
    def set_rows(self, rows: list[Row]) -> None:
        """Rows from `prepare_rows` (made off the GUI thread); the selection survives."""
        selected = {t.id for t in self.selected_tracks()}
        self.model.set_rows(rows)
        selection = self.table.selectionModel()
        flags = selection.SelectionFlag.Select | selection.SelectionFlag.Rows
        for row in range(self.model.rowCount()) if selected else ():
            if self.model.track(row).id in selected:
                selection.select(self.model.index(row, 0), flags)

    def set_scanning(self, scanning: bool) -> None:
        self.progress.setVisible(scanning)
        self.cancel_button.setVisible(scanning)
        if scanning:
            self.progress.setRange(0, 0)  # busy until the first count arrives

    def set_progress(self, seen: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(min(seen, max(total, 1)))

    def set_error_count(self, count: int) -> None:
        self.errors_button.setVisible(count > 0)
        self.errors_button.setText(f"{count} file{'s' if count != 1 else ''} could not be read")

    def languages(self) -> list[str]:
        """The languages of the tracks the table holds, for the Settings dialog."""
        return sorted({row.cells[LANGUAGE] for row in self.model.rows() if row.cells[LANGUAGE]})

    def selected_tracks(self) -> list:
        model = self.table.selectionModel()
        return [index.data(TRACK_ROLE) for index in model.selectedRows()] if model else []

    def _update_count(self, *_args) -> None:
        shown, total = self.model.rowCount(), self.model.total()
        self.count_label.setText(f"{total} tracks" if shown == total else f"{shown} of {total} tracks")

    def _menu(self, point) -> None:
        tracks = self.selected_tracks()
        if not tracks:
            return
        menu = QMenu(self)
        menu.addAction(icon("play"), "Play now", lambda: self.play_requested.emit(tracks[0]))
        menu.addAction(icon("queue"), "Add to Up next", lambda: self.queue_requested.emit(tracks))
        starred = all(t.favourite for t in tracks)
        menu.addAction(icon("star" if starred else "star-filled"), "Unstar" if starred else "Star",
                       lambda: self.star_requested.emit(tracks, not starred))
        move = menu.addMenu("Move to bucket")
        for name in self.buckets:
            move.addAction(name.capitalize(), lambda n=name: self.move_requested.emit(tracks, n))
        present = sorted({b for t in tracks for b in (t.buckets or {})})
        if present:
            remove = menu.addMenu("Take out of bucket")
            for name in present:
                remove.addAction(name.capitalize(),
                                 lambda n=name: self.remove_from_bucket_requested.emit(tracks, n))
        menu.exec(self.table.viewport().mapToGlobal(point))


class ScanErrorsDialog(QDialog):
    """The files the scan skipped, each with its reason."""

    def __init__(self, errors: list[tuple[str, str]], parent=None):
        super().__init__(parent)
        self.setWindowTitle("Files that could not be read")
        self.resize(720, 360)
        tree = QTreeWidget()
        tree.setAccessibleName("Scan errors")
        tree.setHeaderLabels(["File", "Reason"])
        tree.setRootIsDecorated(False)
        for path, reason in errors:
            item = QTreeWidgetItem([str(path), str(reason)])
            item.setToolTip(0, str(path))
            tree.addTopLevelItem(item)
        tree.header().resizeSection(0, 420)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("These files were skipped; everything else was scanned."))
        layout.addWidget(tree, 1)
        layout.addWidget(buttons)
