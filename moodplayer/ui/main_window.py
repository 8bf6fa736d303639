"""The main window (placeholder until the full window lands)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QMainWindow


class MainWindow(QMainWindow):
    def __init__(self):
        super().__init__()
        self.setWindowTitle("MoodPlayer")
        self.resize(1024, 700)
        self.setCentralWidget(QLabel("MoodPlayer"))
