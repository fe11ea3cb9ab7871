"""Writes the fuzzer's seed corpus (Fuzz/corpus) from the test fixtures.

Seeds: every per-op fixture model (Tests/Fixtures/ops/*/model.onnx), the bad-model fixtures
(Tests/Fixtures/errors), and a skeleton of the tiny HT-Demucs export (Tests/Fixtures/tiny-htdemucs):
the same 2,997 nodes, with every weight of more than 16 elements replaced by a ConstantOfShape node of
its shape and every name shortened, so the whole real graph reaches the loader in a small file.

Run from the repository root with the tools' venv: .venv/bin/python Fuzz/make_seeds.py
"""
import glob
import os
import shutil

import numpy as np
import onnx
from onnx import helper, numpy_helper

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "Fuzz", "corpus")


def skeleton(path):
    """The model at `path` with its large initializers made by ConstantOfShape, doc strings dropped."""
    model = onnx.load(path)
    graph = model.graph
    kept, made = [], []
    for tensor in graph.initializer:
        array = numpy_helper.to_array(tensor)
        if array.size <= 16 or array.dtype != np.float32:
            kept.append(tensor)
            continue
        shape = numpy_helper.from_array(np.array(array.shape, dtype=np.int64), tensor.name + "__shape")
        kept.append(shape)
        made.append(helper.make_node("ConstantOfShape", [shape.name], [tensor.name],
                                     value=numpy_helper.from_array(np.array([0.01], dtype=np.float32))))
    del graph.initializer[:]
    graph.initializer.extend(kept)
    nodes = made + list(graph.node)
    del graph.node[:]
    graph.node.extend(nodes)
    shorten_names(graph)
    model.doc_string = ""
    return model


def shorten_names(graph):
    """Renames nodes and inner values to short names and drops doc strings (the exporter's names are long)."""
    keep = {value.name for value in list(graph.input) + list(graph.output)}
    names = {}

    def short(name):
        if name == "" or name in keep:
            return name
        return names.setdefault(name, format(len(names), "x"))

    for tensor in graph.initializer:
        tensor.name = short(tensor.name)
    for index, node in enumerate(graph.node):
        node.name = "n" + format(index, "x")
        node.doc_string = ""
        node.input[:] = [short(name) for name in node.input]
        node.output[:] = [short(name) for name in node.output]
    del graph.value_info[:]


def main():
    shutil.rmtree(CORPUS, ignore_errors=True)
    os.makedirs(CORPUS)
    for path in sorted(glob.glob(os.path.join(ROOT, "Tests/Fixtures/ops/*/model.onnx"))):
        name = os.path.basename(os.path.dirname(path))
        shutil.copy(path, os.path.join(CORPUS, "op-" + name + ".onnx"))
    for path in sorted(glob.glob(os.path.join(ROOT, "Tests/Fixtures/errors/*.onnx"))):
        shutil.copy(path, os.path.join(CORPUS, "error-" + os.path.basename(path)))
    tiny = skeleton(os.path.join(ROOT, "Tests/Fixtures/tiny-htdemucs/model.onnx"))
    onnx.save(tiny, os.path.join(CORPUS, "tiny-htdemucs-skeleton.onnx"))


if __name__ == "__main__":
    main()
