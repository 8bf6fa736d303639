"""Loads a TFLite model with the LiteRT interpreter (ai-edge-litert), falling
back to tflite-runtime when that is what is installed."""

from __future__ import annotations

from pathlib import Path


class RuntimeMissing(RuntimeError):
    pass


def interpreter_class():
    try:
        from ai_edge_litert.interpreter import Interpreter
    except ImportError as litert_error:
        try:
            from tflite_runtime.interpreter import Interpreter
        except ImportError:
            raise RuntimeMissing(
                "No TFLite runtime: neither 'ai-edge-litert' (ai_edge_litert) nor "
                "'tflite-runtime' (tflite_runtime) is installed. Install one with "
                "'pip install ai-edge-litert'."
            ) from litert_error
    return Interpreter


def load_interpreter(model_path: str | Path, num_threads: int = 1):
    """An allocated interpreter for `model_path`, one thread by default."""
    path = Path(model_path)
    if not path.is_file():
        raise FileNotFoundError(f"model file not found: {path}")
    interpreter = interpreter_class()(model_path=str(path), num_threads=num_threads)
    interpreter.allocate_tensors()
    return interpreter
