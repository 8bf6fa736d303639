"""The music library: folder scan with mutagen, the SQLite store, mood buckets with reasons."""
