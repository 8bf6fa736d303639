"""python -m moodplayer.training --fer2013 CSV --ferplus CSV --out models/

Trains (resuming from --checkpoints when a run was interrupted), exports the
int8 TFLite model and writes the training curves next to it.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from platformdirs import user_cache_dir


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m moodplayer.training", description=__doc__)
    parser.add_argument("--fer2013", type=Path, required=True, help="FER2013 csv or csv.gz")
    parser.add_argument("--ferplus", type=Path, help="FER+ votes csv (fer2013new.csv format)")
    parser.add_argument("--out", type=Path, default=Path("models"))
    parser.add_argument(
        "--checkpoints", type=Path,
        default=Path(user_cache_dir("moodplayer")) / "training",
        help="per-epoch checkpoints, kept outside git (default: %(default)s)")
    parser.add_argument("--epochs", type=int, default=45)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--export-only", action="store_true",
                        help="skip training; export the best checkpoint")
    parser.add_argument("--run", default="", help="sub-folder of --checkpoints for this run (v2 runs)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--widths", default="32,64,128,256", help="channels per stage")
    parser.add_argument("--augment", choices=("v1", "v2", "mix"), default="v1")
    parser.add_argument("--logit-tau", type=float, default=0.0, help="logit adjustment strength")
    parser.add_argument("--class-weight-power", type=float, default=0.3)
    parser.add_argument("--teacher", type=Path, help="teacher predictions (.npy) to distil from")
    parser.add_argument("--distill", type=float, default=0.0, help="teacher share of the target")
    parser.add_argument("--init", type=Path,
                        help="start from a checkpoint (.weights.h5) or an int8 moodnet (.tflite)")
    parser.add_argument("--warmup-epochs", type=int, default=2)
    parser.add_argument("--ema", type=float, default=0.0,
                        help="keep and score a moving average of the weights (momentum, e.g. 0.999)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")

    from moodplayer.training.curves import plot_history
    from moodplayer.training.export import export_int8
    from moodplayer.training.model import build_model, logits_model
    from moodplayer.training.train import TrainConfig, train, training_targets
    from moodplayer.vision.fer_data import load_splits

    widths = tuple(int(w) for w in args.widths.split(","))
    cfg = TrainConfig(args.fer2013, args.ferplus, args.checkpoints / args.run, epochs=args.epochs,
                      batch_size=args.batch_size, learning_rate=args.lr, bf16=False, seed=args.seed,
                      widths=widths, augment=args.augment, logit_tau=args.logit_tau,
                      class_weight_power=args.class_weight_power, teacher=args.teacher,
                      distill=args.distill, init=args.init, warmup_epochs=args.warmup_epochs,
                      ema=args.ema)
    rows = load_splits(cfg.fer2013, ("Training", "PublicTest"), cfg.ferplus)
    train_rows, val_rows = rows["Training"], rows["PublicTest"]
    if args.export_only:
        model = build_model(cfg.widths)
        logits_model(model).load_weights(str(cfg.checkpoints / "best.weights.h5"))
    else:
        model = train(cfg, train_rows, val_rows)
    model.save_weights(str(cfg.checkpoints / "final.weights.h5"))
    images, _, _ = training_targets(train_rows, val_rows)
    path = export_int8(model, images, args.out / "emotion_int8.tflite")
    logging.info("wrote %s (%d bytes)", path, path.stat().st_size)
    plot_history(cfg.checkpoints / "history.csv", args.out / "training_curves.png")
    report = compare_float_int8(model, path, val_rows, ferplus=cfg.ferplus is not None)
    logging.info("PublicTest FER+ majority accuracy: float %.4f, int8 %.4f",
                 report["float"], report["int8"])
    return 0


def compare_float_int8(model, tflite_path: Path, rows, ferplus: bool) -> dict:
    """PublicTest accuracy of the float Keras model and of the exported int8 file
    (through the app's own classifier), on FER+ majority labels when there are votes."""
    import numpy as np

    from moodplayer.vision.classifier import EmotionClassifier
    from moodplayer.vision.evaluation import evaluate_rows

    truth = rows.ferplus_majority() if ferplus else rows.labels
    keep = truth >= 0
    probs = model.predict(rows.images[keep][..., None].astype("float32"), batch_size=256, verbose=0)
    float_acc = float((np.argmax(probs, axis=1) == truth[keep]).mean())
    int8 = evaluate_rows(EmotionClassifier(tflite_path), rows, "PublicTest")
    return {"float": float_acc, "int8": int8["ferplus" if ferplus else "fer2013"]["accuracy"]}


if __name__ == "__main__":
    raise SystemExit(main())
