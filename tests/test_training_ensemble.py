"""training/ensemble.py: the float weights read back out of an int8 file are the network
the interpreter runs (checked with a numpy forward pass, no TensorFlow), and an ensemble's
output is the softmax of its members' mean logits (needs Keras, the [train] extra)."""

import numpy as np
import pytest

from moodplayer.training.ensemble import _pool_before, rebuild_int8, single_member
from moodplayer.vision.classifier import DEFAULT_MODEL, EmotionClassifier


def _conv3x3(x: np.ndarray, kernel: np.ndarray, bias: np.ndarray) -> np.ndarray:
    padded = np.pad(x, ((1, 1), (1, 1), (0, 0)))
    windows = np.lib.stride_tricks.sliding_window_view(padded, (3, 3), axis=(0, 1))
    return np.einsum("hwcij,ijco->hwo", windows, kernel, optimize=True) + bias


def _forward(chains, dense, face: np.ndarray) -> np.ndarray:
    pooled = []
    for chain in chains:
        x = (face.astype(np.float32) / 127.5 - 1.0)[:, :, None]
        for i, (kernel, bias) in enumerate(chain):
            if i in _pool_before(chain):
                h, w, c = x.shape
                x = x.reshape(h // 2, 2, w // 2, 2, c).max(axis=(1, 3))
            x = np.maximum(_conv3x3(x, kernel, bias), 0.0)
        pooled.append(x.mean(axis=(0, 1)))
    logits = np.concatenate(pooled) @ dense[0] + dense[1]
    e = np.exp(logits - logits.max())
    return e / e.sum()


def _faces() -> list[np.ndarray]:
    yy, xx = np.mgrid[0:48, 0:48]
    base = np.clip(128 + 90 * np.sin(xx / 4.0) * np.cos(yy / 6.0), 0, 255)
    rng = np.random.default_rng(5)
    return [np.clip(base * k + rng.normal(0, 20, base.shape), 0, 255).astype(np.uint8)
            for k in (0.6, 0.9, 1.2)]


def test_weights_read_from_the_shipped_file_are_the_network_it_runs():
    chains, dense = rebuild_int8(DEFAULT_MODEL)
    assert dense[0].shape == (sum(chain[-1][0].shape[3] for chain in chains), 7)
    classifier = EmotionClassifier()
    for face in _faces():
        ours, theirs = _forward(chains, dense, face), classifier.predict(face)
        # int8 activations against float ones: close, not equal.
        assert np.abs(ours - theirs).max() < 0.08
        assert ours.argmax() == theirs.argmax()


def test_an_ensemble_file_is_not_taken_as_one_member(tmp_path):
    chains, _ = rebuild_int8(DEFAULT_MODEL)
    if len(chains) == 1:
        convs, dense = single_member(DEFAULT_MODEL)
        assert len(convs) == len(chains[0]) and dense[0].shape[1] == 7
    else:
        with pytest.raises(ValueError, match="already an ensemble"):
            single_member(DEFAULT_MODEL)


def test_a_file_without_a_dense_layer_is_refused(tmp_path):
    detector = DEFAULT_MODEL.parent / "face_detection_short_range.tflite"
    with pytest.raises(ValueError, match="not a moodnet"):
        rebuild_int8(detector)


def test_the_ensemble_outputs_the_softmax_of_the_members_mean_logits():
    pytest.importorskip("tensorflow")
    import keras

    from moodplayer.training.ensemble import build_ensemble, fold_keras
    from moodplayer.training.model import build_model, logits_model

    keras.utils.set_random_seed(3)
    nets = [build_model((8, 16)), build_model((8, 16))]
    for net in nets:  # non-trivial BatchNorm statistics, so folding is exercised
        for layer in net.layers:
            if layer.name.endswith("_bn"):
                gamma, beta, mean, var = layer.get_weights()
                layer.set_weights([gamma * 1.3, beta + 0.1, mean + 0.2, var * 0.5 + 0.1])
    faces = np.stack(_faces())[..., None].astype(np.float32)
    shift = np.linspace(-1, 1, 7).astype(np.float32)
    ensemble = build_ensemble([fold_keras(n) for n in nets], [np.zeros(7), shift])
    logits = [logits_model(n).predict(faces, verbose=0) for n in nets]
    mean = (logits[0] + logits[1] + shift) / 2
    expected = np.exp(mean) / np.exp(mean).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(ensemble.predict(faces, verbose=0), expected, atol=1e-5)


def test_unfolded_weights_train_from_the_same_function_they_were_folded_from():
    pytest.importorskip("tensorflow")
    import keras

    from moodplayer.training.ensemble import build_ensemble, fold_keras, unfold
    from moodplayer.training.model import build_model

    keras.utils.set_random_seed(4)
    source = build_model((8, 16))
    for layer in source.layers:
        if layer.name.endswith("_bn"):
            gamma, beta, mean, var = layer.get_weights()
            layer.set_weights([gamma * 0.7, beta - 0.2, mean + 0.3, var * 2.0])
    faces = np.stack(_faces() * 4)
    folded = fold_keras(source)
    target = build_ensemble([folded]).predict(faces[..., None].astype(np.float32), verbose=0)
    fresh = unfold(build_model((8, 16), dropout=0.0), folded, faces)
    x = faces[..., None].astype(np.float32)
    np.testing.assert_allclose(fresh.predict(x, verbose=0), target, atol=1e-4)
    # In training mode BatchNorm uses the batch's own statistics: the same images give
    # the same function, so fine-tuning starts where the folded network was.
    np.testing.assert_allclose(fresh(x, training=True).numpy(), target, atol=1e-3)
