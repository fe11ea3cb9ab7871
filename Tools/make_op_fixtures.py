"""Writes one tiny ONNX model per operator case, with inputs and ONNX Runtime's outputs, for the engine's per-op tests.

Each case becomes two folders under Tests/Fixtures/ops/: `<case>` feeds the inputs as graph inputs (the op runs at
run time) and `<case>.folded` stores them as initializers (the engine must fold the op at load, with the same code).
ONNX Runtime is the reference here and only here; it never runs at inference.

    python Tools/make_op_fixtures.py [--out Tests/Fixtures/ops]
"""
from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

OPSET = 17
RNG = np.random.default_rng(1234)


def rand(*shape: int) -> np.ndarray:
    return RNG.standard_normal(shape).astype(np.float32)


def ints(*values: int) -> np.ndarray:
    return np.array(values, dtype=np.int64)


def scalar(value: int) -> np.ndarray:
    return np.array(value, dtype=np.int64)


# Each case: name -> (op_type, inputs (name -> array or None for an omitted optional input), attributes, outputs,
# names of inputs that are always initializers (parameters such as shapes and pads), opset).
CASES: dict[str, tuple] = {}


def case(name: str, op: str, inputs: dict, attrs: dict | None = None, outputs: int = 1,
         params: tuple[str, ...] = (), opset: int = OPSET) -> None:
    CASES[name] = (op, inputs, attrs or {}, outputs, params, opset)


# Convolutions: odd shapes, strides, pads, dilation, groups.
case("conv1d_stride_pad", "Conv", {"x": rand(2, 3, 37), "w": rand(5, 3, 8), "b": rand(5)},
     {"strides": [4], "pads": [2, 2]})
case("conv1d_dilated", "Conv", {"x": rand(1, 4, 29), "w": rand(6, 4, 3), "b": rand(6)},
     {"dilations": [2], "pads": [2, 2]})
case("conv1d_pointwise", "Conv", {"x": rand(1, 7, 23), "w": rand(9, 7, 1), "b": rand(9)})
case("conv2d_freq", "Conv", {"x": rand(1, 3, 33, 7), "w": rand(5, 3, 8, 1), "b": rand(5)},
     {"strides": [4, 1], "pads": [2, 0, 2, 0]})
case("conv2d_3x3_groups", "Conv", {"x": rand(2, 6, 9, 11), "w": rand(4, 3, 3, 3)},
     {"pads": [1, 1, 1, 1], "group": 2})
case("conv2d_asymmetric", "Conv", {"x": rand(1, 2, 10, 13), "w": rand(3, 2, 2, 3), "b": rand(3)},
     {"strides": [2, 3], "pads": [1, 0, 0, 2], "dilations": [2, 1]})
case("convtranspose1d", "ConvTranspose", {"x": rand(2, 5, 17), "w": rand(5, 3, 8), "b": rand(3)},
     {"strides": [4], "pads": [2, 2]})
case("convtranspose2d_freq", "ConvTranspose", {"x": rand(1, 4, 9, 5), "w": rand(4, 3, 8, 1), "b": rand(3)},
     {"strides": [4, 1]})
case("convtranspose2d_groups_outpad", "ConvTranspose", {"x": rand(1, 4, 5, 6), "w": rand(4, 2, 3, 3)},
     {"strides": [2, 2], "group": 2, "output_padding": [1, 0], "pads": [1, 0, 0, 1]})
# Products.
case("matmul_batched_broadcast", "MatMul", {"a": rand(2, 3, 5, 7), "b": rand(3, 7, 4)})
case("matmul_weight", "MatMul", {"a": rand(2, 11, 6), "b": rand(6, 9)})
case("matmul_vector", "MatMul", {"a": rand(7), "b": rand(3, 7, 5)})
case("gemm_trans_bias", "Gemm", {"a": rand(6, 4), "b": rand(5, 6), "c": rand(5)},
     {"transA": 1, "transB": 1, "alpha": 0.5, "beta": 2.0})
