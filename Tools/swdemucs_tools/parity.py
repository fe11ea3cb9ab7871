"""Run a model in PyTorch or ONNX Runtime on one input and measure the difference."""

from pathlib import Path

import numpy as np
import onnxruntime as ort
import torch


def torch_forward(model: torch.nn.Module, mix: np.ndarray) -> np.ndarray:
    """`model(mix)` in float32, without gradients."""
    with torch.no_grad():
        return model(torch.from_numpy(mix)).numpy()


def ort_forward(path: Path, mix: np.ndarray, threads: int = 2) -> np.ndarray:
    """Run the ONNX file on the CPU provider: input `mix`, first output."""
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    return session.run(None, {session.get_inputs()[0].name: mix})[0]


def ort_run(path: Path, feeds: dict[str, np.ndarray], threads: int = 2) -> list[np.ndarray]:
    """Run the ONNX file on the CPU provider with named inputs; all outputs, in graph order."""
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    return session.run(None, feeds)


def relative_l2(a: np.ndarray, b: np.ndarray) -> float:
    """‖a − b‖₂ / ‖b‖₂ over the whole array, in float64 (b is the reference)."""
    if a.shape != b.shape:
        raise ValueError(f"shapes differ: {a.shape} vs {b.shape}")
    a, b = a.astype(np.float64), b.astype(np.float64)
    return float(np.linalg.norm(a - b) / np.linalg.norm(b))


def max_abs_diff(a: np.ndarray, b: np.ndarray) -> float:
    if a.shape != b.shape:
        raise ValueError(f"shapes differ: {a.shape} vs {b.shape}")
    return float(np.abs(a.astype(np.float64) - b).max())


def check(label: str, diff: float, peak: float, tolerance: float) -> None:
    """Print the figure; raise if it exceeds the tolerance."""
    verdict = "ok" if diff <= tolerance else "FAIL"
    print(f"  {label}: max abs diff {diff:.3e} (output peak {peak:.3f}, tolerance {tolerance:.0e}) {verdict}",
          flush=True)
    if diff > tolerance:
        raise RuntimeError(f"{label}: max abs diff {diff:.3e} exceeds {tolerance:.0e}")
