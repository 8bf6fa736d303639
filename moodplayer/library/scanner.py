"""Walk a music folder, read new and changed files, and store them with their buckets.

Incremental: a file whose size and mtime match the database is not opened.
The walk keeps only (path, size, mtime) per file so the progress bar knows
the total; tags are read, written in batches and dropped, so memory does not
grow with the tags of the whole library.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from moodplayer.library.buckets import BUCKETS, assign
from moodplayer.library.language import detect
from moodplayer.library.store import FileRecord, FileState, Store
from moodplayer.library.tags import AUDIO_EXTENSIONS, BrokenFile, read_tags

log = logging.getLogger(__name__)

BATCH_FILES = 500  # files per write transaction
BATCH_SECONDS = 1.0  # ... or this long, so the GUI's Store never waits long to write
PROGRESS_SECONDS = 0.1

Progress = Callable[[int, int], None]


@dataclass
class ScanResult:
    tracks: int = 0  # playable tracks under the folder after the scan
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    returned: int = 0  # were missing, found again (their stats come back)
    relinked: int = 0  # found under a new path (folder moved or renamed), stats kept; also in `updated`
    missing: int = 0  # newly vanished, kept in the database
    read: int = 0  # files opened with mutagen
    buckets: dict[str, int] = field(default_factory=dict)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    seconds: float = 0.0
    cancelled: bool = False


@dataclass
class _Candidate:
    path: str
    key: bytes  # the path as the store keeps it
    size: int
    mtime_ns: int


def scan(store: Store, folder: str | os.PathLike, progress: Progress | None = None,
         cancel: threading.Event | None = None) -> ScanResult:
    """Scan `folder` into `store`. Raises NotADirectoryError / FileNotFoundError /
    PermissionError when the folder itself cannot be read (nothing is changed then).
    `progress(files_seen, total)` is called now and then from this thread;
    setting `cancel` stops the scan after the current file, keeping what was stored."""
    started = time.perf_counter()
    root = os.path.abspath(os.fspath(folder))
    if not os.path.isdir(root):
        raise (NotADirectoryError if os.path.exists(root) else FileNotFoundError)(
            f"not a folder: {_printable(root)}")
    os.scandir(root).close()  # raises PermissionError when the folder is unreadable
    result = ScanResult()
    errors: list[tuple[str, str]] = []
    candidates = list(_walk(root, errors))
    known = store.file_states()
    moved = _moved_away(candidates, known)
    _Run(store, root, result, errors, progress, cancel).process(candidates, known, moved)
    if not result.cancelled:
        _mark_vanished(store, root, known, result)
        store.replace_scan_errors((os.fsencode(path), reason) for path, reason in errors)
    result.errors = errors
    result.tracks = store.count_under(root)
    counts = store.bucket_counts_under(root)
    result.buckets = {bucket: counts.get(bucket, 0) for bucket in BUCKETS}
    result.seconds = time.perf_counter() - started
    log.info("Scanned %s: %d tracks (%d new, %d changed, %d missing, %d unreadable) in %.2f s",
             _printable(root), result.tracks, result.added, result.updated, result.missing,
             len(errors), result.seconds)
    return result


def scan_files(store: Store, folder: str | os.PathLike, paths: list[str]) -> ScanResult:
    """Scan just these files of `folder` into `store` (a file opened or dropped before the folder's
    next scan), as scan() reads them. Files outside the folder, or that its walk skips (hidden,
    not audio, missing), are left out; nothing else is marked missing."""
    started = time.perf_counter()
    root = os.path.abspath(os.fspath(folder))
    result, errors = ScanResult(), []
    unique = dict.fromkeys(os.path.abspath(path) for path in paths)  # a file named twice is read once
    candidates = [c for c in (_candidate(root, path, errors) for path in unique) if c is not None]
    known = store.file_states()
    _Run(store, root, result, errors, None, None).process(candidates, known, _moved_away(candidates, known))
    result.errors = errors
    result.tracks = result.added + result.updated + result.unchanged
    result.seconds = time.perf_counter() - started
    log.info("Scanned %d file(s) into the library: %d new, %d changed, %d unreadable",
             len(candidates), result.added, result.updated, len(errors))
    return result


def _candidate(root: str, path: str, errors: list[tuple[str, str]]) -> _Candidate | None:
    relative = os.path.relpath(path, root)
    if any(part.startswith(".") for part in relative.split(os.sep)):
        return None  # outside the folder ("../"), or hidden
    if os.path.splitext(path)[1].lower() not in AUDIO_EXTENSIONS or not os.path.isfile(path):
        return None
    try:
        stat = os.stat(path)
    except OSError as exc:
        errors.append((path, f"cannot read: {exc.strerror or exc}"))
        return None
    return _Candidate(path, os.fsencode(path), stat.st_size, stat.st_mtime_ns)


class _Run:
    """One pass over the candidates: skip unchanged files, read and batch the rest."""

    def __init__(self, store: Store, root: str, result: ScanResult, errors: list, progress, cancel):
        self.store, self.root, self.result, self.errors = store, root, result, errors
        self.progress, self.cancel = progress, cancel
        self.batch: list[FileRecord] = []
        self.batch_started = time.monotonic()

    def process(self, candidates: list[_Candidate], known: dict[bytes, FileState],
                moved: dict[tuple, bytes | None]) -> None:
        total, returned = len(candidates), []
        last_report = time.monotonic()
        self._report(0, total)
        for done, candidate in enumerate(candidates, start=1):
            if self.cancel is not None and self.cancel.is_set():
                self.result.cancelled = True
                break
            state = known.pop(candidate.key, None)
            if state is not None and (state.size, state.mtime_ns) == (candidate.size, candidate.mtime_ns):
                self.result.unchanged += 1
                if state.missing:
                    returned.append(state.id)
            else:
                self._read(candidate, state or self._moved_here(candidate, known, moved))
            if time.monotonic() - last_report >= PROGRESS_SECONDS:
                self._report(done, total)
                last_report = time.monotonic()
        self._flush()
        if returned:
            self.store.set_missing(returned, False)
        self.result.returned += len(returned)
        if not self.result.cancelled:
            self._report(total, total)

    def _moved_here(self, candidate: _Candidate, known: dict[bytes, FileState],
                    moved: dict[tuple, bytes | None]) -> FileState | None:
        """The stored row of this same file from its old path, now given the new path.
        The file is still read again: its folder, and so its buckets, may have changed."""
        same = _same_file(candidate.key, candidate.size, candidate.mtime_ns)
        old_path = moved.get(same)
        if old_path is None or os.path.exists(old_path):
            return None
        moved[same] = None
        state = known.pop(old_path)
        self.store.relink(candidate.key, state.id)
        self.result.relinked += 1
        return state

    def _read(self, candidate: _Candidate, state: FileState | None) -> None:
        self.result.read += 1
        try:
            tags = read_tags(candidate.path)
        except BrokenFile as exc:
            self.errors.append((candidate.path, str(exc)))
            if state is not None:  # it was fine before: keep its stats, stop playing it
                self.store.mark_unplayable(state.id, str(exc))
            return
        folders = _folders(self.root, candidate.path)
        tags.language = detect(tag=tags.language, title=tags.title, artist=tags.artist, album=tags.album,
                               genre=tags.genre, folders=folders)
        buckets = assign(genre=tags.genre, mood=tags.mood, bpm=tags.bpm, title=tags.title,
                         album=tags.album, folders=folders)
        if state is None:
            self.result.added += 1
        else:
            self.result.updated += 1
            self.result.returned += bool(state.missing)  # the upsert clears `missing`
        record = FileRecord(candidate.key, candidate.size, candidate.mtime_ns, tags.values(), buckets)
        self.batch.append(record)
        if len(self.batch) >= BATCH_FILES or time.monotonic() - self.batch_started >= BATCH_SECONDS:
            self._flush()

    def _flush(self) -> None:
        if self.batch:
            self.store.save_files(self.batch)
            self.batch = []
        self.batch_started = time.monotonic()

    def _report(self, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(done, total)


def _moved_away(candidates: list[_Candidate], known: dict[bytes, FileState]) -> dict[tuple, bytes | None]:
    """Stored files not found at their path, by (name, size, mtime): a file found under a new
    path with the same three is the same file moved (mv and rsync -a keep the mtime).
    None where two stored files share the three, so nothing is guessed."""
    present = {candidate.key for candidate in candidates}
    gone: dict[tuple, bytes | None] = {}
    for path, state in known.items():
        if path not in present:
            same = _same_file(path, state.size, state.mtime_ns)
            gone[same] = None if same in gone else path
    return gone


def _same_file(path: bytes, size: int, mtime_ns: int) -> tuple[bytes, int, int]:
    return os.path.basename(path), size, mtime_ns


def _mark_vanished(store: Store, root: str, leftover: dict[bytes, FileState], result: ScanResult) -> None:
    """Tracks under `root` the walk did not find: kept, flagged missing."""
    prefix = os.fsencode(os.path.join(root, ""))
    vanished = [state.id for path, state in leftover.items() if path.startswith(prefix) and not state.missing]
    if vanished:
        store.set_missing(vanished, True)
    result.missing = len(vanished)


def _walk(root: str, errors: list[tuple[str, str]]) -> Iterator[_Candidate]:
    """Audio files under root, depth first; skips hidden entries (".Trash", "._x.mp3").
    Follows symlinks that lead outside the folder, once each: no loops, no doubles."""
    real_root = os.path.join(os.path.realpath(root), "")
    seen_dirs = {_identity(os.stat(root))}
    seen_links: set[tuple[int, int]] = set()
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            errors.append((folder, f"folder unreadable: {exc.strerror or exc}"))
            continue
        subfolders = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                if entry.is_dir():
                    identity = _identity(entry.stat())
                    if identity not in seen_dirs and not _links_inside(entry, real_root):
                        seen_dirs.add(identity)
                        subfolders.append(entry.path)
                elif os.path.splitext(entry.name)[1].lower() in AUDIO_EXTENSIONS and entry.is_file():
                    stat = entry.stat()
                    if entry.is_symlink():
                        if _identity(stat) in seen_links or _links_inside(entry, real_root):
                            continue
                        seen_links.add(_identity(stat))
                    yield _Candidate(entry.path, os.fsencode(entry.path), stat.st_size, stat.st_mtime_ns)
            except OSError as exc:
                errors.append((entry.path, f"cannot read: {exc.strerror or exc}"))
        stack.extend(reversed(subfolders))  # so the walk goes in name order


def _links_inside(entry: os.DirEntry, real_root: str) -> bool:
    """A symlink to something the walk reaches anyway under its real name."""
    return entry.is_symlink() and os.path.realpath(entry.path).startswith(real_root)


def _identity(stat: os.stat_result) -> tuple[int, int]:
    return stat.st_dev, stat.st_ino


def _folders(root: str, path: str) -> list[str]:
    """The scanned folder's name and the folders between it and the file, printable."""
    relative = os.path.relpath(os.path.dirname(path), root)
    parts = [os.path.basename(root)] + ([] if relative == "." else relative.split(os.sep))
    return [_printable(part) for part in parts if part]


def _printable(text: str) -> str:
    """A file name that is not valid UTF-8, with its bad bytes shown as U+FFFD."""
    return os.fsencode(text).decode("utf-8", "replace")
