"""Push-to-talk in the window: a microphone button (held) and Ctrl+Space (press to start, again
to stop), a listening indicator, what was heard and how sure, and the command sent to the bridge."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QLabel, QToolButton

from moodplayer.emotions import Emotion
from moodplayer.library.buckets import BUCKETS
from moodplayer.voice.capture import PushToTalk

VOLUME_STEP = 10


class VoiceController(QObject):
    heard = Signal(object)  # Recognition, from the worker thread; Qt queues it to the GUI thread
    failed = Signal(str)
    listening_changed = Signal(bool)

    def __init__(self, bridge, window=None, microphone=None, recognizer=None) -> None:
        super().__init__(window)
        self.bridge = bridge
        self.talk = PushToTalk(self.heard.emit, self.failed.emit, microphone=microphone,
                               recognizer=recognizer)
        self.heard.connect(self._on_heard)
        self.failed.connect(lambda text: self.bridge.message.emit("warning", text))
        self.button = QToolButton(window)
        self.button.setText("Hold to talk")
        self.button.setToolTip("Hold to speak a command (or hold Ctrl+Space): play, next, louder, "
                               "\"play something calm\", \"I'm feeling sad\", \"why this song\"…")
        self.button.pressed.connect(self.press)
        self.button.released.connect(self.release)
        self.status = QLabel(window)
        self.status.setObjectName("voiceStatus")

    def press(self) -> None:
        if self.talk.listening:
            return
        if self.talk.press():
            self.status.setText("● listening…")
            self.listening_changed.emit(True)

    def release(self) -> None:
        if self.talk.release() is not None:
            self.status.setText("recognising…")
            self.listening_changed.emit(False)

    def close(self) -> None:
        self.talk.close()

    def toggle(self) -> None:
        """Ctrl+Space: a first press starts listening, the next stops and recognises."""
        self.release() if self.talk.listening else self.press()

    def _on_heard(self, recognition) -> None:
        if recognition.command is None:
            said = f" (heard “{recognition.text}”)" if recognition.text else ""
            self.status.setText(f"not a command{said}")
            return
        self.status.setText(f"“{recognition.text}” → {recognition.command} ({recognition.confidence:.0%})")
        self.run(recognition.command)

    def run(self, command: str) -> None:
        """One command string (voice.commands) applied through the bridge."""
        name, _, argument = command.partition(":")
        bridge = self.bridge
        simple = {"play": bridge.play, "pause": bridge.pause, "next": bridge.next,
                  "previous": bridge.previous,
                  "louder": lambda: bridge.set_volume(min(100, bridge.volume + VOLUME_STEP)),
                  "quieter": lambda: bridge.set_volume(max(0, bridge.volume - VOLUME_STEP)),
                  "auto": lambda: bridge.set_override(None),
                  "what_is_playing": self._say_playing, "why_this_song": self._say_why}
        if name in simple:
            simple[name]()
        elif name in ("feeling", "play_mood") and argument in {e.label for e in Emotion}:
            bridge.set_override(Emotion.parse(argument))
        elif name == "play_mood" and argument in BUCKETS:
            tracks = bridge.session.store.tracks(bucket=argument, folder=bridge.session.folder)
            if tracks:
                bridge.play_tracks(tracks)
            else:
                bridge.message.emit("info", f"No {argument} tracks in the library yet.")

    def _say_playing(self) -> None:
        track = self.bridge.current_track
        text = "Nothing is playing." if track is None else f"Playing “{track.display_title}”" + (
            f" by {track.artist}" if track.artist else "") + "."
        self.bridge.message.emit("info", text)

    def _say_why(self) -> None:
        reason = self.bridge.mood_reason
        self.bridge.message.emit("info", f"Why this song: {reason}" if reason else "Nothing is playing.")


def attach(bridge, window, settings) -> VoiceController:
    """The button (held) and its status in the status bar; Ctrl+Space toggles listening."""
    from PySide6.QtGui import QKeySequence, QShortcut

    controller = VoiceController(bridge, window)
    window.statusBar().addPermanentWidget(controller.status)
    window.statusBar().addPermanentWidget(controller.button)
    controller.shortcut = QShortcut(QKeySequence("Ctrl+Space"), window, controller.toggle,
                                    context=Qt.ShortcutContext.WindowShortcut)
    controller.shortcut.setAutoRepeat(False)
    if hasattr(window, "closing"):
        window.closing.connect(controller.close)
    return controller
