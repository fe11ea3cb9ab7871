#!/usr/bin/env python3
"""Replace the large windowed-DFT-basis constants of an ONNX model by a small in-graph computation.

Conv-based STFT/iSTFT exports carry their DFT bases as dense constants ((bins, 1, n_fft) floats,
tens of MB). This tool finds every float initializer or Constant node that numerically equals
`scale[k] · hann[n] · cos(2πkn/N)` or `… · sin(2πkn/N)` (to 1e-6 of its peak; anything else is
left alone) and computes it instead from Range, Mul and Mod on int64 (so that `k·n mod N` is
exact), Cast, Mul, Cos/Sin, the periodic Hann window and the scale. An engine folds these nodes
when it loads the model. The compacted model must match the original in ONNX Runtime (and the
PyTorch reference, with --reference), or nothing is written.
"""

import argparse
import math
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

from swdemucs_tools.dft_fit import DftBasis, fit_dft_basis
from swdemucs_tools.parity import max_abs_diff, ort_forward
from swdemucs_tools.signals import music_like

MIN_ELEMENTS = 1 << 16  # smaller tensors are not worth replacing


@dataclass
class Builder:
    """Collects the new nodes and small initializers; shares angle and window per (bins, n_fft)."""

    nodes: list[onnx.NodeProto] = field(default_factory=list)
    initializers: list[onnx.TensorProto] = field(default_factory=list)
    shared: dict[tuple[int, int, str], str] = field(default_factory=dict)

    def constant(self, name: str, value: np.ndarray) -> str:
        self.initializers.append(numpy_helper.from_array(value, name))
        return name

    def node(self, op: str, inputs: list[str], output: str, **attributes) -> str:
        self.nodes.append(helper.make_node(op, inputs, [output], name=output, **attributes))
        return output

    def angle_and_window(self, bins: int, n_fft: int) -> tuple[str, str]:
        """`2π ((k n) mod N) / N` as float32 `(bins, n_fft)` and the periodic Hann window `(n_fft,)`."""
        if (bins, n_fft, "angle") not in self.shared:
            p = f"dft_compact/{n_fft}x{bins}/"
            zero = self.constant(p + "zero", np.array(0, np.int64))
            one = self.constant(p + "one", np.array(1, np.int64))
            size = self.constant(p + "n_fft", np.array(n_fft, np.int64))
            count = self.constant(p + "bins", np.array(bins, np.int64))
            step = self.constant(p + "two_pi_over_n_fft", np.array(2 * math.pi / n_fft, np.float32))
            half = self.constant(p + "half", np.array(0.5, np.float32))
            axis = self.constant(p + "axis1", np.array([1], np.int64))
            k = self.node("Unsqueeze", [self.node("Range", [zero, count, one], p + "k"), axis],
                          p + "k_column")
            n = self.node("Range", [zero, size, one], p + "n")
            kn = self.node("Mod", [self.node("Mul", [k, n], p + "k_times_n"), size], p + "kn_mod_n")
            kn = self.node("Cast", [kn], p + "kn_float", to=TensorProto.FLOAT)
            n = self.node("Cast", [n], p + "n_float", to=TensorProto.FLOAT)
            cosine = self.node("Cos", [self.node("Mul", [n, step], p + "n_angle")], p + "cos_n_angle")
            self.shared[(bins, n_fft, "angle")] = self.node("Mul", [kn, step], p + "angle")
            self.shared[(bins, n_fft, "window")] = self.node(
                "Sub", [half, self.node("Mul", [half, cosine], p + "half_cos")], p + "hann")
        return self.shared[(bins, n_fft, "angle")], self.shared[(bins, n_fft, "window")]

    def windowed_trig(self, kind: str, bins: int, n_fft: int) -> str:
        """`hann[n] · cos|sin(angle[k, n])`, float32 `(bins, n_fft)`, built once per kind."""
        if (bins, n_fft, kind) not in self.shared:
            angle, window = self.angle_and_window(bins, n_fft)
            p = f"dft_compact/{n_fft}x{bins}/"
            trig = self.node("Cos" if kind == "cos" else "Sin", [angle], p + kind)
            self.shared[(bins, n_fft, kind)] = self.node("Mul", [trig, window], p + f"windowed_{kind}")
        return self.shared[(bins, n_fft, kind)]

    def basis(self, name: str, fit: DftBasis) -> None:
        """Nodes computing `fit` as float32 `(bins, 1, n_fft)` into the value named `name`."""
        uniform = fit.uniform_scale
        scale = (np.array(uniform, np.float32) if uniform is not None
                 else fit.scale.astype(np.float32)[:, None])
        rows = self.node("Mul", [self.windowed_trig(fit.kind, fit.bins, fit.n_fft),
                                 self.constant(name + "/scale", scale)], name + "/rows")
        self.node("Unsqueeze", [rows, self.constant(name + "/axis1", np.array([1], np.int64))], name)


def find_bases(graph: onnx.GraphProto) -> dict[str, tuple[DftBasis, np.ndarray]]:
    """Large float tensors (initializers or Constant nodes) that are DFT bases, by value name."""
    candidates = {t.name: t for t in graph.initializer}
    for node in graph.node:
        if node.op_type == "Constant":
            candidates |= {node.output[0]: a.t for a in node.attribute if a.name == "value"}
    found = {}
    for name, tensor in candidates.items():
        if tensor.data_type != TensorProto.FLOAT or math.prod(tensor.dims) < MIN_ELEMENTS:
            continue
        values = numpy_helper.to_array(tensor)
        fit = fit_dft_basis(values)
        if fit is not None:
            found[name] = (fit, values)
        elif values.ndim == 3 and values.shape[1] == 1:
            print(f"  left alone: {name} {list(values.shape)} is not a windowed DFT basis")
    return found


