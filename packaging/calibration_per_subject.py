"""Per-subject accuracy of personal calibration, through `moodplayer calibrate` and `evaluate`.

    python packaging/calibration_per_subject.py PER_PERSON.csv [--json]

PER_PERSON.csv is FER2013's csv format plus a `subject` column (e.g. the JAFFE dev set,
../shared/datasets/jaffe-dev/jaffe-dev.csv; never copy it into the project). For each
subject, three protocols, each against no profile on the same test images:
- neutral: calibrate on the subject's neutral images, evaluate on her other images;
  and leave-one-image-out over all her images (a neutral image is evaluated with a
  profile made from her other neutral images).
- one per expression: calibrate on one image of each expression (the r-th, r = 0, 1, ...),
  evaluate on her other images; averaged over r.
Temporary csv files and profiles live in a temp folder that is removed at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

from moodplayer.cli import main as moodplayer


def read_rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    if not rows or "subject" not in rows[0]:
        raise SystemExit(f"{path}: needs FER2013 columns plus 'subject'")
    return rows


def write_csv(rows: list[dict], path: Path) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write("emotion,pixels,Usage\n")
        for row in rows:
            handle.write(f"{row['emotion']},{row['pixels']},PublicTest\n")
    return path


def run_cli(argv: list[str]) -> dict:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = moodplayer(argv)
    if code != 0:
        raise RuntimeError(f"moodplayer {' '.join(argv)} exited {code}")
    return json.loads(out.getvalue())


def hits(test: list[dict], work: Path, profile: list[dict] | None) -> tuple[int, int]:
    """(correct, n) of `evaluate` on the test rows, after `calibrate` on the profile rows."""
    args = ["evaluate", "--fer2013", str(write_csv(test, work / "test.csv")), "--json"]
    if profile is not None:
        run_cli(["calibrate", "--from-csv", str(write_csv(profile, work / "profile.csv")),
                 "--profile", str(work / "p.json"), "--json"])
        args += ["--profile", str(work / "p.json")]
    report = run_cli(args)["fer2013"]
    return round(report["accuracy"] * report["n"]), report["n"]


def subject_numbers(rows: list[dict], work: Path) -> dict:
    neutral = [r for r in rows if r["emotion"] == "6"]
    others = [r for r in rows if r["emotion"] != "6"]
    result = {"images": len(rows)}
    plain, calibrated = hits(others, work, None), hits(others, work, neutral)
    result["neutral_profile_on_other_images"] = {"n": plain[1], "none": plain[0] / plain[1],
                                                 "profile": calibrated[0] / calibrated[1]}
    loo_plain, loo = hits(rows, work, None), list(hits(others, work, neutral))
    for index, row in enumerate(neutral):
        got = hits([row], work, neutral[:index] + neutral[index + 1:])
        loo[0] += got[0]
        loo[1] += got[1]
    result["neutral_profile_all_images_loo"] = {"n": loo[1], "none": loo_plain[0] / loo_plain[1],
                                                "profile": loo[0] / loo[1]}
    by_class = defaultdict(list)
    for row in rows:
        by_class[row["emotion"]].append(row)
    counts = {"none": [0, 0], "profile": [0, 0]}
    for turn in range(max(len(v) for v in by_class.values())):
        chosen = [v[turn % len(v)] for v in by_class.values()]
        test = [r for r in rows if not any(r is c for c in chosen)]
        for key, profile in (("none", None), ("profile", chosen)):
            got = hits(test, work, profile)
            counts[key][0] += got[0]
            counts[key][1] += got[1]
    result["one_per_expression_on_other_images"] = {"n": counts["none"][1],
                                                    "none": counts["none"][0] / counts["none"][1],
                                                    "profile": counts["profile"][0] / counts["profile"][1]}
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("csv", type=Path)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    rows = read_rows(args.csv)
    subjects = defaultdict(list)
    for row in rows:
        subjects[row["subject"]].append(row)
    report = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in sorted(subjects):
            report[name] = subject_numbers(subjects[name], Path(tmp))
    protocols = [k for k in next(iter(report.values())) if k != "images"]
    report["mean"] = {p: {k: sum(s[p][k] for s in report.values()) / len(report) for k in ("none", "profile")}
                      for p in protocols}
    if args.json:
        print(json.dumps(report, indent=1))
        return 0
    print("| subject | " + " | ".join(f"{p}: none → profile" for p in protocols) + " |")
    print("|---|" + "---|" * len(protocols))
    for name, numbers in report.items():
        cells = [f"{numbers[p]['none']:.1%} → **{numbers[p]['profile']:.1%}**" for p in protocols]
        print(f"| {name} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