# Elementwise with broadcasting.
case("add_broadcast", "Add", {"a": rand(2, 1, 5), "b": rand(3, 1)})
case("sub_broadcast", "Sub", {"a": rand(4, 1), "b": rand(1, 3)})
case("mul_scalar", "Mul", {"a": rand(3, 7), "b": np.array(1.5, dtype=np.float32)})
case("div_broadcast", "Div", {"a": rand(2, 3, 4), "b": rand(4) + 3})
case("pow_square", "Pow", {"a": rand(5, 3), "b": np.array(2.0, dtype=np.float32)})
case("pow_general", "Pow", {"a": np.abs(rand(5, 3)) + 0.1, "b": rand(3)})
case("mod_int", "Mod", {"a": ints(7, -7, 9, -9, 0, 5), "b": ints(3, 3, -4, -4, 2, 5)})
case("mod_fmod_float", "Mod", {"a": rand(6) * 5, "b": np.full(6, 1.5, dtype=np.float32)}, {"fmod": 1})
case("add_int", "Add", {"a": ints(1, 2, 3), "b": ints(10)})
case("div_int", "Div", {"a": ints(7, -7, 9), "b": ints(2, 2, -4)})
case("equal_int", "Equal", {"a": ints(1, 2, 3, 4), "b": ints(1, 0, 3, 0)})
case("where_broadcast", "Where", {"c": np.array([[True], [False]]), "x": rand(2, 3), "y": rand(3)})
case("sqrt", "Sqrt", {"x": np.abs(rand(4, 5))})
case("erf", "Erf", {"x": rand(3, 17) * 2})
case("sigmoid", "Sigmoid", {"x": rand(3, 17) * 4})
case("sin", "Sin", {"x": rand(4, 5) * 3})
case("cos", "Cos", {"x": rand(4, 5) * 3})
case("clip", "Clip", {"x": rand(4, 6) * 3, "lo": np.array(-1, dtype=np.float32), "hi": np.array(0.5, dtype=np.float32)},
     params=("lo", "hi"))
# Normalisation and reductions.
case("softmax_last", "Softmax", {"x": rand(2, 3, 13) * 3}, {"axis": -1})
case("softmax_middle", "Softmax", {"x": rand(2, 5, 3)}, {"axis": 1})
case("layernorm", "LayerNormalization", {"x": rand(3, 4, 10) * 2 + 1, "s": rand(10), "b": rand(10)},
     {"axis": -1, "epsilon": 1e-5})
case("layernorm_two_axes", "LayerNormalization", {"x": rand(3, 4, 5), "s": rand(4, 5), "b": rand(4, 5)}, {"axis": 1})
case("instancenorm", "InstanceNormalization", {"x": rand(2, 3, 7, 5) * 3 + 2, "s": rand(3), "b": rand(3)},
     {"epsilon": 1e-5})
case("reducemean_axes", "ReduceMean", {"x": rand(2, 3, 4, 5)}, {"axes": [1, 3], "keepdims": 1})
case("reducemean_nokeep", "ReduceMean", {"x": rand(2, 3, 4)}, {"axes": [0, 2], "keepdims": 0})
case("reducemean_all", "ReduceMean", {"x": rand(2, 3, 4)})
case("reduceprod_int", "ReduceProd", {"x": ints(2, 3, 4, 5).reshape(2, 2)}, {"axes": [0], "keepdims": 0})
# Data movement.
case("transpose", "Transpose", {"x": rand(2, 3, 4, 5)}, {"perm": [0, 3, 1, 2]})
case("reshape_infer", "Reshape", {"x": rand(2, 3, 4), "shape": ints(0, -1, 2)}, params=("shape",))
case("flatten", "Flatten", {"x": rand(2, 3, 4)}, {"axis": 2})
case("squeeze", "Squeeze", {"x": rand(2, 1, 4, 1), "axes": ints(1, -1)}, params=("axes",))
case("unsqueeze", "Unsqueeze", {"x": rand(2, 4), "axes": ints(0, 3)}, params=("axes",))
case("slice_steps", "Slice", {"x": rand(5, 9, 4), "starts": ints(1, -2), "ends": ints(5, -100), "axes": ints(0, 1),
                              "steps": ints(2, -3)}, params=("starts", "ends", "axes", "steps"))
case("slice_clamped", "Slice", {"x": rand(6, 7), "starts": ints(-1000, 2), "ends": ints(1000, 4)},
     params=("starts", "ends"))
case("split_sizes", "Split", {"x": rand(2, 10, 3), "split": ints(3, 7)}, {"axis": 1}, outputs=2, params=("split",))
case("split_equal", "Split", {"x": rand(6, 4)}, {"axis": 0}, outputs=3)
case("concat", "Concat", {"a": rand(2, 3, 4), "b": rand(2, 1, 4), "c": rand(2, 5, 4)}, {"axis": 1})
case("gather_axis1", "Gather", {"x": rand(3, 5, 2), "i": ints(4, 0, -1, 2).reshape(2, 2)}, {"axis": 1})
case("gather_scalar_index", "Gather", {"x": rand(4, 3), "i": np.array(-2, dtype=np.int64)}, {"axis": 0})
case("pad_constant", "Pad", {"x": rand(2, 3, 4), "pads": ints(0, 1, 2, 0, 2, 1), "v": np.array(0.25, dtype=np.float32)},
     params=("pads", "v"))