def compact(model: onnx.ModelProto) -> tuple[onnx.ModelProto, dict[str, tuple[DftBasis, np.ndarray]],
                                             onnx.ModelProto]:
    """A copy of `model` with every recognised basis computed in-graph, the bases found (by name),
    and a stand-alone model of just the new nodes, whose outputs are the bases."""
    compacted = onnx.ModelProto()
    compacted.CopyFrom(model)
    graph = compacted.graph
    bases = find_bases(graph)
    builder = Builder()
    for name, (fit, _) in sorted(bases.items()):
        builder.basis(name, fit)
    kept_initializers = [t for t in graph.initializer if t.name not in bases]
    kept_nodes = [n for n in graph.node if not (n.op_type == "Constant" and n.output[0] in bases)]
    kept_inputs = [i for i in graph.input if i.name not in bases]
    del graph.initializer[:], graph.node[:], graph.input[:]
    graph.initializer.extend(kept_initializers + builder.initializers)
    graph.node.extend(builder.nodes + kept_nodes)
    graph.input.extend(kept_inputs)
    outputs = [helper.make_tensor_value_info(name, TensorProto.FLOAT, None) for name in sorted(bases)]
    probe = helper.make_model(helper.make_graph(builder.nodes, "dft_bases", [], outputs,
                                                builder.initializers),
                              opset_imports=list(model.opset_import), ir_version=model.ir_version)
    return compacted, bases, probe


def check_bases(bases: dict[str, tuple[DftBasis, np.ndarray]], probe: onnx.ModelProto) -> None:
    """Run the basis nodes in ONNX Runtime; each must reproduce its stored tensor to 1e-5 of peak."""
    names = sorted(bases)
    session = ort.InferenceSession(probe.SerializeToString(), providers=["CPUExecutionProvider"])
    for name, values in zip(names, session.run(names, {}), strict=True):
        fit, stored = bases[name]
        deviation = max_abs_diff(values, stored) / float(np.abs(stored).max())
        scale = f"{fit.uniform_scale:.6g}" if fit.uniform_scale is not None else "per bin"
        print(f"  {name}: {fit.kind} basis {fit.bins}x{fit.n_fft}, scale {scale}, fit residual "
              f"{fit.deviation:.1e}, computed vs stored {deviation:.1e} of peak")
        if deviation > 1e-5:
            raise RuntimeError(f"computed basis {name} deviates by {deviation:.1e} of its peak")


def check_model(source: Path, compacted: Path, mix: np.ndarray, reference: np.ndarray | None,
                tolerance: float, reference_tolerance: float) -> None:
    """Compare the compacted model with the original (and PyTorch) in ONNX Runtime."""
    before = ort_forward(source, mix)
    after = ort_forward(compacted, mix)
    diff = max_abs_diff(after, before)
    print(f"  ONNX Runtime, compacted vs original: max abs diff {diff:.3e} "
          f"(output peak {np.abs(before).max():.3f})")
    if diff > tolerance:
        raise RuntimeError(f"compacted model differs from the original by {diff:.3e}")
    if reference is not None:
        diff = max_abs_diff(after, reference)
        print(f"  ONNX Runtime, compacted vs PyTorch reference: max abs diff {diff:.3e}")
        if diff > reference_tolerance:
            raise RuntimeError(f"compacted model differs from PyTorch by {diff:.3e}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="ONNX model to compact")
    parser.add_argument("target", type=Path, help="where to write the compacted model")
    parser.add_argument("--reference", type=Path, metavar="DIR",
                        help="folder with the PyTorch input.npy / output.npy to compare against")
    parser.add_argument("--reference-output", default="output.npy", metavar="FILE",
                        help="file in --reference holding this model's output (default output.npy; "
                             "output_model<i>.npy for a bag member)")
    parser.add_argument("--tolerance", type=float, default=1e-5,
                        help="max abs diff, compacted vs original in ONNX Runtime (default 1e-5)")
    parser.add_argument("--reference-tolerance", type=float, default=1e-4,
                        help="max abs diff, compacted vs the PyTorch reference (default 1e-4)")
    args = parser.parse_args()

    model = onnx.load(str(args.source))
    compacted, bases, probe = compact(model)
    if not bases:
        print(f"compact_dft.py: no windowed DFT basis found in {args.source}", file=sys.stderr)
        return 1
    if args.reference:
        mix, reference = (np.load(args.reference / f) for f in ("input.npy", args.reference_output))
    else:
        samples = model.graph.input[0].type.tensor_type.shape.dim[-1].dim_value
        mix, reference = music_like(samples, 44100, seed=0)[None], None

    args.target.parent.mkdir(parents=True, exist_ok=True)
    partial = args.target.with_name(args.target.name + ".partial")
    try:
        check_bases(bases, probe)
        onnx.save(compacted, str(partial))
        onnx.checker.check_model(str(partial))
        check_model(args.source, partial, mix, reference, args.tolerance, args.reference_tolerance)
        partial.replace(args.target)
    except RuntimeError as error:
        print(f"compact_dft.py: {error}", file=sys.stderr)
        return 1
    finally:
        partial.unlink(missing_ok=True)
    sizes = [path.stat().st_size / 2**20 for path in (args.source, args.target)]
    print(f"wrote {args.target}: {sizes[0]:.1f} MiB -> {sizes[1]:.1f} MiB, "
          f"{len(bases)} bases now computed by {len(probe.graph.node)} nodes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
