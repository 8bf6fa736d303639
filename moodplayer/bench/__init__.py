"""Long-running measurements of the app as a user runs it (moodplayer bench --soak)."""