case("pad_reflect", "Pad", {"x": rand(2, 3, 10), "pads": ints(0, 0, 3, 0, 0, 4)}, {"mode": "reflect"}, params=("pads",))
case("pad_edge", "Pad", {"x": rand(3, 4), "pads": ints(1, 2, 2, 1)}, {"mode": "edge"}, params=("pads",))
case("tile", "Tile", {"x": rand(2, 3), "r": ints(2, 3)}, params=("r",))
case("expand", "Expand", {"x": rand(3, 1), "shape": ints(2, 1, 4)}, params=("shape",))
case("scatternd", "ScatterND", {"x": rand(4, 5), "i": ints(2, 0).reshape(2, 1), "u": rand(2, 5)})
case("scatternd_elements", "ScatterND", {"x": rand(3, 4), "i": ints(0, 1, 2, 3, -1, 0).reshape(3, 2), "u": rand(3)})
case("range_int", "Range", {"s": np.array(2, dtype=np.int64), "l": np.array(17, dtype=np.int64),
                            "d": np.array(3, dtype=np.int64)}, params=("s", "l", "d"))
case("range_float", "Range", {"s": np.array(0.5, dtype=np.float32), "l": np.array(-2, dtype=np.float32),
                              "d": np.array(-0.75, dtype=np.float32)}, params=("s", "l", "d"))
case("cast_float_int", "Cast", {"x": rand(3, 4) * 10}, {"to": TensorProto.INT64})
case("cast_int_float", "Cast", {"x": ints(1, -2, 3)}, {"to": TensorProto.FLOAT})
case("cast_int_bool", "Cast", {"x": ints(1, 0, 3)}, {"to": TensorProto.BOOL})
case("shape_window", "Shape", {"x": rand(2, 3, 4, 5)}, {"start": 1, "end": -1})
case("identity", "Identity", {"x": rand(2, 3)})
# Fourier transforms: odd and even lengths, middle axes, dft_length padding and truncation, inverse, one-sided.
# Their reference is numpy's FFT in float64 (ONNX Runtime must agree with it to 1e-4).
case("dft_real_odd", "DFT", {"x": rand(2, 9, 1)})
case("dft_real_onesided", "DFT", {"x": rand(3, 11, 1)}, {"onesided": 1})
case("dft_complex_middle_axis", "DFT", {"x": rand(2, 3, 7, 2)}, {"axis": 2})
case("dft_negative_axis", "DFT", {"x": rand(2, 6, 3, 2)}, {"axis": -3})
case("dft_pad_onesided", "DFT", {"x": rand(2, 9, 1), "n": scalar(12)}, {"onesided": 1}, params=("n",))
case("dft_truncate", "DFT", {"x": rand(2, 9, 2), "n": scalar(5)}, params=("n",))
case("dft_inverse", "DFT", {"x": rand(2, 10, 3, 2)}, {"inverse": 1})
case("dft_inverse_pad", "DFT", {"x": rand(2, 9, 2), "n": scalar(12)}, {"inverse": 1}, params=("n",))
case("dft_irfft", "DFT", {"x": rand(2, 9, 2)}, {"inverse": 1, "onesided": 1})
case("dft_irfft_odd", "DFT", {"x": rand(2, 9, 2), "n": scalar(17)}, {"inverse": 1, "onesided": 1}, params=("n",))
case("dft_opset20_axis", "DFT", {"x": rand(2, 5, 3, 1), "n": None, "axis": scalar(1)}, params=("axis",), opset=20)
case("dft_opset20_default_axis", "DFT", {"x": rand(3, 2, 6, 2)}, {"inverse": 1}, opset=20)
case("stft_window", "STFT", {"x": rand(2, 50, 1), "step": scalar(7), "w": np.hanning(16).astype(np.float32),
                             "n": scalar(16)}, params=("step", "n"))
case("stft_no_window_odd", "STFT", {"x": rand(1, 40, 1), "step": scalar(4), "w": None, "n": scalar(15)},
     params=("step", "n"))
case("stft_window_twosided", "STFT", {"x": rand(2, 31, 1), "step": scalar(3), "w": rand(9)}, {"onesided": 0},
     params=("step",))
# A real signal without its component axis, as torch's exporter writes it (ONNX Runtime accepts it).
case("stft_signal_without_component_axis", "STFT", {"x": rand(2, 45), "step": scalar(8),
                                                   "w": np.hanning(12).astype(np.float32), "n": scalar(12)},
     params=("step", "n"))
case("stft_complex", "STFT", {"x": rand(1, 40, 2), "step": scalar(5), "w": rand(8)}, {"onesided": 0},
     params=("step",))


