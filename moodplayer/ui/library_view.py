"""The Library tab: searchable, sortable table of tracks, bucket filter, context
menu (move to bucket, star), scan progress and scan errors."""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
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

COLUMNS = ("★", "Title", "Artist", "Album", "Genre", "BPM", "Buckets", "Plays")
STAR, TITLE, ARTIST, ALBUM, GENRE, BPM, BUCKETS, PLAYS = range(len(COLUMNS))
SORT_ROLE = Qt.ItemDataRole.UserRole
TRACK_ROLE = Qt.ItemDataRole.UserRole + 1
SPECIAL_FILTERS = {"favourites": "Favourites", "new": "Never played"}


class TrackTableModel(QAbstractTableModel):
    """Rows are library Track objects (read-only here; edits go through the store)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._tracks: list = []

    def set_tracks(self, tracks: list) -> None:
        self.beginResetModel()
        self._tracks = list(tracks)
        self.endResetModel()

    def track(self, row: int):
        return self._tracks[row]

    def rowCount(self, parent=None) -> int:
        return 0 if parent is not None and parent.isValid() else len(self._tracks)

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
        track, column = self._tracks[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return _display(track, column)
        if role == SORT_ROLE:
            return _sort_key(track, column)
        if role == TRACK_ROLE:
            return track
        if role == Qt.ItemDataRole.ToolTipRole and column == BUCKETS:
            return "\n".join(f"{bucket}: {reason}" for bucket, reason in (track.buckets or {}).items())
        if role == Qt.ItemDataRole.ToolTipRole and column == TITLE:
            return str(track.path)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (BPM, PLAYS, STAR):
            return int(Qt.AlignmentFlag.AlignCenter)
        return None


def _display(track, column: int):
    if column == STAR:
        return "★" if track.favourite else ""
    if column == TITLE:
        return getattr(track, "display_title", None) or track.title
    if column == BPM:
        return f"{track.bpm:.0f}" if track.bpm else ""
    if column == BUCKETS:
        return ", ".join(sorted(track.buckets or {}))
    if column == PLAYS:
        return str(track.plays or 0)
    return {ARTIST: track.artist, ALBUM: track.album, GENRE: track.genre}[column] or ""


def _sort_key(track, column: int):
    if column == STAR:
        return int(bool(track.favourite))
    if column in (BPM, PLAYS):
        return float((track.bpm if column == BPM else track.plays) or 0)
    return str(_display(track, column)).casefold()


class TrackFilter(QSortFilterProxyModel):
    """Search text over title/artist/album/genre, plus a bucket (or favourites/new)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._words: list[str] = []
        self._bucket: str | None = None
        self.setSortRole(SORT_ROLE)

    def set_search(self, text: str) -> None:
        self._refilter(lambda: setattr(self, "_words", text.casefold().split()))

    def set_bucket(self, bucket: str | None) -> None:
        self._refilter(lambda: setattr(self, "_bucket", bucket))

    def _refilter(self, change) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt >= 6.10 wants the change bracketed
            self.beginFilterChange()
            change()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            change()
            self.invalidateRowsFilter()

    def filterAcceptsRow(self, row: int, parent: QModelIndex) -> bool:
        track = self.sourceModel().track(row)
        if self._bucket == "favourites" and not track.favourite:
            return False
        if self._bucket == "new" and track.plays:
            return False
        if self._bucket not in (None, "favourites", "new") and self._bucket not in (track.buckets or {}):
            return False
        haystack = " ".join(str(v or "") for v in (getattr(track, "display_title", None) or track.title,
                                                   track.artist, track.album, track.genre)).casefold()
        return all(word in haystack for word in self._words)


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
        self.proxy = TrackFilter(self)
        self.proxy.setSourceModel(self.model)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search title, artist, album, genre…")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search the library")
        self.search.textChanged.connect(self.proxy.set_search)
        self.bucket = QComboBox()
        self.bucket.setAccessibleName("Show bucket")
        self.bucket.addItem("All tracks", None)
        for name in self.buckets:
            self.bucket.addItem(name.capitalize(), name)
        for key, label in SPECIAL_FILTERS.items():
            self.bucket.addItem(label, key)
        self.bucket.currentIndexChanged.connect(lambda _i: self.proxy.set_bucket(self.bucket.currentData()))
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
        self.proxy.rowsInserted.connect(self._update_count)
        self.proxy.rowsRemoved.connect(self._update_count)
        self.proxy.modelReset.connect(self._update_count)
        self.proxy.layoutChanged.connect(self._update_count)

    def _make_table(self) -> QTableView:
        table = QTableView()
        table.setAccessibleName("Library tracks")
        table.setModel(self.proxy)
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
        for column in (STAR, BPM, PLAYS):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
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
    def set_tracks(self, tracks: list) -> None:
        selected = {t.id for t in self.selected_tracks()}
        self.model.set_tracks(tracks)
        for row in range(self.proxy.rowCount()):
            index = self.proxy.index(row, 0)
            if index.data(TRACK_ROLE).id in selected:
                self.table.selectionModel().select(
                    index, self.table.selectionModel().SelectionFlag.Select
                    | self.table.selectionModel().SelectionFlag.Rows)

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

    def selected_tracks(self) -> list:
        model = self.table.selectionModel()
        return [index.data(TRACK_ROLE) for index in model.selectedRows()] if model else []

    def _update_count(self, *_args) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
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
