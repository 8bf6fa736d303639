"""The TFLite loader: LiteRT first, tflite_runtime as fallback, a clear error without either;
and the classifier's quantisation against the model's own tensor parameters."""

import sys
import types

import numpy as np
import pytest

from moodplayer.vision import runtime
from moodplayer.vision.classifier import DEFAULT_MODEL, EmotionClassifier, _dequantize, _quantize


def test_litert_is_preferred():
    assert runtime.interpreter_class().__module__ == "ai_edge_litert.interpreter"


def test_falls_back_to_tflite_runtime(monkeypatch):
    fallback = types.ModuleType("tflite_runtime.interpreter")

    class Interpreter:  # stands in for the package this machine does not have
        pass

    fallback.Interpreter = Interpreter
    monkeypatch.setitem(sys.modules, "ai_edge_litert.interpreter", None)  # import fails
    monkeypatch.setitem(sys.modules, "tflite_runtime", types.ModuleType("tflite_runtime"))
    monkeypatch.setitem(sys.modules, "tflite_runtime.interpreter", fallback)
    assert runtime.interpreter_class() is Interpreter


def test_neither_runtime_is_a_clear_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "ai_edge_litert.interpreter", None)
    monkeypatch.setitem(sys.modules, "tflite_runtime.interpreter", None)
    with pytest.raises(runtime.RuntimeMissing, match="ai-edge-litert.*tflite-runtime"):
        runtime.interpreter_class()


def test_missing_model_file_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="nothing.tflite"):
        runtime.load_interpreter(tmp_path / "nothing.tflite")


def test_the_shipped_model_is_full_int8_on_raw_pixels():
    interpreter = runtime.load_interpreter(DEFAULT_MODEL)
    given, out = interpreter.get_input_details()[0], interpreter.get_output_details()[0]
    assert given["dtype"] == np.int8 and out["dtype"] == np.int8
    assert tuple(given["shape"]) == (1, 48, 48, 1) and tuple(out["shape"]) == (1, 7)
    # The model card's preprocessing: int8 = grey pixel - 128.
    assert given["quantization"] == (1.0, -128)
    assert DEFAULT_MODEL.stat().st_size <= 3 * 1024 * 1024


def test_quantise_maps_pixels_as_the_model_card_says():
    detail = {"dtype": np.int8, "quantization": (1.0, -128)}
    face = np.array([[0, 128, 255]], dtype=np.uint8)
    assert _quantize(face, detail).ravel().tolist() == [-128, 0, 127]
    out = {"dtype": np.int8, "quantization": (1 / 256, -128)}
    assert _dequantize(np.array([-128, 0, 127], np.int8), out).tolist() == pytest.approx([0, 0.5, 255 / 256])


def test_a_model_of_the_wrong_shape_is_refused():
    detector = DEFAULT_MODEL.parent / "face_detection_short_range.tflite"
    with pytest.raises(ValueError, match="unexpected model shape"):
        EmotionClassifier(detector)
