#!/usr/bin/env python3
"""Summarise ONNX file(s): inputs/outputs, node count, op histogram, attributes, dtypes.

Lists what an engine loading the graph must support: every op type with its input-dtype
signatures (from ONNX shape inference) and the distinct attribute values it is used with, and the
op histogram of the data-side nodes, those left once everything that depends only on constants and
the (static) input shape is folded.
"""

import argparse
import sys
from collections import Counter, defaultdict
from pathlib import Path

import onnx
from onnx import helper, numpy_helper, shape_inference

# Attributes whose distinct values are listed per op type.
_LISTED_ATTRIBUTES = {"mode", "fmod", "axis", "axes", "keepdims", "epsilon", "group",
                      "dilations", "strides", "pads", "kernel_shape", "perm", "split", "value",
                      "noop_with_empty_axes", "approximate", "stash_type", "reduction",
                      "output_padding", "auto_pad", "allowzero", "transA", "transB", "onesided"}
_SHAPE_ONLY = {"Shape", "Size"}  # their output depends on the input's static shape only


def _dtype(elem_type: int) -> str:
    return helper.tensor_dtype_to_np_dtype(elem_type).name if elem_type else "?"


def _attribute_text(attribute: onnx.AttributeProto) -> str:
    value = helper.get_attribute_value(attribute)
    if isinstance(value, onnx.TensorProto):
        array = numpy_helper.to_array(value)
        return f"{array.dtype.name}{list(array.shape)}" + (f"={array.ravel().tolist()}" if array.size <= 4 else "")
    if isinstance(value, bytes):
        return value.decode()
    if isinstance(value, list) and len(value) > 8:
        return f"[{len(value)} values]"
    return str(value)


def _histogram(counter: Counter) -> str:
    return ", ".join(f"{op} {count}" for op, count in counter.most_common())


def summarise(path: Path) -> None:
    model = onnx.load(str(path))
    graph = model.graph
    inferred = shape_inference.infer_shapes(model).graph
    types = {v.name: v.type.tensor_type.elem_type
             for v in list(inferred.value_info) + list(inferred.input) + list(inferred.output)}
    types |= {t.name: t.data_type for t in graph.initializer}
    constants = Counter(_dtype(t.data_type) for t in graph.initializer)
    for node in graph.node:
        if node.op_type == "Constant":
            tensor = next(a.t for a in node.attribute if a.name == "value")
            types[node.output[0]] = tensor.data_type
            constants[_dtype(tensor.data_type)] += 1

    ops = Counter(node.op_type for node in graph.node)
    signatures: dict[str, Counter] = defaultdict(Counter)
    attributes: dict[str, Counter] = defaultdict(Counter)
    data_side = {i.name for i in graph.input} - {t.name for t in graph.initializer}
    data_ops: Counter = Counter()
    for node in graph.node:
        inputs = [_dtype(types.get(i, 0)) if i else "-" for i in node.input]
        if node.op_type == "Cast":
            to = next(a.i for a in node.attribute if a.name == "to")
            signatures["Cast"][f"{inputs[0]}->{_dtype(to)}"] += 1
        else:
            signatures[node.op_type]["(" + ", ".join(inputs) + ")"] += 1
        for attribute in node.attribute:
            if attribute.name in _LISTED_ATTRIBUTES and node.op_type != "Constant":
                attributes[node.op_type][f"{attribute.name}={_attribute_text(attribute)}"] += 1
        if node.op_type not in _SHAPE_ONLY and any(i in data_side for i in node.input):
            data_side.update(node.output)
            data_ops[node.op_type] += 1

    def describe(values) -> str:
        return ", ".join(f"{v.name} {_dtype(v.type.tensor_type.elem_type)} "
                         f"{[d.dim_value or d.dim_param for d in v.type.tensor_type.shape.dim]}"
                         for v in values)

    weight_bytes = sum(numpy_helper.to_array(t).nbytes for t in graph.initializer)
    opsets = ", ".join(f"{o.domain or 'ai.onnx'} {o.version}" for o in model.opset_import)
    print(f"{path}: {path.stat().st_size / 2**20:.1f} MiB, IR {model.ir_version}, opset {opsets}")
    print(f"  inputs:  {describe(graph.input)}")
    print(f"  outputs: {describe(graph.output)}")
    print(f"  nodes: {len(graph.node)}; initializers: {len(graph.initializer)} "
          f"({weight_bytes / 2**20:.1f} MiB); constant dtypes (initializers + Constant nodes): "
          f"{dict(constants)}")
    print(f"  op histogram: {_histogram(ops)}")
    print(f"  data-side nodes (left after folding): {sum(data_ops.values())}: {_histogram(data_ops)}")
    print("  per op: input dtype signatures; attribute values (× count)")
    for op, _ in ops.most_common():
        listed = ", ".join(f"{k}×{v}" for k, v in sorted(attributes[op].items()))
        typed = ", ".join(f"{k}×{v}" for k, v in signatures[op].most_common())
        print(f"    {op}: {typed}" + (f"; {listed}" if listed else ""))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", type=Path, nargs="+", help="ONNX files")
    for path in parser.parse_args().files:
        summarise(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
