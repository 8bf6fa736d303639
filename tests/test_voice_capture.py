"""Push-to-talk without a microphone: a clear message; with a WAV standing in for the
microphone, the same worker thread and decoder as the real one."""

import shutil
import threading

import numpy as np
import pytest

from moodplayer.voice.capture import Microphone, NoMicrophone, PushToTalk, microphone_problem
from moodplayer.voice.recognizer import read_audio


class WavMicrophone:
    """Plays the part of the microphone: start() 'opens', stop() hands back the file's audio."""

    def __init__(self, path):
        self.samples, self.rate = read_audio(path)
        self.listening = False

    def start(self):
        self.listening = True

    def stop(self):
        self.listening = False
        return self.samples


def test_module_imports_and_says_why_there_is_no_microphone():
    problem = microphone_problem()
    if problem is None:
        pytest.skip("this machine has a microphone")
    assert problem.startswith("no microphone")
    with pytest.raises(NoMicrophone, match="no microphone"):
        Microphone().start()


def test_push_to_talk_reports_no_microphone_to_the_window():
    if microphone_problem() is None:
        pytest.skip("this machine has a microphone")
    errors = []
    ptt = PushToTalk(on_result=lambda r: None, on_error=errors.append)
    assert ptt.press() is False
    assert ptt.listening is False
    assert errors and errors[0].startswith("no microphone")
    assert ptt.release() is None


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")
def test_push_to_talk_decodes_in_a_worker_thread(tmp_path):
    from moodplayer.voice.evaluate import speak

    wav = speak("play something happy", tmp_path / "happy.wav", "en-us", 160)
    results, threads = [], []
    done = threading.Event()

    def on_result(recognition):
        results.append(recognition)
        threads.append(threading.current_thread().name)
        done.set()

    ptt = PushToTalk(on_result, on_error=lambda m: pytest.fail(m), microphone=WavMicrophone(wav))
    assert ptt.press() is True and ptt.listening
    worker = ptt.release()
    assert not ptt.listening
    assert done.wait(60)
    worker.join(5)
    assert results[0].command == "play_mood:happy"
    assert threads == ["voice"] and threads[0] != threading.main_thread().name
    ptt.close()


def test_a_tap_too_short_to_hold_a_word_is_told(tmp_path):
    class Tap(WavMicrophone):
        def __init__(self):
            self.samples, self.rate, self.listening = np.zeros(100, dtype=np.int16), 16000, False

    errors, done = [], threading.Event()
    ptt = PushToTalk(lambda r: None, lambda m: (errors.append(m), done.set()), microphone=Tap())
    ptt.press()
    ptt.release()
    assert done.wait(10)
    assert errors == ["nothing heard: hold the key while you speak"]
