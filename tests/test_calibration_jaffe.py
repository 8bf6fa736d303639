"""Per-subject calibration on the JAFFE dev subjects (../shared, never in the project):
packaging/calibration_per_subject.py runs `calibrate` and `evaluate` for each subject."""

import importlib.util
import json
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
JAFFE = REPO.parent / "shared" / "datasets" / "jaffe-dev" / "jaffe-dev.csv"


@pytest.fixture(scope="module")
def per_subject():
    if not JAFFE.is_file():
        pytest.skip(f"no JAFFE dev data at {JAFFE}")
    script = REPO / "packaging" / "calibration_per_subject.py"
    spec = importlib.util.spec_from_file_location("per_subject", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_calibration_helps_the_dev_subjects(per_subject, tmp_path, capsys):
    assert per_subject.main([str(JAFFE), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert set(report) == {"KA", "KL", "KM", "KR", "MK", "mean"}
    mean = report["mean"]
    one = mean["one_per_expression_on_other_images"]
    assert one["profile"] >= one["none"] + 0.15, one
    for protocol in ("neutral_profile_on_other_images", "neutral_profile_all_images_loo"):
        assert mean[protocol]["profile"] > mean[protocol]["none"], (protocol, mean[protocol])
    # Every subject gains from one image of each expression.
    for subject in ("KA", "KL", "KM", "KR", "MK"):
        numbers = report[subject]["one_per_expression_on_other_images"]
        assert numbers["profile"] > numbers["none"], (subject, numbers)
