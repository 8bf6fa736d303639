"""The library database's schema: migrations in order and the column lists the Store reads."""

from __future__ import annotations

# The audio_features columns as migration 3 made them (Features' fields, in order).
FEATURE_COLUMNS_3 = ("tempo", "clarity", "punch", "energy_db", "brightness", "mode", "error", "loudness",
                     "loudness_max", "loudness_range", "crest", "onset_rate", "percussion", "flux",
                     "tuning", "syllables", "pauses", "flatness", "seconds")
FEATURE_COLUMNS_4 = (*FEATURE_COLUMNS_3, "novelty")

MIGRATIONS = (
    # 1: first schema.
    """
    CREATE TABLE tracks (
        id INTEGER PRIMARY KEY,
        path BLOB NOT NULL UNIQUE,
        size INTEGER NOT NULL,
        mtime_ns INTEGER NOT NULL,
        title TEXT NOT NULL DEFAULT '',
        artist TEXT NOT NULL DEFAULT '',
        album TEXT NOT NULL DEFAULT '',
        album_artist TEXT NOT NULL DEFAULT '',
        track_no INTEGER,
        year INTEGER,
        genre TEXT NOT NULL DEFAULT '',
        mood TEXT NOT NULL DEFAULT '',
        bpm REAL,
        duration REAL,
        has_cover INTEGER NOT NULL DEFAULT 0,
        rating REAL,
        tag_play_count INTEGER,
        added_at REAL NOT NULL,
        missing INTEGER NOT NULL DEFAULT 0,
        unplayable TEXT
    );
    CREATE TABLE track_buckets (
        track_id INTEGER NOT NULL REFERENCES tracks(id) ON DELETE CASCADE,
        bucket TEXT NOT NULL,
        reason TEXT NOT NULL,
        PRIMARY KEY (track_id, bucket)
    ) WITHOUT ROWID;
    CREATE INDEX track_buckets_by_bucket ON track_buckets(bucket);
    CREATE TABLE bucket_overrides (
        track_id INTEGER NOT NULL REFERENCES tracks(id) ON DELETE CASCADE,
        bucket TEXT NOT NULL,
        included INTEGER NOT NULL,
        reason TEXT NOT NULL,
        at REAL NOT NULL,
        PRIMARY KEY (track_id, bucket)
    ) WITHOUT ROWID;
    CREATE TABLE play_events (
        id INTEGER PRIMARY KEY,
        track_id INTEGER NOT NULL REFERENCES tracks(id) ON DELETE CASCADE,
        event TEXT NOT NULL,
        emotion TEXT,
        at REAL NOT NULL
    );
    CREATE INDEX play_events_by_track ON play_events(track_id);
    CREATE TABLE favourites (
        track_id INTEGER PRIMARY KEY REFERENCES tracks(id) ON DELETE CASCADE,
        at REAL NOT NULL
    );
    CREATE TABLE emotion_weights (
        track_id INTEGER NOT NULL REFERENCES tracks(id) ON DELETE CASCADE,
        emotion TEXT NOT NULL,
        weight REAL NOT NULL,
        PRIMARY KEY (track_id, emotion)
    ) WITHOUT ROWID;
    CREATE TABLE scan_errors (
        path BLOB PRIMARY KEY,
        reason TEXT NOT NULL
    );
    """,
    # 2: audio features of untagged files, keyed by path + size + mtime.
    """
    CREATE TABLE audio_features (
        path BLOB PRIMARY KEY,
        size INTEGER NOT NULL,
        mtime_ns INTEGER NOT NULL,
        tempo REAL,
        clarity REAL,
        punch REAL,
        energy_db REAL,
        brightness REAL,
        mode TEXT,
        error TEXT
    );
    """,
    # 3: more measures (loudness, drums, is it music); the old cache lacks them, so it goes.
    # Per track: language (tags, script, folder words) and what the analysis found.
    f"""
    DROP TABLE audio_features;
    CREATE TABLE audio_features (
        path BLOB PRIMARY KEY,
        size INTEGER NOT NULL,
        mtime_ns INTEGER NOT NULL,
        {", ".join(FEATURE_COLUMNS_3)}
    );
    ALTER TABLE tracks ADD COLUMN language TEXT NOT NULL DEFAULT '';
    ALTER TABLE tracks ADD COLUMN tempo REAL;
    ALTER TABLE tracks ADD COLUMN energy REAL;
    ALTER TABLE tracks ADD COLUMN music INTEGER;
    ALTER TABLE tracks ADD COLUMN sound TEXT NOT NULL DEFAULT '';
    """,
    # 4: one more measure (how often notes change); the cache is rebuilt.
    f"""
    DROP TABLE audio_features;
    CREATE TABLE audio_features (
        path BLOB PRIMARY KEY,
        size INTEGER NOT NULL,
        mtime_ns INTEGER NOT NULL,
        {", ".join(FEATURE_COLUMNS_4)}
    );
    """,
)

TRACK_COLUMNS = ("id", "path", "title", "artist", "album", "album_artist", "track_no", "year", "genre",
                 "mood", "bpm", "duration", "has_cover", "rating", "tag_play_count", "added_at",
                 "missing", "unplayable", "language", "tempo", "energy", "music", "sound")
# Columns the scanner writes from a file's tags, in this order.
TAG_COLUMNS = ("title", "artist", "album", "album_artist", "track_no", "year", "genre", "mood", "bpm",
               "duration", "has_cover", "rating", "tag_play_count", "language")

SELECT_TRACKS = f"""
    SELECT {", ".join("t." + c for c in TRACK_COLUMNS)},
           f.track_id IS NOT NULL,
           COALESCE(s.plays, 0), COALESCE(s.completions, 0), COALESCE(s.skips, 0), s.last_played
    FROM tracks t
    LEFT JOIN favourites f ON f.track_id = t.id
    LEFT JOIN (SELECT track_id,
                      SUM(event = 'played') AS plays,
                      SUM(event = 'completed') AS completions,
                      SUM(event = 'skipped') AS skips,
                      MAX(at) AS last_played
               FROM play_events GROUP BY track_id) s ON s.track_id = t.id
"""

FEATURE_COLUMNS = FEATURE_COLUMNS_4
