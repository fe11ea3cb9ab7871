"""The bundle folder: ONNX file(s) plus `swdemucs.json`, and float32 `.npy` dumps."""

import json
import platform
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from .model_source import ModelSource, state_sha256

METADATA_FILE = "swdemucs.json"
FORMAT = 1
OPSET = 17


def model_file_names(count: int) -> list[str]:
    """`model.onnx` for a single model, `model0.onnx`, `model1.onnx`, … for a bag."""
    return ["model.onnx"] if count == 1 else [f"model{i}.onnx" for i in range(count)]


def versions(*packages: str) -> dict[str, str]:
    """Installed versions of the given distributions, plus Python's."""
    found = {name: metadata.version(name) for name in packages}
    return found | {"python": platform.python_version()}


def write_metadata(folder: Path, source: ModelSource, files: list[str],
                   exporter: dict[str, Any], hashes: list[str], style: str = "conv-stft",
                   graph: dict[str, Any] | None = None) -> Path:
    """Write `swdemucs.json` describing `source` exported to `files` (one per model).

    `graph` (styles.io_description: "spectrogram", "inputs", "outputs") is written after
    "segment_samples" for the styles other than conv-stft, whose file has no such keys.
    """
    description = {
        "format": FORMAT,
        "name": source.name,
        "style": style,
        "sources": source.sources,
        "samplerate": source.samplerate,
        "audio_channels": source.audio_channels,
        "segment_samples": source.segment_samples,
    }
    description |= graph or {}
    description |= {
        "models": [{"file": file, "weights": [float(w) for w in weights], "state_sha256": digest}
                   for file, weights, digest in zip(files, source.weights, hashes, strict=True)],
        "exporter": exporter | {"origin": source.origin, "opset": OPSET},
    }
    path = folder / METADATA_FILE
    path.write_text(json.dumps(description, indent=2) + "\n")
    return path


def read_metadata(folder: Path) -> dict[str, Any]:
    return json.loads((folder / METADATA_FILE).read_text())


def verify_against_bundle(source: ModelSource, bundle: Path) -> None:
    """Raise unless `source` has the very weights, bag weights and shape the bundle was exported from."""
    meta = read_metadata(bundle)
    expected = [entry["state_sha256"] for entry in meta["models"]]
    actual = [state_sha256(model) for model in source.models]
    if actual != expected:
        raise RuntimeError(f"rebuilt weights differ from those exported to {bundle}")
    if meta["segment_samples"] != source.segment_samples or meta["sources"] != source.sources:
        raise RuntimeError(f"segment or sources differ from {bundle}")
    if [[float(w) for w in entry["weights"]] for entry in meta["models"]] != source.weights:
        raise RuntimeError(f"bag weights differ from {bundle}")
    print(f"weights match {bundle / METADATA_FILE} ({len(actual)} model(s))")


def save_npy(path: Path, array: np.ndarray) -> None:
    """Save as a little-endian float32, C-order `.npy` (format version 1.0)."""
    array = np.ascontiguousarray(array, dtype="<f4")
    with path.open("wb") as file:
        np.lib.format.write_array(file, array, version=(1, 0))
