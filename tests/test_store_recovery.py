"""The library database survives what a desktop does to it: exits (the .sqlite3 alone holds
everything), a damaged page (salvaged, not replaced), a destroyed file (the daily backup), a
read-only disk (a plain message, reading goes on). Real SQLite files, the real sqlite3 tool."""

from __future__ import annotations

import logging
import os
import random
import shutil
import sqlite3
import subprocess
from contextlib import contextmanager

import pytest

from moodplayer.cli import main
from moodplayer.library import backup, recovery
from moodplayer.library.store import FileRecord, Store, StoreError, StoreReadOnly
from moodplayer.library.tags import Tags

N_TRACKS, N_FAVOURITES = 2000, 41


def fill(store: Store, n: int = N_TRACKS, favourites: int = N_FAVOURITES) -> None:
    store.save_files([FileRecord(f"/music/{i:05d}.mp3".encode(), 1000 + i, 1,
                                 Tags(title=f"Song {i} " + "x" * 60).values(), {"calm": "slow"})
                      for i in range(n)])
    ids = [t.id for t in store.tracks()]
    for track_id in ids[-favourites:]:  # the newest rows: far from the page damaged below
        store.set_favourite(track_id, True)
        store.record_play(track_id, "completed", "happy")


def rows(path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_closing_leaves_everything_in_the_main_file(tmp_path):
    path = tmp_path / "library.sqlite3"
    with Store(path) as store:
        fill(store, 50, 7)
        assert os.path.getsize(str(path) + "-wal") > 0  # the writes went to the WAL first
    assert not os.path.exists(str(path) + "-wal") or os.path.getsize(str(path) + "-wal") == 0
    alone = tmp_path / "copy" / "library.sqlite3"
    alone.parent.mkdir()
    shutil.copyfile(path, alone)  # the file a backup tool would take, without -wal
    assert rows(alone, "SELECT COUNT(*) FROM tracks") == [(50,)]
    assert rows(alone, "SELECT COUNT(*) FROM favourites") == [(7,)]
    assert rows(alone, "SELECT COUNT(*) FROM play_events") == [(7,)]


def test_a_periodic_checkpoint_empties_the_wal_while_open(tmp_path):
    path = tmp_path / "library.sqlite3"
    with Store(path) as store:
        fill(store, 30, 3)
        assert store.checkpoint() is True
        copy = tmp_path / "copy.sqlite3"
        shutil.copyfile(path, copy)
        assert rows(copy, "SELECT COUNT(*) FROM favourites") == [(3,)]
        store.close()
        store.close()  # twice is fine


def damage(path, offset: int, size: int = 56 * 1024) -> bytes:
    data = bytearray(path.read_bytes())
    data[offset:offset + size] = random.Random(11).randbytes(size)
    path.write_bytes(bytes(data))
    return bytes(data)


@pytest.fixture
def damaged(tmp_path):
    path = tmp_path / "library.sqlite3"
    with Store(path) as store:
        fill(store)
    size = path.stat().st_size
    assert size > 200 * 1024
    return path, damage(path, size // 4)


def cli_recover_works(tmp_path) -> bool:
    """Debian 12's sqlite3 tool is built without the sqlite_dbpage table `.recover` needs."""
    if shutil.which("sqlite3") is None:
        return False
    good = tmp_path / "good.sqlite3"
    rows(good, "CREATE TABLE t (x)")
    return subprocess.run(["sqlite3", str(good), ".recover"], capture_output=True).returncode == 0


@pytest.mark.parametrize("tool", ["sqlite3", None], ids=["sqlite3-recover", "row-by-row"])
def test_one_damaged_region_is_salvaged_not_replaced(damaged, tool, monkeypatch, caplog, tmp_path):
    if tool and not cli_recover_works(tmp_path):
        pytest.skip("no sqlite3 tool with a working .recover here")
    if tool is None:
        monkeypatch.setattr(recovery.shutil, "which", lambda name: None)
    path, bad_bytes = damaged
    with caplog.at_level(logging.WARNING), Store(path) as store:
        report = store.recovery
        assert report is not None
        assert report.method == ("sqlite3 .recover" if tool else "row by row")
        kept = report.kept_as
        assert kept.read_bytes() == bad_bytes  # the damaged original is kept as it was
        assert kept.name.startswith("library.sqlite3.broken-")
        recovered = store.count()
        # 56 KB is 14 pages of ~50 tracks: at most ~750 rows gone, the rest back.
        assert N_TRACKS - 800 < recovered < N_TRACKS
        assert sum(t.favourite for t in store.tracks()) == N_FAVOURITES
        assert report.recovered["tracks"] == recovered
        assert f"recovered {recovered:,} of {N_TRACKS:,} tracks, {N_FAVOURITES} of {N_FAVOURITES} " \
               f"favourites" in report.message
        assert str(kept) in report.message and report.message in caplog.text
        fresh = store.tracks()[0].id
        store.set_favourite(fresh, True)  # the salvaged file is a working library
    with Store(path) as again:
        assert again.recovery is None and again.count() == recovered


def test_the_cli_says_what_was_recovered(damaged, capsys):
    path, _ = damaged
    assert main(["scan", str(path.parent / "no-music"), "--db", str(path)]) == 1
    err = capsys.readouterr().err
    assert "recovered" in err and f"of {N_TRACKS:,} tracks" in err and "broken-" in err


def test_a_destroyed_file_comes_back_from_the_daily_backup(tmp_path):
    path = tmp_path / "library.sqlite3"
    with Store(path) as store:
        fill(store, 120, 5)
        made = store.backup_daily()
        assert made is not None and made.parent == tmp_path / "backups"
        assert store.backup_daily() is None  # one a day
    path.write_bytes(random.Random(3).randbytes(path.stat().st_size))  # page 1 gone too
    with Store(path) as store:
        assert store.recovery.method == "backup" and store.recovery.backup == made
        assert store.count() == 120 and sum(t.favourite for t in store.tracks()) == 5
        assert "restored the backup of" in store.recovery.message
        assert "120 of" in store.recovery.message or "120 tracks" in store.recovery.message


def test_without_a_backup_an_unsalvageable_file_is_kept_and_said(tmp_path):
    path = tmp_path / "library.sqlite3"
    junk = random.Random(5).randbytes(56 * 1024)
    path.write_bytes(junk)
    with Store(path) as store:
        assert store.count() == 0 and store.recovery.method == "nothing"
        assert "no backup" in store.recovery.message
        assert store.recovery.kept_as.read_bytes() == junk


def test_backups_keep_the_last_three_days_and_skip_an_empty_library(tmp_path):
    path = tmp_path / "library.sqlite3"
    with Store(path) as store:
        assert backup.daily_backup(store._conn, path, today="2026-11-01") is None  # nothing to keep
        fill(store, 10, 1)
        for day in ("2026-11-01", "2026-11-02", "2026-11-03", "2026-11-04"):
            assert backup.daily_backup(store._conn, path, today=day) is not None
    names = [p.name for p in backup.backups(path)]
    assert names == ["library-2026-11-04.sqlite3", "library-2026-11-03.sqlite3",
                     "library-2026-11-02.sqlite3"]
    assert rows(backup.backups(path)[0], "SELECT COUNT(*) FROM tracks") == [(10,)]


def test_open_default_makes_todays_backup():
    from moodplayer import config

    with Store.open_default() as store:
        fill(store, 5, 1)
    with Store.open_default():
        pass
    assert len(backup.backups(config.database_path())) == 1


@contextmanager
def read_only(folder):
    """The folder made read-only for real: a read-only bind mount as root (root ignores
    permissions), else chmod."""
    if os.geteuid() == 0:
        if subprocess.run(["mount", "--bind", str(folder), str(folder)], capture_output=True).returncode:
            pytest.skip("cannot bind-mount here")
        try:
            if subprocess.run(["mount", "-o", "remount,bind,ro", str(folder)],
                              capture_output=True).returncode:
                pytest.skip("cannot remount read-only here")
            yield
        finally:
            subprocess.run(["umount", "-l", str(folder)], capture_output=True)
        return
    modes = {p: p.stat().st_mode for p in [folder, *folder.iterdir()]}
    for p in modes:
        p.chmod(0o555 if p.is_dir() else 0o444)
    try:
        yield
    finally:
        for p, mode in modes.items():
            p.chmod(mode)


def test_a_read_only_database_reads_and_refuses_writes_plainly(tmp_path, caplog):
    folder = tmp_path / "db"
    path = folder / "library.sqlite3"
    with Store(path) as store:
        fill(store, 20, 2)
    with read_only(folder), caplog.at_level(logging.WARNING), Store(path) as store:
        assert store.read_only and store.count() == 20  # the library still shows and plays
        with pytest.raises(StoreReadOnly, match=str(path)):
            store.set_favourite(store.tracks()[0].id, True)
        track = store.tracks()[0].id
        assert store.record_play(track, "played") is False
        assert store.record_play(track, "completed") is False
        assert caplog.text.count("Play history is not being saved") == 1  # once, not per event
        assert "read-only" in store.write_problem
    with Store(path) as store:
        assert sum(t.favourite for t in store.tracks()) == 2  # nothing lost


def test_scan_and_play_on_a_read_only_database_name_the_file(tmp_path, capsys):
    folder = tmp_path / "db"
    path = folder / "library.sqlite3"
    music = tmp_path / "music"
    music.mkdir()
    with Store(path):
        pass
    with read_only(folder):
        assert main(["scan", str(music), "--db", str(path)]) == 1
        err = capsys.readouterr().err
        assert str(path) in err and "read-only" in err and "Traceback" not in err
        assert main(["play", "--emotion", "happy", "--music-dir", str(music), "--db", str(path)]) == 1
        err = capsys.readouterr().err
        assert str(path) in err and "read-only" in err


def test_a_missing_folder_that_cannot_be_made_is_a_store_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(StoreError, match="cannot create the folder"):
        Store(blocker / "library.sqlite3")


@contextmanager
def small_disk(folder, size: str = "256k"):
    """A real full disk: a tiny tmpfs (root only)."""
    folder.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs",
                                            str(folder)], capture_output=True).returncode:
        pytest.skip("cannot mount a small tmpfs here")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def test_a_full_disk_is_a_plain_message_and_keeps_what_was_saved(tmp_path, caplog):
    from moodplayer.library.store import StoreFull

    with small_disk(tmp_path / "disk") as disk:
        path = disk / "library.sqlite3"
        saved = 0
        with Store(path) as store, pytest.raises(StoreFull, match="the disk is full") as full:
            for batch in range(1000):
                fill_batch = [FileRecord(f"/m/{batch:04d}-{i:03d}.mp3".encode(), 1, 1,
                                         Tags(title="t" * 400).values(), {}) for i in range(50)]
                store.save_files(fill_batch)
                saved += 50
        assert str(path) in str(full.value) and saved > 0
        with Store(path) as again:
            assert again.count() == saved  # every batch that was committed is there
            assert again.record_play(again.tracks()[0].id, "played") in (True, False)


def test_a_bad_page_in_a_without_rowid_table_loses_only_that_page(tmp_path, monkeypatch):
    monkeypatch.setattr(recovery.shutil, "which", lambda name: None)  # the row-by-row copy
    path = tmp_path / "library.sqlite3"
    with Store(path) as store:
        fill(store)
    conn = sqlite3.connect(path)
    try:
        pages = [row[0] for row in conn.execute(
            "SELECT pageno FROM dbstat WHERE name = 'track_buckets' AND pagetype = 'leaf' ORDER BY pageno")]
    except sqlite3.OperationalError:
        pytest.skip("this SQLite has no dbstat table")
    finally:
        conn.close()
    victim = pages[len(pages) // 2]  # a leaf in the middle of the bucket assignments
    data = bytearray(path.read_bytes())
    data[(victim - 1) * 4096:victim * 4096] = random.Random(1).randbytes(4096)
    path.write_bytes(bytes(data))
    with Store(path) as store:
        recovered = store.recovery.recovered
        assert recovered["tracks"] == N_TRACKS
        assert N_TRACKS * (1 - 2 / len(pages)) <= recovered["track_buckets"] < N_TRACKS