def build(name: str, op: str, inputs: dict, attrs: dict, n_out: int, params: tuple, opset: int,
          folded: bool) -> onnx.ModelProto:
    graph_inputs, initializers, names = [], [], []
    for key, value in inputs.items():
        if value is None:
            names.append("")
            continue
        names.append(key)
        if folded or key in params:
            initializers.append(numpy_helper.from_array(value, key))
        else:
            elem = helper.np_dtype_to_tensor_dtype(value.dtype)
            graph_inputs.append(helper.make_tensor_value_info(key, elem, value.shape))
    outs = [f"y{i}" for i in range(n_out)]
    node = helper.make_node(op, names, outs, name=f"{name}_node", **attrs)
    graph = helper.make_graph([node], name, graph_inputs, [helper.make_empty_tensor_value_info(o) for o in outs],
                              initializer=initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], producer_name="make_op_fixtures")
    model.ir_version = 8 if opset <= 18 else 9
    inferred = onnx.shape_inference.infer_shapes(model, strict_mode=True)
    if op == "STFT":  # onnx's shape inference takes onesided's default as 0 where the specification says 1
        inferred.graph.ClearField("output")
        inferred.graph.output.extend(helper.make_tensor_value_info(o, TensorProto.FLOAT, [None] * 4) for o in outs)
    onnx.checker.check_model(inferred)
    return inferred


def write_case(out: Path, name: str, spec: tuple, folded: bool) -> None:
    op, inputs, attrs, n_out, params, opset = spec
    model = build(name, op, inputs, attrs, n_out, params, opset, folded)
    folder = out / (name + (".folded" if folded else ""))
    folder.mkdir(parents=True)
    onnx.save(model, folder / "model.onnx")
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    feeds = {i.name: inputs[i.name] for i in session.get_inputs()}
    for index, i in enumerate(session.get_inputs()):
        np.save(folder / f"input{index}.npy", feeds[i.name])
    outputs = session.run(None, feeds)
    if op in NUMPY_REFERENCES:
        reference = NUMPY_REFERENCES[op](inputs, attrs, opset)
        np.testing.assert_allclose(outputs[0], reference, rtol=1e-4, atol=1e-4, err_msg=name)
        outputs = [reference.astype(np.float32)]
    for index, value in enumerate(outputs):
        np.save(folder / f"output{index}.npy", np.ascontiguousarray(value))


def complex_values(x: np.ndarray) -> np.ndarray:
    """ONNX's real ([..., 1]) or complex ([..., 2]) layout as a complex128 array without the last axis."""
    x = x.astype(np.float64)
    return x[..., 0] + 1j * x[..., 1] if x.shape[-1] == 2 else x[..., 0] + 0j


def stacked(z: np.ndarray) -> np.ndarray:
    return np.stack([z.real, z.imag], axis=-1)


def numpy_dft(inputs: dict, attrs: dict, opset: int) -> np.ndarray:
    x = complex_values(inputs["x"])
    axis = int(inputs["axis"]) if opset >= 20 and inputs.get("axis") is not None else attrs.get(
        "axis", 1 if opset < 20 else -2)
    axis = axis % (x.ndim + 1)
    inverse, onesided = attrs.get("inverse", 0), attrs.get("onesided", 0)
    n = int(inputs["n"]) if inputs.get("n") is not None else None
    if inverse and onesided:
        return np.fft.irfft(x, n=n, axis=axis)[..., None]
    if inverse:
        return stacked(np.fft.ifft(x, n=n, axis=axis))
    z = np.fft.fft(x, n=n, axis=axis)
    if onesided:
        z = np.take(z, range(z.shape[axis] // 2 + 1), axis=axis)
    return stacked(z)


def numpy_stft(inputs: dict, attrs: dict, opset: int) -> np.ndarray:
    x, window = inputs["x"], inputs.get("w")
    x = complex_values(x if x.ndim == 3 else x[..., None])
    n = int(inputs["n"]) if inputs.get("n") is not None else len(window)
    window = np.ones(n) if window is None else window.astype(np.float64)
    step = int(inputs["step"])
    frames = np.stack([x[:, f * step:f * step + n] * window for f in range(1 + (x.shape[1] - n) // step)], axis=1)
    z = np.fft.fft(frames, axis=-1)
    if attrs.get("onesided", 1):
        z = z[..., :n // 2 + 1]
    return stacked(z)


# Ops whose saved outputs come from numpy in float64 rather than ONNX Runtime (checked to agree with it).
NUMPY_REFERENCES = {"DFT": numpy_dft, "STFT": numpy_stft}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent / "Tests/Fixtures/ops")
    args = parser.parse_args()
    if args.out.exists():
        shutil.rmtree(args.out)
    for name, spec in CASES.items():
        write_case(args.out, name, spec, folded=False)
        write_case(args.out, name, spec, folded=True)
    print(f"wrote {2 * len(CASES)} op fixtures to {args.out}")


if __name__ == "__main__":
    main()
