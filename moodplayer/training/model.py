"""The emotion network: a small VGG-style CNN sized for a 48x48 grey face."""

from __future__ import annotations

import keras
from keras import layers

INPUT_SIZE = 48
NUM_CLASSES = 7


def _conv_bn(x, filters: int, name: str):
    x = layers.Conv2D(filters, 3, padding="same", use_bias=False, name=f"{name}_conv")(x)
    x = layers.BatchNormalization(name=f"{name}_bn")(x)
    return layers.ReLU(name=f"{name}_relu")(x)


def build_model(widths=(32, 64, 128, 256), dropout: float = 0.4) -> keras.Model:
    """Input: uint8-range grey pixels (0..255) as float, shape (48, 48, 1).

    Scaling lives inside the model so the int8 file takes raw pixels.
    """
    inputs = keras.Input((INPUT_SIZE, INPUT_SIZE, 1), name="pixels")
    x = layers.Rescaling(1 / 127.5, offset=-1.0, name="scale")(inputs)
    x = _conv_bn(x, widths[0], "stem")
    for stage, filters in enumerate(widths[1:], start=1):
        x = layers.MaxPooling2D(name=f"pool{stage}")(x)
        x = _conv_bn(x, filters, f"s{stage}a")
        x = _conv_bn(x, filters, f"s{stage}b")
    x = layers.GlobalAveragePooling2D(name="gap")(x)
    x = layers.Dropout(dropout, name="dropout")(x)
    # Logits apart from the softmax: logit-adjusted training and distillation need them.
    logits = layers.Dense(NUM_CLASSES, name="logits", dtype="float32")(x)
    outputs = layers.Softmax(name="probs", dtype="float32")(logits)
    return keras.Model(inputs, outputs, name="moodnet")


def logits_model(model: keras.Model) -> keras.Model:
    """The same weights, ending at the logits (what training's loss sees)."""
    return keras.Model(model.input, model.get_layer("logits").output, name=f"{model.name}_logits")
