"""Personal calibration: the profile, what it stores, and how it changes the model's output."""

import json

import cv2
import numpy as np
import pytest

from moodplayer.cli import main
from moodplayer.emotions import LABELS, Emotion
from moodplayer.vision import calibration as cal
from moodplayer.vision.classifier import DEFAULT_MODEL, EmotionClassifier
from moodplayer.vision.features import FeatureClassifier


def _crops(data_dir):
    """The astronaut's smile (a 48x48 crop), her mirror image, and some textures."""
    image = cv2.imread(str(data_dir / "astronaut.png"), cv2.IMREAD_GRAYSCALE)
    face = cv2.resize(image[43:193, 151:301], (48, 48), interpolation=cv2.INTER_AREA)
    rng = np.random.default_rng(3)
    noise = [cv2.GaussianBlur(rng.integers(0, 256, (48, 48), dtype=np.uint8), (0, 0), 2) for _ in range(3)]
    return [face, face[:, ::-1].copy(), *noise]


def _write_csv(path, rows):
    with open(path, "w") as handle:
        handle.write("emotion,pixels,Usage\n")
        for label, crop in rows:
            handle.write(f"{int(label)},{' '.join(map(str, crop.ravel()))},PublicTest\n")
    return path


def test_the_reading_matches_the_plain_model(data_dir):
    plain, features = EmotionClassifier(), FeatureClassifier()
    for crop in _crops(data_dir):
        reading = features.read(crop)
        assert np.array_equal(reading.probs, plain.predict(crop))
        assert reading.embedding.shape == (256,) and reading.embedding.min() >= 0
        assert reading.logits.shape == (7,)
        assert int(np.argmax(reading.logits)) == int(np.argmax(reading.probs))
    assert "gap" in features.embedding_kind
    assert len(features.sha256) == 64


def test_no_samples_is_exactly_the_model(data_dir, tmp_path):
    plain, calibrated = EmotionClassifier(), cal.CalibratedClassifier()
    assert calibrated.profile.total == 0
    for crop in _crops(data_dir):
        assert np.array_equal(calibrated.predict(crop), plain.predict(crop))
    # An empty profile file read back changes nothing either.
    path = cal.save_profile(calibrated.profile, tmp_path / "empty.json")
    loaded, message = cal.open_classifier(path)
    assert message == "" and loaded.profile.total == 0
    for crop in _crops(data_dir):
        assert np.array_equal(loaded.predict(crop), plain.predict(crop))


def test_a_resting_face_that_reads_happy_reads_neutral_after_calibration(data_dir):
    face = _crops(data_dir)[0]
    classifier = cal.CalibratedClassifier()
    assert int(np.argmax(classifier.predict(face))) == Emotion.HAPPY
    cal.add_samples(classifier, [face, face[:, ::-1].copy()], [Emotion.NEUTRAL, Emotion.NEUTRAL])
    assert classifier.profile.sample_counts()["neutral"] == 2
    assert int(np.argmax(classifier.predict(face))) == Emotion.NEUTRAL


def test_the_profile_holds_only_counts_and_means(data_dir, tmp_path):
    classifier = cal.CalibratedClassifier()
    crops = _crops(data_dir)
    taught = [Emotion.HAPPY, Emotion.HAPPY, Emotion.SAD, Emotion.SAD, Emotion.NEUTRAL]
    cal.add_samples(classifier, crops, taught)
    data = json.loads(cal.save_profile(classifier.profile, tmp_path / "p.json").read_text())
    assert set(data) == {"format", "model_sha256", "embedding", "stored", "classes"}
    assert data["stored"] == cal.STORED and data["model_sha256"] == classifier.model.sha256
    assert set(data["classes"]) == {"happy", "sad", "neutral"}
    for entry in data["classes"].values():
        assert set(entry) == {"count", "logits_mean", "embedding_mean"}
        assert len(entry["logits_mean"]) == 7 and len(entry["embedding_mean"]) == 256
    assert data["classes"]["happy"]["count"] == 2
    # The stored mean is the mean of the readings, not any one of them.
    first, second = (classifier.model.read(c).embedding for c in crops[2:4])
    assert np.allclose(data["classes"]["sad"]["embedding_mean"], (first + second) / 2, atol=1e-4)
    loaded, message = cal.load_profile(tmp_path / "p.json", classifier.model)
    assert message == "" and loaded.sample_counts() == classifier.profile.sample_counts()
    assert np.allclose(loaded.embedding, classifier.profile.embedding, atol=1e-4)


