"""MoodTracker on scripted probability sequences, at 10 and 30 frames per second."""

from __future__ import annotations

import numpy as np
import pytest

from moodplayer.emotions import Emotion
from moodplayer.vision.tracker import MoodTracker

HAPPY, SAD, NEUTRAL, ANGRY = Emotion.HAPPY, Emotion.SAD, Emotion.NEUTRAL, Emotion.ANGRY


def probs(emotion: Emotion, p: float = 0.8) -> np.ndarray:
    out = np.full(7, (1 - p) / 6, np.float32)
    out[emotion] = p
    return out


def run(tracker: MoodTracker, script, fps: float, seconds: float):
    """Feed script(t) -> probs or None at `fps`; return [(t, mood)] of the changes."""
    changes = []
    for i in range(int(round(seconds * fps))):
        t = i / fps
        if tracker.update(script(t), t):
            changes.append((t, tracker.mood))
    return changes


@pytest.mark.parametrize("fps", [10, 30])
def test_a_mood_change_is_confirmed_in_two_to_four_seconds(fps):
    changes = run(MoodTracker(), lambda t: probs(HAPPY if t < 10 else SAD), fps, 20)
    assert [mood for _, mood in changes] == [HAPPY, SAD]
    assert 2.0 <= changes[1][0] - 10 <= 4.0


def test_the_same_sequence_gives_the_same_timing_at_10_and_30_fps():
    def script(t):
        return probs(NEUTRAL if t < 6 else HAPPY, 0.6)

    at10 = run(MoodTracker(), script, 10, 15)
    at30 = run(MoodTracker(), script, 30, 15)
    assert [m for _, m in at10] == [m for _, m in at30] == [NEUTRAL, HAPPY]
    assert at10[1][0] == pytest.approx(at30[1][0], abs=0.15)


@pytest.mark.parametrize("fps", [10, 30])
def test_a_single_odd_frame_never_flips_the_mood(fps):
    odd = {round(5.0 * fps), round(7.0 * fps)}

    def script(t):
        return probs(ANGRY, 0.99) if round(t * fps) in odd else probs(HAPPY, 0.7)

    assert run(MoodTracker(), script, fps, 12) == [(2.5, HAPPY)]


@pytest.mark.parametrize("fps", [10, 30])
def test_flicker_between_two_close_moods_holds_the_first(fps):
    # sad and neutral take turns every 0.5 s, each barely leading: no flapping
    def script(t):
        if t < 4:
            return probs(SAD)
        lead = SAD if int(t * 2) % 2 == 0 else NEUTRAL
        out = np.full(7, 0.02, np.float32)
        out[SAD], out[NEUTRAL] = 0.40, 0.40
        out[lead] += 0.1
        return out

    assert [m for _, m in run(MoodTracker(), script, fps, 20)] == [SAD]


def test_dwell_time_is_configurable():
    short = run(MoodTracker(dwell_seconds=1.0), lambda t: probs(HAPPY if t < 5 else SAD), 10, 12)
    long = run(MoodTracker(dwell_seconds=4.0), lambda t: probs(HAPPY if t < 5 else SAD), 10, 12)
    assert short[0][0] == pytest.approx(1.0) and long[0][0] == pytest.approx(4.0)
    assert long[1][0] - short[1][0] == pytest.approx(3.0, abs=0.15)


@pytest.mark.parametrize("fps", [10, 30])
def test_without_a_face_the_mood_holds_then_becomes_unknown(fps):
    tracker = MoodTracker(unknown_after_seconds=5.0)
    changes = run(tracker, lambda t: probs(HAPPY) if t < 4 else None, fps, 12)
    assert [m for _, m in changes] == [HAPPY, None]
    last_face = 4 - 1 / fps
    assert changes[1][0] - last_face == pytest.approx(5.0, abs=1.5 / fps)
    assert tracker.mood is None and tracker.smoothed is None


def test_short_face_dropouts_do_not_delay_a_change():
    # every 4th frame without a face (a missed detection) while sad takes over
    def script(t):
        if t >= 5 and round(t * 10) % 4 == 0:
            return None
        return probs(HAPPY if t < 5 else SAD)

    steady = run(MoodTracker(), lambda t: probs(HAPPY if t < 5 else SAD), 10, 12)
    gappy = run(MoodTracker(), script, 10, 12)
    assert [m for _, m in gappy] == [HAPPY, SAD]
    assert gappy[1][0] == pytest.approx(steady[1][0], abs=0.25)


def test_a_long_gap_restarts_the_challenger():
    def script(t):
        if t < 5:
            return probs(HAPPY)
        if 6.5 <= t < 8.5:  # face gone for 2 s in the middle of the challenge
            return None
        return probs(SAD)

    changes = run(MoodTracker(), script, 10, 15)
    assert [m for _, m in changes] == [HAPPY, SAD]
    assert changes[1][0] >= 8.5 + 2.5


def test_smoothed_probabilities_stay_a_distribution():
    tracker = MoodTracker()
    for i in range(50):
        tracker.update(probs(Emotion(i % 7)), i / 30)
    assert tracker.smoothed.shape == (7,)
    assert tracker.smoothed.sum() == pytest.approx(1.0, abs=1e-5)
