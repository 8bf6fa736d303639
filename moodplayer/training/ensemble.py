"""Two moodnets in one int8 file: their logits averaged, one invocation per face.

v1's float weights are gone (only its int8 file shipped), so `rebuild_int8` reads
them back out of the .tflite: every conv there already has its BatchNorm folded
in, so the rebuilt network is conv + bias + ReLU, with the int8 weights times
their per-channel scales. A trained Keras moodnet is folded the same way
(`fold_keras`), so both members are the same plain graph.

The ensemble's tensors are named for what calibration reads
(vision/features.py): "embedding" is both members' pooled features side by side,
"logits" their averaged logits; the members' own layers carry other names.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

# One (kernel HWIO, bias) pair per conv, in graph order, then the dense (W (in, 7), b).
Weights = tuple[list[tuple[np.ndarray, np.ndarray]], tuple[np.ndarray, np.ndarray]]


def rebuild_int8(path: str | Path) -> tuple[list[list[tuple[np.ndarray, np.ndarray]]], tuple]:
    """The float weights of an int8 moodnet or ensemble .tflite, BatchNorm folded in:
    (one conv chain per member, in graph order; the final dense (W (in, 7), b)).

    Traced back from the dense layer, so an ensemble's members come apart.
    """
    from moodplayer.vision.runtime import interpreter_class

    interp = interpreter_class()(model_path=str(path))
    interp.allocate_tensors()
    tensors = {d["index"]: d for d in interp.get_tensor_details()}
    ops = [op for op in interp._get_ops_details() if op["op_name"] != "DELEGATE"]
    made_by = {int(out): op for op in ops for out in op["outputs"]}
    dense_op = next((op for op in ops if op["op_name"] == "FULLY_CONNECTED"), None)
    if dense_op is None:
        raise ValueError(f"{path}: not a moodnet (no dense layer)")
    weight = lambda op, i: _dequantized(interp, tensors[int(op["inputs"][i])])  # noqa: E731
    pooled = made_by[int(dense_op["inputs"][0])]
    heads = [made_by[int(t)] for t in pooled["inputs"]] if pooled["op_name"] == "CONCATENATION" else [pooled]
    chains = []
    for head in heads:
        chain, op = [], made_by.get(int(head["inputs"][0]))
        while op is not None and op["op_name"] in ("CONV_2D", "MAX_POOL_2D"):
            if op["op_name"] == "CONV_2D":
                chain.append((weight(op, 1).transpose(1, 2, 3, 0), weight(op, 2)))  # OHWI -> HWIO
            op = made_by.get(int(op["inputs"][0]))
        if not chain:
            raise ValueError(f"{path}: not a moodnet (no conv layers before the pool)")
        chains.append(chain[::-1])
    return chains, (weight(dense_op, 1).T, weight(dense_op, 2))


def single_member(path: str | Path) -> Weights:
    """The weights of a one-network int8 file, as an ensemble member."""
    chains, dense = rebuild_int8(path)
    if len(chains) != 1:
        raise ValueError(f"{path}: is already an ensemble of {len(chains)} networks")
    return chains[0], dense


def _dequantized(interp, detail) -> np.ndarray:
    values = interp.get_tensor(detail["index"]).astype(np.float32)
    q = detail["quantization_parameters"]
    scales, zeros = q["scales"], q["zero_points"]
    if len(scales) == 0:
        return values
    shape = [1] * values.ndim
    shape[q["quantized_dimension"]] = -1
    return (values - zeros.reshape(shape)) * scales.reshape(shape).astype(np.float32)


def fold_keras(model) -> Weights:
    """The weights of a trained Keras moodnet (model.build_model) with each
    BatchNorm folded into the conv before it (inference statistics)."""
    convs = []
    for layer in model.layers:
        if layer.name.endswith("_conv"):
            kernel = layer.get_weights()[0]
            bn = model.get_layer(layer.name[:-5] + "_bn")
            gamma, beta, mean, var = bn.get_weights()
            scale = gamma / np.sqrt(var + bn.epsilon)
            convs.append((kernel * scale, beta - mean * scale))
    w, b = model.get_layer("logits").get_weights()
    return convs, (w, b)


def unfold(model, weights: Weights, images: np.ndarray):
    """Load folded weights (conv + bias) into a trainable moodnet with BatchNorm, so it
    computes the same function in training mode too: each BatchNorm gets the batch
    statistics its conv produces on `images` (uint8 faces), and gamma and beta that undo
    them and add the bias. Layer by layer, since each layer's statistics depend on the ones
    before. Fine-tuning then starts from the folded network, not from a jolt."""
    import keras

    convs, (w, b) = weights
    names = [layer.name for layer in model.layers if layer.name.endswith("_conv")]
    if len(names) != len(convs):
        raise ValueError(f"{len(convs)} convs do not fit a moodnet with {len(names)}")
    x = images[..., None].astype(np.float32)
    for name, (kernel, bias) in zip(names, convs, strict=True):
        conv, bn = model.get_layer(name), model.get_layer(name[:-5] + "_bn")
        conv.set_weights([kernel])
        out = keras.Model(model.input, conv.output).predict(x, batch_size=512, verbose=0)
        mean, var = out.mean(axis=(0, 1, 2)), out.var(axis=(0, 1, 2))
        bn.set_weights([np.sqrt(var + bn.epsilon), mean + bias, mean, var])
    model.get_layer("logits").set_weights([w, b])
    return model


def _member(x, convs, prefix: str):
    from keras import layers

    for i, (kernel, bias) in enumerate(convs):
        if i in _pool_before(convs):
            x = layers.MaxPooling2D(name=f"{prefix}_pool{i}")(x)
        conv = layers.Conv2D(kernel.shape[3], 3, padding="same", name=f"{prefix}_conv{i}")
        x = layers.ReLU(name=f"{prefix}_relu{i}")(conv(x))
        conv.set_weights([kernel, bias])
    return layers.GlobalAveragePooling2D(name=f"{prefix}_mean")(x)


def _pool_before(convs) -> set[int]:
    """moodnet pools before the first conv of every stage after the stem: where the
    width changes (stem 32 -> 64 -> 128 -> 256)."""
    return {i for i in range(1, len(convs)) if convs[i][0].shape[3] != convs[i][0].shape[2]}


def build_ensemble(members: list[Weights], shifts: list[np.ndarray] | None = None):
    """One Keras model: raw pixels in, softmax of the members' mean logits out.

    One dense layer over the members' pooled features side by side, its weights the
    members' stacked and halved: its output is exactly the mean of their logits.
    shifts: per member, a constant added to its logits, e.g. beta * log prior, to take
    back part of a logit-adjusted member's boost to rare classes.
    """
    import keras
    from keras import layers

    from moodplayer.training.model import INPUT_SIZE

    inputs = keras.Input((INPUT_SIZE, INPUT_SIZE, 1), name="pixels")
    x = layers.Rescaling(1 / 127.5, offset=-1.0, name="scale")(inputs)
    pooled = [_member(x, convs, f"m{k + 1}") for k, (convs, _) in enumerate(members)]
    embedding = layers.Concatenate(name="embedding")(pooled) if len(pooled) > 1 else pooled[0]
    n = len(members)
    w = np.concatenate([dense[0] for _, dense in members]) / n
    b = sum(dense[1] + (0.0 if shifts is None else shifts[k]) for k, (_, dense) in enumerate(members)) / n
    dense = layers.Dense(w.shape[1], name="logits")
    probs = layers.Softmax(name="probs")(dense(embedding))
    dense.set_weights([w.astype(np.float32), np.asarray(b, dtype=np.float32)])
    return keras.Model(inputs, probs, name="moodnet_ensemble")


def load_member(path: Path, widths=(32, 64, 128, 256)) -> Weights:
    """A member from an int8 .tflite (rebuilt) or a training checkpoint (.weights.h5)."""
    if path.suffix == ".tflite":
        return single_member(path)
    from moodplayer.training.model import build_model, logits_model

    model = build_model(widths)
    logits_model(model).load_weights(str(path))
    return fold_keras(model)


def main(argv=None) -> int:
    """python -m moodplayer.training.ensemble --fer2013 CSV --ferplus CSV
    --member A.tflite --member B.weights.h5 [--prior-shift 0 0.5] --out models/emotion_int8.tflite"""
    import argparse
    import logging

    from moodplayer.training.__main__ import compare_float_int8
    from moodplayer.training.export import export_int8
    from moodplayer.training.train import training_targets
    from moodplayer.vision.fer_data import load_splits

    parser = argparse.ArgumentParser(prog="python -m moodplayer.training.ensemble", description=__doc__)
    parser.add_argument("--fer2013", type=Path, required=True)
    parser.add_argument("--ferplus", type=Path, required=True)
    parser.add_argument("--member", type=Path, action="append", required=True,
                        help="an int8 moodnet .tflite or a training checkpoint .weights.h5")
    parser.add_argument("--prior-shift", type=float, nargs="*", default=[],
                        help="per member: beta, adding beta * log(class prior) to its logits")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    rows = load_splits(args.fer2013, ("Training", "PublicTest"), args.ferplus)
    shifts = prior_shifts(parser, args, rows["Training"])
    members = [load_member(p) for p in args.member]  # read before --out may overwrite one
    model = build_ensemble(members, shifts)
    images, _, _ = training_targets(rows["Training"], rows["PublicTest"])
    path = export_int8(model, images, args.out)
    report = compare_float_int8(model, path, rows["PublicTest"], ferplus=True)
    logging.info("wrote %s (%d bytes); PublicTest FER+ majority: float %.4f, int8 %.4f",
                 path, path.stat().st_size, report["float"], report["int8"])
    return 0


def prior_shifts(parser, args, train) -> list[np.ndarray]:
    """--prior-shift's betas (one per --member, else all 0) as beta * log(class prior)."""
    betas = args.prior_shift or [0.0] * len(args.member)
    if len(betas) != len(args.member):
        parser.error("give one --prior-shift value per --member")
    log_prior = np.log(class_prior(train))
    return [b * log_prior for b in betas]


def class_prior(train) -> np.ndarray:
    """The FER+ vote shares of the Training rows: what a logit-adjusted loss shifted by."""
    soft = train.ferplus_soft()
    prior = soft[soft.sum(axis=1) > 0].mean(axis=0)
    return np.clip(prior / prior.sum(), 1e-4, None)


if __name__ == "__main__":
    raise SystemExit(main())