def test_calibrate_writes_no_frame_or_crop_anywhere(tmp_path, data_dir, isolated_dirs, capsys):
    crops = _crops(data_dir)
    csv_path = _write_csv(tmp_path / "faces.csv", zip([6, 6, 3, 4, 0], crops, strict=True))
    before = {p for p in tmp_path.rglob("*") if p.is_file()}
    assert main(["calibrate", "--from-csv", str(csv_path), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    written = {p for p in tmp_path.rglob("*") if p.is_file()} - before
    logs = {p for p in written if p.suffix == ".log"}
    assert written - logs == {cal.default_profile_path()}, written
    data = json.loads(cal.default_profile_path().read_text())
    assert report["samples"] == {"angry": 1, "disgust": 0, "fear": 0, "happy": 1, "sad": 1, "surprise": 0,
                                 "neutral": 2}
    assert _numbers(data) == 1 + 4 * (1 + 7 + 256), "the format number, then counts and means only"
    for path in written:  # no crop's pixels, as the csv or a list would hold them
        text = path.read_text()
        for crop in crops:
            assert " ".join(map(str, crop.ravel()[:24])) not in text.replace(",", " ")


def _numbers(value) -> int:
    if isinstance(value, dict):
        return sum(_numbers(v) for v in value.values())
    if isinstance(value, list):
        return sum(_numbers(v) for v in value)
    return int(isinstance(value, (int, float)) and not isinstance(value, bool))


def test_a_profile_for_another_model_is_ignored_with_a_message(tmp_path, data_dir, capsys):
    crops = _crops(data_dir)
    profile = tmp_path / "p.json"
    assert main(["calibrate", "--from-csv", str(_write_csv(tmp_path / "c.csv", [(6, crops[0])])),
                 "--profile", str(profile)]) == 0
    data = json.loads(profile.read_text())
    data["model_sha256"] = "0" * 64
    profile.write_text(json.dumps(data))
    test_csv = _write_csv(tmp_path / "t.csv", [(3, crops[0]), (3, crops[1]), (4, crops[2])])
    capsys.readouterr()
    assert main(["evaluate", "--fer2013", str(test_csv), "--profile", str(profile), "--json"]) == 0
    captured = capsys.readouterr()
    assert "made for another model file" in captured.err and "ignored" in captured.err
    with_stale = json.loads(captured.out)
    assert with_stale["profile"]["used"] is False
    assert main(["evaluate", "--fer2013", str(test_csv), "--json"]) == 0
    plain = json.loads(capsys.readouterr().out)
    assert with_stale["fer2013"]["confusion"] == plain["fer2013"]["confusion"]
    with pytest.raises(ValueError, match="another model"):
        cal.CalibratedClassifier().profile = cal.Profile("0" * 64, "gap", 256)


def test_broken_profiles_are_clear_messages(tmp_path):
    classifier = FeatureClassifier()
    cases = {"missing.json": None, "junk.json": "{not json", "list.json": "[1, 2]",
             "short.json": json.dumps({"format": 1, "model_sha256": classifier.sha256, "embedding": "gap",
                                       "classes": {"happy": {"count": 1, "logits_mean": [0.0] * 7,
                                                             "embedding_mean": [0.0] * 3}}})}
    for name, content in cases.items():
        path = tmp_path / name
        if content is not None:
            path.write_text(content)
        profile, message = cal.load_profile(path, classifier)
        assert profile is None and str(path) in message, (name, message)


def test_evaluate_with_a_profile_uses_it(tmp_path, data_dir, capsys):
    crops = _crops(data_dir)
    profile = tmp_path / "p.json"
    assert main(["calibrate", "--from-csv", str(_write_csv(tmp_path / "c.csv", [(6, crops[0])])),
                 "--profile", str(profile)]) == 0
    capsys.readouterr()
    test_csv = _write_csv(tmp_path / "t.csv", [(6, crops[1])])
    assert main(["evaluate", "--fer2013", str(test_csv), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["fer2013"]["accuracy"] == 0.0  # her smile is not neutral
    assert main(["evaluate", "--fer2013", str(test_csv), "--profile", str(profile), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["profile"]["used"] is True and report["profile"]["samples"]["neutral"] == 1
    assert report["fer2013"]["accuracy"] == 1.0  # her mirrored smile is her resting face now


def test_calibrate_from_images_goes_through_the_detector(tmp_path, data_dir, capsys):
    photo = cv2.imread(str(data_dir / "astronaut.png"))
    for emotion, name, content in (("happy", "a.png", photo), ("happy", "b.jpg", photo[:, ::-1]),
                                   ("sad", "empty.png", np.full((200, 200, 3), 90, np.uint8))):
        (tmp_path / "faces" / emotion).mkdir(parents=True, exist_ok=True)
        cv2.imwrite(str(tmp_path / "faces" / emotion / name), content)
    (tmp_path / "faces" / "sad" / "broken.jpg").write_bytes(b"not an image")
    (tmp_path / "faces" / "notes").mkdir()
    profile = tmp_path / "p.json"
    assert main(["calibrate", "--images", str(tmp_path / "faces"), "--profile", str(profile), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["samples"]["happy"] == 2 and report["samples"]["sad"] == 0
    whys = sorted(s["why"] for s in report["skipped"])
    assert whys == ["cannot read the file as an image (unreadable or not an image)", "no face found"]
    assert report["summary"]["happy"]["before"] == {"happy": 1.0}


def test_calibrate_bad_input_is_a_clear_error(tmp_path, capsys):
    assert main(["calibrate", "--images", str(tmp_path / "nowhere")]) == 1
    assert "no folder" in capsys.readouterr().err
    (tmp_path / "empty").mkdir()
    assert main(["calibrate", "--images", str(tmp_path / "empty")]) == 1
    assert "no emotion folders" in capsys.readouterr().err
    bad = tmp_path / "bad.csv"
    bad.write_text("emotion,pixels,Usage\n9," + " ".join(["0"] * 2304) + ",PublicTest\n")
    assert main(["calibrate", "--from-csv", str(bad)]) == 1
    assert "0..6" in capsys.readouterr().err
    assert not cal.default_profile_path().exists(), "a failed calibration writes nothing"


def test_add_keeps_the_samples_already_there(tmp_path, data_dir, capsys):
    crops = _crops(data_dir)
    profile = tmp_path / "p.json"
    for label in (6, 3):
        assert main(["calibrate", "--from-csv", str(_write_csv(tmp_path / "c.csv", [(label, crops[0])])),
                     "--profile", str(profile), "--add", "--json"]) == 0
    assert json.loads(capsys.readouterr().out.splitlines()[-1])["samples"]["neutral"] == 1
    data = json.loads(profile.read_text())
    assert set(data["classes"]) == {"neutral", "happy"}


def test_without_reference_statistics_it_still_adapts(tmp_path, data_dir):
    model = tmp_path / "emotion_int8.tflite"
    model.write_bytes(DEFAULT_MODEL.read_bytes())  # no reference file beside this copy
    classifier = cal.CalibratedClassifier(model)
    assert classifier.reference is None
    crops = _crops(data_dir)
    plain = EmotionClassifier(model)
    cal.add_samples(classifier, [crops[0]], [Emotion.NEUTRAL])
    # One emotion taught gives nothing to compare against: the model's output stays.
    assert np.allclose(classifier.predict(crops[2]), plain.predict(crops[2]), atol=1e-2)
    cal.add_samples(classifier, [crops[2]], [Emotion.SAD])
    happy_before = plain.predict(crops[1])[Emotion.HAPPY]
    assert classifier.predict(crops[1])[Emotion.NEUTRAL] > plain.predict(crops[1])[Emotion.NEUTRAL]
    assert classifier.predict(crops[1])[Emotion.HAPPY] < happy_before


def test_classify_applies_a_profile(tmp_path, data_dir, capsys):
    photo = data_dir / "astronaut.png"
    (tmp_path / "faces" / "neutral").mkdir(parents=True)
    (tmp_path / "faces" / "neutral" / "me.png").write_bytes(photo.read_bytes())
    profile = tmp_path / "p.json"
    assert main(["calibrate", "--images", str(tmp_path / "faces"), "--profile", str(profile)]) == 0
    capsys.readouterr()
    assert main(["classify", str(photo), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["images"][0]["faces"][0]["emotion"] == "happy"
    assert main(["classify", str(photo), "--profile", str(profile), "--json"]) == 0
    face = json.loads(capsys.readouterr().out)["images"][0]["faces"][0]
    assert face["emotion"] == "neutral" and face["probabilities"]["neutral"] > 0.5
    data = json.loads(profile.read_text())
    data["model_sha256"] = "f" * 64
    profile.write_text(json.dumps(data))
    assert main(["classify", str(photo), "--profile", str(profile), "--json"]) == 0
    captured = capsys.readouterr()
    assert "another model file" in captured.err
    assert json.loads(captured.out)["images"][0]["faces"][0]["emotion"] == "happy"


def test_labels_order_is_the_profiles():
    assert LABELS[6] == "neutral"  # NEUTRAL in calibration.py indexes by it


def test_the_shipped_reference_belongs_to_the_shipped_model():
    from moodplayer.vision.reference import load_reference, reference_path

    reference = load_reference(DEFAULT_MODEL, 256)
    assert reference is not None, (
        f"{reference_path(DEFAULT_MODEL)} is missing or for another model: after changing the model run "
        "python -m moodplayer.vision.reference --fer2013 CSV --ferplus CSV")
    assert reference.counts.min() > 100 and reference.counts.sum() > 20000
    # Each class's mean logits favour that class: the statistics are of this model's outputs.
    assert [int(np.argmax(row)) for row in reference.logits] == list(range(7))
