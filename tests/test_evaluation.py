"""`moodplayer evaluate` on small csv files made here (the dataset is not needed)."""

import gzip
import json

import cv2
import numpy as np
import pytest

from moodplayer.cli import main
from moodplayer.vision.classifier import DEFAULT_MODEL, EmotionClassifier
from moodplayer.vision.evaluation import confusion, draw_confusion, scores
from moodplayer.vision.fer_data import load_split


def test_scores_by_hand():
    truth = np.array([3, 3, 3, 6, 6, 0])
    predicted = np.array([3, 3, 6, 6, 3, 0])
    result = scores(truth, predicted)
    assert result["n"] == 6
    assert result["accuracy"] == pytest.approx(4 / 6, abs=1e-4)
    happy = result["per_class"]["happy"]
    assert happy["precision"] == pytest.approx(2 / 3, abs=1e-4)
    assert happy["recall"] == pytest.approx(2 / 3, abs=1e-4)
    assert happy["support"] == 3
    neutral = result["per_class"]["neutral"]
    assert neutral["precision"] == pytest.approx(0.5) and neutral["recall"] == pytest.approx(0.5)
    # Macro-F1 over the classes present in the truth: angry 1.0, happy 2/3, neutral 0.5.
    assert result["macro_f1"] == pytest.approx((1 + 2 / 3 + 0.5) / 3, abs=1e-4)
    assert result["confusion"][3] == [0, 0, 0, 2, 0, 0, 1]


def test_confusion_counts_every_pair():
    matrix = confusion(np.array([0, 1, 1, 6]), np.array([0, 1, 2, 6]))
    assert matrix.sum() == 4 and matrix[1, 2] == 1 and matrix[6, 6] == 1


def _face_rows(data_dir):
    """Rows made from the astronaut's face (happy) and from flat grey images."""
    image = cv2.imread(str(data_dir / "astronaut.png"), cv2.IMREAD_GRAYSCALE)
    face = cv2.resize(image[43:193, 151:301], (48, 48), interpolation=cv2.INTER_AREA)
    grey = np.full((48, 48), 128, np.uint8)
    return [(3, face, "Training"), (3, face, "PublicTest"), (3, face[:, ::-1].copy(), "PublicTest"),
            (6, grey, "PublicTest"), (0, grey, "PublicTest")]


FACE_ROW_VOTES = ["0,10,0,0,0,0,0,0,0,0", "1,9,0,0,0,0,0,0,0,0", "0,8,2,0,0,0,0,0,0,0",
                  "7,0,0,3,0,0,0,0,0,0", "0,0,0,0,0,0,0,0,0,10"]  # the last is not a face


def _write_csvs(tmp_path, rows, votes=FACE_ROW_VOTES):
    """A FER2013 csv.gz and its FER+ votes file, one line per (label, image, usage) row."""
    fer = tmp_path / "fer.csv.gz"
    with gzip.open(fer, "wt") as handle:
        handle.write("emotion,pixels,Usage\n")
        for label, image, usage in rows:
            handle.write(f"{label},{' '.join(map(str, image.ravel()))},{usage}\n")
    plus = tmp_path / "ferplus.csv"
    lines = [f"{usage},fer{i:07d}.png,{vote}\n"
             for i, ((_, _, usage), vote) in enumerate(zip(rows, votes, strict=True))]
    plus.write_text("Usage,Image name,neutral,happiness,surprise,sadness,anger,disgust,fear,"
                    "contempt,unknown,NF\n" + "".join(lines))
    return fer, plus


def test_evaluate_json_matches_the_classifier(tmp_path, data_dir, capsys):
    fer, plus = _write_csvs(tmp_path, _face_rows(data_dir))
    png = tmp_path / "confusion.png"
    code = main(["evaluate", "--fer2013", str(fer), "--ferplus", str(plus), "--split", "PublicTest",
                 "--json", "--confusion", str(png)])
    assert code == 0
    report = json.loads(capsys.readouterr().out)
    assert report["model"] == str(DEFAULT_MODEL) and report["split"] == "PublicTest"
    rows = load_split(fer, "PublicTest", plus)
    classifier = EmotionClassifier()
    predicted = [int(np.argmax(classifier.predict(img))) for img in rows.images]
    assert report["fer2013"]["n"] == 4
    assert report["fer2013"]["accuracy"] == pytest.approx(np.mean(np.array(predicted) == rows.labels),
                                                          abs=1e-4)
    assert report["ferplus"]["n"] == 3 and report["ferplus"]["left_out"] == 1
    assert set(report["fer2013"]["per_class"]) == {"angry", "disgust", "fear", "happy", "sad",
                                                   "surprise", "neutral"}
    assert predicted[0] == 3, "the astronaut's smile must come out happy"
    picture = cv2.imread(str(png))
    assert picture is not None and picture.shape[0] > 400 and picture.std() > 20


def test_evaluate_reports_a_bad_file(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b,c\n1,2,3\n")
    assert main(["evaluate", "--fer2013", str(bad)]) == 1
    assert "expected header" in capsys.readouterr().err


def test_evaluate_missing_split_is_an_error(tmp_path, data_dir, capsys):
    fer, _ = _write_csvs(tmp_path, _face_rows(data_dir))
    assert main(["evaluate", "--fer2013", str(fer), "--split", "PrivateTest"]) == 1
    assert "no rows with Usage=PrivateTest" in capsys.readouterr().err


def test_draw_confusion_writes_a_labelled_picture(tmp_path):
    path = draw_confusion(np.eye(7, dtype=int) * 10, "test", tmp_path / "m.png")
    picture = cv2.imread(str(path))
    assert picture.shape[1] > 500
