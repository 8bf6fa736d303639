"""Train the emotion model on FER2013 Training rows with FER+ soft labels.

Resumable: Keras' BackupAndRestore keeps the last finished epoch (weights,
optimizer, schedule position) in the checkpoint folder, outside git, so a run
killed at a session's end goes on from there when started again.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from moodplayer.vision.fer_data import FerRows

log = logging.getLogger(__name__)


@dataclass
class TrainConfig:
    fer2013: Path
    ferplus: Path | None
    checkpoints: Path
    epochs: int = 40
    batch_size: int = 128
    learning_rate: float = 3e-3
    weight_decay: float = 0.02
    warmup_epochs: int = 2
    class_weight_power: float = 0.3
    bf16: bool = True
    seed: int = 1
    # v2: the model's widths, logit adjustment (tau * log prior added to the logits in the loss,
    # so rare classes are not drowned by neutral), the augmentation, and distillation targets.
    widths: tuple[int, ...] = (32, 64, 128, 256)
    logit_tau: float = 0.0
    augment: str = "v1"  # "v1" (mild), "v2" (other cameras and framings) or "mix" (half each)
    teacher: Path | None = None  # .npy (n Training rows, 7) soft predictions of a teacher
    distill: float = 0.0  # share of the teacher in the soft target
    init: Path | None = None  # .weights.h5 or an int8 moodnet .tflite to start from
    ema: float = 0.0  # > 0: momentum of a moving average of the weights; it is what is scored and kept


def _image_hashes(images: np.ndarray) -> list[bytes]:
    return [hashlib.blake2b(img.tobytes(), digest_size=12).digest() for img in images]


def training_targets(train: FerRows, val: FerRows) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Images and soft targets to learn from, and the mask of Training rows kept.

    FER+ votes give soft targets where present (else one-hot FER2013 labels).
    Left out: images FER+ calls not-a-face or that get no emotion vote, all-black
    images, and exact copies of PublicTest images (they would leak into model
    selection).
    """
    if train.votes is not None:
        targets = train.ferplus_soft()
        keep = targets.sum(axis=1) > 0
        keep &= train.votes[:, 9] < train.votes.max(axis=1)  # NF not the plurality
    else:
        targets = np.eye(7, dtype=np.float32)[train.labels]
        keep = np.ones(len(train.labels), dtype=bool)
    keep &= train.images.reshape(len(train.images), -1).max(axis=1) > 0
    val_hashes = set(_image_hashes(val.images))
    keep &= np.array([h not in val_hashes for h in _image_hashes(train.images)])
    log.info("training rows kept: %d of %d", keep.sum(), len(keep))
    return train.images[keep], targets[keep], keep


def distilled(targets: np.ndarray, teacher: np.ndarray, share: float) -> np.ndarray:
    """Soft targets blended with a teacher's predictions (both rows sum to 1)."""
    if teacher.shape != targets.shape:
        raise ValueError(f"teacher predictions {teacher.shape} do not match the targets {targets.shape}")
    return ((1 - share) * targets + share * teacher).astype(np.float32)


def validation_targets(val: FerRows) -> tuple[np.ndarray, np.ndarray]:
    """PublicTest rows with the label `evaluate` scores against (FER+ majority)."""
    if val.votes is None:
        return val.images, np.eye(7, dtype=np.float32)[val.labels]
    label = val.ferplus_majority()
    keep = label >= 0
    return val.images[keep], np.eye(7, dtype=np.float32)[label[keep]]


def class_weights(targets: np.ndarray, power: float) -> np.ndarray:
    """Mild inverse-frequency weights: rare classes (disgust) count more, not hugely."""
    freq = targets.mean(axis=0)
    present = freq > 0
    weights = np.ones_like(freq)
    weights[present] = (freq.max() / freq[present]) ** power
    # Scaled so the average sample weight is 1 and the learning rate keeps its meaning.
    return (weights / (freq * weights).sum()).astype(np.float32)


def make_datasets(cfg: TrainConfig, train_rows: FerRows, val_rows: FerRows):
    import tensorflow as tf

    x_train, y_train, keep = training_targets(train_rows, val_rows)
    if cfg.teacher is not None and cfg.distill > 0:
        y_train = distilled(y_train, np.load(cfg.teacher)[keep], cfg.distill)
    x_val, y_val = validation_targets(val_rows)
    sample_w = y_train @ class_weights(y_train, cfg.class_weight_power)
    train_ds = (
        tf.data.Dataset.from_tensor_slices(
            (x_train[..., None].astype(np.float32), y_train, sample_w))
        .shuffle(len(x_train), seed=cfg.seed, reshuffle_each_iteration=True)
        .batch(cfg.batch_size, drop_remainder=True)
        .map(_augmentation(tf, cfg.augment), num_parallel_calls=tf.data.AUTOTUNE)
        .prefetch(2)
    )
    val_ds = tf.data.Dataset.from_tensor_slices(
        (x_val[..., None].astype(np.float32), y_val)).batch(512)
    return train_ds, val_ds, len(x_train), y_train.mean(axis=0)


