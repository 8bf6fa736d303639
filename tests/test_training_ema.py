"""training/train.py's --ema: the weights kept (and scored) are the moving average, not the
last step's (needs Keras, the [train] extra; a tiny network on random faces, a few seconds)."""

import numpy as np
import pytest

from moodplayer.vision.fer_data import FerRows

WIDTHS = (4, 8, 8, 8)


def _rows(n: int, seed: int) -> FerRows:
    rng = np.random.default_rng(seed)
    images = rng.integers(1, 255, (n, 48, 48), dtype=np.uint8)
    votes = np.zeros((n, 10), dtype=np.int64)
    votes[np.arange(n), rng.integers(0, 7, n)] = 10  # one emotion column each, no NF
    return FerRows(images, rng.integers(0, 7, n), votes)


def _distance_from_start(tmp_path, ema: float) -> float:
    keras = pytest.importorskip("keras")
    from moodplayer.training.model import build_model
    from moodplayer.training.train import TrainConfig, train

    keras.utils.set_random_seed(3)
    start = build_model(WIDTHS).get_weights()
    cfg = TrainConfig(tmp_path / "fer.csv", None, tmp_path / f"ckpt-{ema}", epochs=2, batch_size=32,
                      learning_rate=3e-2, warmup_epochs=1, bf16=False, seed=3, widths=WIDTHS, ema=ema)
    kept = train(cfg, _rows(192, 1), _rows(64, 2)).get_weights()
    # Kernels only: BatchNorm's running statistics are not averaged either way.
    return float(sum(np.abs(k - s).sum() for k, s in zip(kept, start, strict=True) if k.ndim == 4))


def test_the_kept_weights_are_the_slow_moving_average(tmp_path):
    raw = _distance_from_start(tmp_path, 0.0)
    averaged = _distance_from_start(tmp_path, 0.999)
    # Twelve steps with momentum 0.999 leave the average within about 1 % of the way the
    # raw weights went from the start (which is where both runs begin, same seed).
    assert averaged < 0.1 * raw
