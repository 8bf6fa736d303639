"""moodplayer evaluate: accuracy and F1 of the shipped model on FER2013 / FER+ rows."""

from __future__ import annotations

import sys

from moodplayer.commands.common import emit, fail
from moodplayer.vision.fer_data import SPLITS


def add_arguments(parser) -> None:
    parser.add_argument("--fer2013", required=True, metavar="CSV",
                        help="FER2013 csv or csv.gz (emotion,pixels,Usage)")
    parser.add_argument("--ferplus", metavar="CSV", help="FER+ votes (fer2013new.csv format)")
    parser.add_argument("--split", default="PublicTest", choices=SPLITS)
    parser.add_argument("--model", metavar="TFLITE", help="model file (default: the shipped one)")
    parser.add_argument("--profile", metavar="JSON", help="apply this calibration profile")
    parser.add_argument("--confusion", metavar="PNG", help="write the confusion matrix as a picture")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def run(args) -> int:
    from moodplayer.vision.evaluation import draw_confusion, evaluate

    try:
        report = evaluate(args.model, args.fer2013, args.split, args.ferplus, args.profile)
    except (OSError, ValueError) as exc:
        return fail(str(exc))
    if report.get("profile", {}).get("message"):
        print(f"moodplayer: {report['profile']['message']}", file=sys.stderr)
    if args.confusion:
        part = "ferplus" if "ferplus" in report else "fer2013"
        title = f"{args.split}, {'FER+ majority' if part == 'ferplus' else 'FER2013'} labels, " \
                f"accuracy {report[part]['accuracy']:.1%}"
        draw_confusion(report[part]["confusion"], title, args.confusion)
    emit(report, args.json, _text(report))
    return 0


def _text(report: dict) -> str:
    lines = [f"model {report['model']}, split {report['split']}"]
    if report.get("profile", {}).get("used"):
        counts = ", ".join(f"{k} {v}" for k, v in report["profile"]["samples"].items() if v)
        lines.append(f"calibration profile {report['profile']['path']}: {counts}")
    for part, name in (("fer2013", "FER2013 labels"), ("ferplus", "FER+ majority")):
        if part in report:
            r = report[part]
            lines.append(f"{name}: n={r['n']} accuracy={r['accuracy']:.2%} macro-F1={r['macro_f1']:.3f}")
            lines += [f"  {k:9s} P={v['precision']:.3f} R={v['recall']:.3f} F1={v['f1']:.3f} "
                      f"n={v['support']}" for k, v in r["per_class"].items()]
    return "\n".join(lines)