def _augmentation(tf, name: str):
    from moodplayer.training.augment import V1, AugmentConfig, augment_fn

    if name != "mix":
        return augment_fn(tf, V1 if name == "v1" else AugmentConfig())
    mild, strong = augment_fn(tf, V1), augment_fn(tf, AugmentConfig())

    def mixed(images, targets, weights):
        # Half of each batch as v1 saw faces, half as other cameras show them: clean
        # accuracy without giving up the transfer.
        a, _, _ = mild(images, targets, weights)
        b, _, _ = strong(images, targets, weights)
        pick = tf.random.uniform([tf.shape(images)[0], 1, 1, 1]) < 0.5
        return tf.where(pick, a, b), targets, weights

    return mixed


def adjusted_loss(keras, prior: np.ndarray, tau: float):
    """Cross-entropy on logits + tau * log(prior) (Menon et al., 2021): the model learns
    balanced logits; plain argmax at inference. tau = 0 is ordinary cross-entropy."""
    import tensorflow as tf

    shift = tf.constant(tau * np.log(np.clip(prior, 1e-4, None)), dtype=tf.float32)

    def loss(y_true, logits):
        return keras.losses.categorical_crossentropy(y_true, logits + shift, from_logits=True)

    return loss


def _schedule(keras, cfg: TrainConfig, steps_per_epoch: int):
    total = cfg.epochs * steps_per_epoch
    warmup = cfg.warmup_epochs * steps_per_epoch
    return keras.optimizers.schedules.CosineDecay(
        initial_learning_rate=cfg.learning_rate * 0.05, decay_steps=total - warmup,
        alpha=0.01, warmup_target=cfg.learning_rate, warmup_steps=warmup)


def train(cfg: TrainConfig, train_rows: FerRows, val_rows: FerRows):
    """Train (or resume) on Training rows and return the best model by PublicTest FER+ accuracy."""
    import keras

    from moodplayer.training.model import build_model, logits_model

    keras.utils.set_random_seed(cfg.seed)
    if cfg.bf16:
        keras.mixed_precision.set_global_policy("mixed_bfloat16")
    cfg.checkpoints.mkdir(parents=True, exist_ok=True)
    train_ds, val_ds, n_train, prior = make_datasets(cfg, train_rows, val_rows)
    steps = n_train // cfg.batch_size
    base = build_model(cfg.widths)
    model = logits_model(base)
    # A resumed run's backup overrides --init in fit(); it only seeds the first epoch.
    if cfg.init is not None and cfg.init.suffix == ".tflite":
        from moodplayer.training.ensemble import single_member, unfold

        unfold(base, single_member(cfg.init), train_rows.images[:4096])
    elif cfg.init is not None:
        model.load_weights(str(cfg.init))
    model.compile(
        optimizer=keras.optimizers.AdamW(
            _schedule(keras, cfg, steps), weight_decay=cfg.weight_decay,
            use_ema=cfg.ema > 0, ema_momentum=cfg.ema or 0.99),
        loss=adjusted_loss(keras, prior, cfg.logit_tau),
        metrics=[keras.metrics.CategoricalAccuracy(name="accuracy")],
    )
    best = cfg.checkpoints / "best.weights.h5"
    # The backup comes first so it holds the raw weights; the averaged ones are swapped in
    # for scoring and for the best-epoch file, and back out before the next epoch.
    callbacks = [keras.callbacks.BackupAndRestore(str(cfg.checkpoints / "backup"))]
    if cfg.ema > 0:
        callbacks.append(keras.callbacks.SwapEMAWeights(swap_on_epoch=True))
    callbacks += [
        keras.callbacks.ModelCheckpoint(
            str(best), monitor="val_accuracy", mode="max", save_best_only=True,
            save_weights_only=True),
        keras.callbacks.CSVLogger(str(cfg.checkpoints / "history.csv"), append=True),
    ]
    model.fit(train_ds, validation_data=val_ds, epochs=cfg.epochs, callbacks=callbacks, verbose=2)
    keras.mixed_precision.set_global_policy("float32")
    final = build_model(cfg.widths)
    logits_model(final).load_weights(str(best))
    (cfg.checkpoints / "config.json").write_text(json.dumps(
        {k: str(v) for k, v in cfg.__dict__.items()}, indent=2))
    return final
