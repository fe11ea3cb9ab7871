"""Writes small broken or unusual ONNX files for the engine's and CLI's error tests (Tests/Fixtures/errors/).

Each file is meant to be refused with a one-line message naming what is wrong:

    unsupported_op.onnx      a node of an op type the engine does not implement (Einsum)
    custom_domain.onnx       a node from a non-standard operator domain
    cycle.onnx               two nodes that read each other's outputs
    missing_value.onnx       a node reading a value nothing produces
    bad_reshape.onnx         a Reshape to an element count that does not fit
    open_shape.onnx          an input whose shape is symbolic (runs once a shape is given)
    truncated.onnx           a valid model cut short in the middle of its weights
    not_onnx.onnx            a text file

    python Tools/make_error_fixtures.py [--out Tests/Fixtures/errors]
"""
from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def model(nodes, inputs, outputs, initializers=(), opsets=(("", 17),)) -> onnx.ModelProto:
    graph = helper.make_graph(nodes, "errors", inputs, outputs, initializer=list(initializers))
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid(d, v) for d, v in opsets],
                          producer_name="make_error_fixtures")
    m.ir_version = 8
    return m


def tensor(name: str, shape) -> onnx.ValueInfoProto:
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent / "Tests/Fixtures/errors")
    out = parser.parse_args().out
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)

    x = tensor("x", [2, 3])
    y = tensor("y", [2, 3])
    files = {
        "unsupported_op": model([helper.make_node("Einsum", ["x", "x"], ["y"], name="mixer", equation="ij,ij->ij")],
                                [x], [y]),
        "custom_domain": model([helper.make_node("FusedGelu", ["x"], ["y"], name="gelu", domain="com.example")],
                               [x], [y], opsets=(("", 17), ("com.example", 1))),
        "cycle": model([helper.make_node("Add", ["x", "b"], ["a"], name="first"),
                        helper.make_node("Relu", ["a"], ["b"], name="second"),
                        helper.make_node("Identity", ["a"], ["y"], name="out")], [x], [y]),
        "missing_value": model([helper.make_node("Add", ["x", "nowhere"], ["y"], name="adder")], [x], [y]),
        "bad_reshape": model([helper.make_node("Reshape", ["x", "shape"], ["y"], name="reshaper")], [x],
                             [tensor("y", None)], [numpy_helper.from_array(np.array([4, 2], np.int64), "shape")]),
        "open_shape": model([helper.make_node("Relu", ["x"], ["y"], name="relu")],
                            [tensor("x", ["batch", 3])], [tensor("y", ["batch", 3])]),
    }
    for name, m in files.items():
        onnx.save(m, out / f"{name}.onnx")

    weights = numpy_helper.from_array(np.arange(4096, dtype=np.float32).reshape(64, 64), "w")
    whole = model([helper.make_node("MatMul", ["x", "w"], ["y"], name="mm")], [tensor("x", [1, 64])],
                  [tensor("y", [1, 64])], [weights]).SerializeToString()
    (out / "truncated.onnx").write_bytes(whole[: len(whole) // 2])
    (out / "not_onnx.onnx").write_text("This is a text file, not an ONNX model.\n")
    print(f"wrote {len(files) + 2} error fixtures to {out}")


if __name__ == "__main__":
    main()
