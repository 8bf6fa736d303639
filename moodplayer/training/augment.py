"""Training-time augmentation that imitates other cameras and other face croppers.

v1 augmented mildly (flip, ±12°, scale 0.88–1.12), and the model transferred
badly to posed, lab-lit faces framed tighter or looser than FER2013's. v2 draws,
per image: framing from tight to loose (scale 0.8–1.25, offset ±10 % of the
side), rotation ±20°, gamma, contrast and brightness, Gaussian blur, sensor
noise and down-and-up sampling (a small face from a far camera).
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class AugmentConfig:
    rotate_deg: float = 20.0
    scale: tuple[float, float] = (0.8, 1.25)  # < 1 zooms in (tighter), > 1 zooms out (looser)
    shift: float = 0.10  # fraction of the 48-px side
    gamma: tuple[float, float] = (0.6, 1.6)
    contrast: tuple[float, float] = (0.6, 1.4)
    brightness: float = 30.0
    blur_p: float = 0.3
    noise_p: float = 0.3
    downsample_p: float = 0.3


# v1's recipe, kept so its run can be reproduced: mild framing and light changes only.
V1 = AugmentConfig(rotate_deg=12.0, scale=(0.88, 1.12), shift=4 / 48, gamma=(1.0, 1.0),
                   contrast=(0.7, 1.3), brightness=25.0, blur_p=0.0, noise_p=0.0, downsample_p=0.0)


def augment_fn(tf, cfg: AugmentConfig = AugmentConfig()):
    """A tf.data map function over batches (images float 0..255 (b,48,48,1), targets, weights)."""

    def augment(images, targets, weights):
        batch = tf.shape(images)[0]
        images = _flip(tf, images, batch)
        images = _geometry(tf, images, batch, cfg)
        images = _photometric(tf, images, batch, cfg)
        images = _blur(tf, images, batch, cfg.blur_p)
        images = _downsample(tf, images, batch, cfg.downsample_p)
        images = _noise(tf, images, batch, cfg.noise_p)
        return tf.clip_by_value(images, 0.0, 255.0), targets, weights

    return augment


def _flip(tf, images, batch):
    flip = tf.random.uniform([batch, 1, 1, 1]) < 0.5
    return tf.where(flip, tf.reverse(images, axis=[2]), images)


def _geometry(tf, images, batch, cfg: AugmentConfig):
    angle = tf.random.uniform([batch], -cfg.rotate_deg, cfg.rotate_deg) * (math.pi / 180)
    scale = tf.exp(tf.random.uniform([batch], math.log(cfg.scale[0]), math.log(cfg.scale[1])))
    shift = tf.random.uniform([batch, 2], -cfg.shift * 48, cfg.shift * 48)
    centre = 23.5
    # Output pixel -> input pixel: in = c + s R (out - c) + t; s > 1 shows more around the face.
    cos, sin = tf.cos(angle) * scale, tf.sin(angle) * scale
    tx = centre + shift[:, 0] - cos * centre - sin * centre
    ty = centre + shift[:, 1] + sin * centre - cos * centre
    zeros = tf.zeros([batch])
    transform = tf.stack([cos, sin, tx, -sin, cos, ty, zeros, zeros], axis=1)
    return tf.raw_ops.ImageProjectiveTransformV3(
        images=images, transforms=transform, output_shape=[48, 48],
        fill_value=0.0, interpolation="BILINEAR", fill_mode="NEAREST")


def _photometric(tf, images, batch, cfg: AugmentConfig):
    gamma = tf.exp(tf.random.uniform([batch, 1, 1, 1], math.log(cfg.gamma[0]), math.log(cfg.gamma[1])))
    images = 255.0 * tf.pow(tf.clip_by_value(images / 255.0, 1e-4, 1.0), gamma)
    mean = tf.reduce_mean(images, axis=[1, 2, 3], keepdims=True)
    contrast = tf.random.uniform([batch, 1, 1, 1], *cfg.contrast)
    brightness = tf.random.uniform([batch, 1, 1, 1], -cfg.brightness, cfg.brightness)
    return (images - mean) * contrast + mean + brightness


def _blur(tf, images, batch, p: float):
    # One 5-tap Gaussian per batch (sigma 0.6–1.3), applied to a random share of the images.
    sigma = tf.random.uniform([], 0.6, 1.3)
    x = tf.range(-2.0, 3.0)
    k = tf.exp(-(x ** 2) / (2 * sigma ** 2))
    k = k / tf.reduce_sum(k)
    kernel = tf.reshape(k[:, None] * k[None, :], [5, 5, 1, 1])
    blurred = tf.nn.conv2d(tf.pad(images, [[0, 0], [2, 2], [2, 2], [0, 0]], "SYMMETRIC"), kernel,
                           strides=1, padding="VALID")
    pick = tf.random.uniform([batch, 1, 1, 1]) < p
    return tf.where(pick, blurred, images)


def _downsample(tf, images, batch, p: float):
    side = tf.random.uniform([], 20, 36, dtype=tf.int32)
    small = tf.image.resize(images, [side, side], method="area")
    back = tf.image.resize(small, [48, 48], method="bilinear")
    pick = tf.random.uniform([batch, 1, 1, 1]) < p
    return tf.where(pick, back, images)


def _noise(tf, images, batch, p: float):
    level = tf.random.uniform([batch, 1, 1, 1], 2.0, 8.0)
    noisy = images + tf.random.normal(tf.shape(images)) * level
    pick = tf.random.uniform([batch, 1, 1, 1]) < p
    return tf.where(pick, noisy, images)
