"""Train the emotion model on FER2013 Training rows with FER+ soft labels.

Resumable: Keras' BackupAndRestore keeps the last finished epoch (weights,
optimizer, schedule position) in the checkpoint folder, outside git, so a run
killed at a session's end goes on from there when started again.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
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


def _image_hashes(images: np.ndarray) -> list[bytes]:
    return [hashlib.blake2b(img.tobytes(), digest_size=12).digest() for img in images]


def training_targets(train: FerRows, val: FerRows) -> tuple[np.ndarray, np.ndarray]:
    """Images and soft targets to learn from.

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
    return train.images[keep], targets[keep]


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


def _augment_fn(tf):
    def augment(images, targets, weights):
        batch = tf.shape(images)[0]
        flip = tf.random.uniform([batch, 1, 1, 1]) < 0.5
        images = tf.where(flip, tf.reverse(images, axis=[2]), images)
        angle = tf.random.uniform([batch], -12.0, 12.0) * (math.pi / 180)
        scale = tf.random.uniform([batch], 0.88, 1.12)
        shift = tf.random.uniform([batch, 2], -4.0, 4.0)
        centre = 23.5
        cos, sin = tf.cos(angle) / scale, tf.sin(angle) / scale
        # Output pixel -> input pixel: in = M (out - c - t) + c.
        ox, oy = centre + shift[:, 0], centre + shift[:, 1]
        transform = tf.stack(
            [cos, sin, centre - cos * ox - sin * oy,
             -sin, cos, centre + sin * ox - cos * oy,
             tf.zeros([batch]), tf.zeros([batch])], axis=1)
        images = tf.raw_ops.ImageProjectiveTransformV3(
            images=images, transforms=transform, output_shape=[48, 48],
            fill_value=0.0, interpolation="BILINEAR", fill_mode="REFLECT")
        mean = tf.reduce_mean(images, axis=[1, 2, 3], keepdims=True)
        contrast = tf.random.uniform([batch, 1, 1, 1], 0.7, 1.3)
        brightness = tf.random.uniform([batch, 1, 1, 1], -25.0, 25.0)
        images = tf.clip_by_value((images - mean) * contrast + mean + brightness, 0.0, 255.0)
        return images, targets, weights
    return augment


def make_datasets(cfg: TrainConfig, train_rows: FerRows, val_rows: FerRows):
    import tensorflow as tf

    x_train, y_train = training_targets(train_rows, val_rows)
    x_val, y_val = validation_targets(val_rows)
    sample_w = y_train @ class_weights(y_train, cfg.class_weight_power)
    train_ds = (
        tf.data.Dataset.from_tensor_slices(
            (x_train[..., None].astype(np.float32), y_train, sample_w))
        .shuffle(len(x_train), seed=cfg.seed, reshuffle_each_iteration=True)
        .batch(cfg.batch_size, drop_remainder=True)
        .map(_augment_fn(tf), num_parallel_calls=tf.data.AUTOTUNE)
        .prefetch(2)
    )
    val_ds = tf.data.Dataset.from_tensor_slices(
        (x_val[..., None].astype(np.float32), y_val)).batch(512)
    return train_ds, val_ds, len(x_train)


def _schedule(keras, cfg: TrainConfig, steps_per_epoch: int):
    total = cfg.epochs * steps_per_epoch
    warmup = cfg.warmup_epochs * steps_per_epoch
    return keras.optimizers.schedules.CosineDecay(
        initial_learning_rate=cfg.learning_rate * 0.05, decay_steps=total - warmup,
        alpha=0.01, warmup_target=cfg.learning_rate, warmup_steps=warmup)


def train(cfg: TrainConfig, train_rows: FerRows, val_rows: FerRows):
    """Train (or resume) on Training rows and return the best model by PublicTest FER+ accuracy."""
    import keras

    from moodplayer.training.model import build_model

    keras.utils.set_random_seed(cfg.seed)
    if cfg.bf16:
        keras.mixed_precision.set_global_policy("mixed_bfloat16")
    cfg.checkpoints.mkdir(parents=True, exist_ok=True)
    train_ds, val_ds, n_train = make_datasets(cfg, train_rows, val_rows)
    steps = n_train // cfg.batch_size
    model = build_model()
    model.compile(
        optimizer=keras.optimizers.AdamW(_schedule(keras, cfg, steps), weight_decay=cfg.weight_decay),
        loss=keras.losses.CategoricalCrossentropy(),
        metrics=[keras.metrics.CategoricalAccuracy(name="accuracy")],
    )
    best = cfg.checkpoints / "best.weights.h5"
    callbacks = [
        keras.callbacks.BackupAndRestore(str(cfg.checkpoints / "backup")),
        keras.callbacks.ModelCheckpoint(
            str(best), monitor="val_accuracy", mode="max", save_best_only=True,
            save_weights_only=True),
        keras.callbacks.CSVLogger(str(cfg.checkpoints / "history.csv"), append=True),
    ]
    model.fit(train_ds, validation_data=val_ds, epochs=cfg.epochs, callbacks=callbacks, verbose=2)
    keras.mixed_precision.set_global_policy("float32")
    final = build_model()
    final.load_weights(str(best))
    (cfg.checkpoints / "config.json").write_text(json.dumps(
        {k: str(v) for k, v in cfg.__dict__.items()}, indent=2))
    return final
