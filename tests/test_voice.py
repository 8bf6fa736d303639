"""Voice commands: the grammar, the parser, and pocketsphinx on real speech made with espeak-ng."""

import shutil

import numpy as np
import pytest

from moodplayer.voice import commands, grammar
from moodplayer.voice.evaluate import NOT_COMMANDS, command_cases, speak

needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")


@pytest.fixture(scope="module")
def recognizer():
    from moodplayer.voice.recognizer import Recognizer

    return Recognizer()


def test_every_grammar_word_is_in_the_models_dictionary():
    from pathlib import Path

    import pocketsphinx

    dictionary = Path(pocketsphinx.get_model_path()) / "en-us" / "cmudict-en-us.dict"
    known = {line.split(" ", 1)[0] for line in dictionary.read_text(encoding="utf-8").splitlines()}
    assert grammar.vocabulary() <= known
    assert set(grammar.garbage_words()) <= known
    assert not set(grammar.garbage_words()) & grammar.vocabulary()


@pytest.mark.parametrize("text,command", [
    ("Play", "play"), ("pause the music", "pause"), ("Next song!", "next"), ("go back", "previous"),
    ("volume up", "louder"), ("quieter", "quieter"), ("auto", "auto"),
    ("What\u2019s playing?", "what_is_playing"), ("why this song", "why_this_song"),
    ("play something happy", "play_mood:happy"), ("play some calm music", "play_mood:calm"),
    ("play something scared", "play_mood:fear"), ("play something instrumental", "play_mood:instrumental"),
    ("I'm feeling sad", "feeling:sad"), ("i am feeling disgusted", "feeling:disgust"),
    ("the weather is nice today", None), ("play something", None), ("i'm feeling", None),
    ("play something calm songs please", None), ("i'm feeling upbeat", None), ("", None),
])
def test_parse_takes_whole_phrases_only(text, command):
    assert commands.parse(text) == command


def test_every_command_the_issue_lists_can_be_said():
    said = {commands.parse(text) for text, _ in command_cases(every_phrase=True)}
    simple = {"play", "pause", "next", "previous", "louder", "quieter", "auto", "what_is_playing",
              "why_this_song"}
    moods = {f"play_mood:{m}" for m in ("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral",
                                         "upbeat", "calm", "rap", "devotional", "instrumental")}
    feelings = {f"feeling:{m}" for m in ("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral")}
    assert said == simple | moods | feelings
    assert all(commands.is_command(c) for c in said)
    assert not commands.is_command("play_mood:jolly") and not commands.is_command("next:1")


@needs_espeak
def test_each_command_is_recognised_from_speech(recognizer, tmp_path):
    missed = []
    for index, (text, expected) in enumerate(command_cases()):
        heard = recognizer.recognize_file(speak(text, tmp_path / f"{index}.wav", "en-us", 160))
        if heard.command != expected:
            missed.append((text, heard.text, heard.command))
        else:
            assert 0.0 < heard.confidence <= 1.0
    assert missed == []


@needs_espeak
def test_other_voices_and_speeds_mostly_recognised_and_never_misread_as_much(recognizer, tmp_path):
    results = []
    for voice, speed in (("en-gb", 175), ("en+f3", 140)):
        for index, (text, expected) in enumerate(command_cases()):
            heard = recognizer.recognize_file(speak(text, tmp_path / f"{voice}{index}.wav", voice, speed))
            results.append((expected, heard.command))
    right = sum(e == c for e, c in results)
    wrong = sum(c not in (None, e) for e, c in results)
    assert right / len(results) >= 0.85
    assert wrong <= 4


@needs_espeak
@pytest.mark.parametrize("voice,speed", [("en-us", 140), ("en-gb", 175), ("en+f3", 160)])
def test_speech_that_is_not_a_command_is_rejected(recognizer, tmp_path, voice, speed):
    accepted = []
    for index, text in enumerate(NOT_COMMANDS):
        heard = recognizer.recognize_file(speak(text, tmp_path / f"{index}.wav", voice, speed))
        if heard.command is not None:
            accepted.append((text, heard.command))
        else:
            assert heard.confidence == 0.0
    named = {text for text, _ in accepted} & {"the weather is nice today", "open the window please"}
    assert named == set()
    assert len(accepted) <= 1  # measured: "what time is it" can pass for "what song is this"


@needs_espeak
def test_other_rates_and_stereo_are_resampled_to_16k(recognizer, tmp_path):
    import soundfile

    wav = speak("play something devotional", tmp_path / "orig.wav", "en-us", 160)
    samples, rate = soundfile.read(str(wav), dtype="int16")
    assert rate == 22050
    stereo = tmp_path / "stereo48k.wav"
    resampled = np.interp(np.arange(int(len(samples) * 48000 / rate)) * rate / 48000,
                          np.arange(len(samples)), samples).astype(np.int16)
    soundfile.write(str(stereo), np.stack([resampled, resampled], axis=1), 48000)
    assert recognizer.recognize_file(stereo).command == "play_mood:devotional"
    eight = tmp_path / "8k.wav"
    soundfile.write(str(eight), samples[::2], rate // 2)  # 11025 Hz
    assert recognizer.recognize_file(eight).command == "play_mood:devotional"


def test_silence_and_noise_are_not_commands(recognizer):
    assert recognizer.recognize(np.zeros(16000, dtype=np.int16)).command is None
    noise = np.random.default_rng(1).normal(0, 3000, 32000).astype(np.int16)
    assert recognizer.recognize(noise).command is None


def test_bad_audio_is_a_clear_error(recognizer, tmp_path):
    from moodplayer.voice.recognizer import VoiceError

    junk = tmp_path / "junk.wav"
    junk.write_bytes(b"RIFF not really a wave file")
    with pytest.raises(VoiceError, match="cannot read"):
        recognizer.recognize_file(junk)
    with pytest.raises(VoiceError, match="one channel"):
        recognizer.recognize(np.zeros((10, 2), dtype=np.int16))
    with pytest.raises(VoiceError, match="bad sample rate"):
        recognizer.recognize(np.zeros(100, dtype=np.int16), 0)
