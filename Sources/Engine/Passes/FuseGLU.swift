/// Fuses GLU as PyTorch exports it — `Split(x, axis, two halves) → Sigmoid(second) → Mul(first, ·)` — into one
/// `.glu` node. The halves and the sigmoid must have no other reader.
@discardableResult
func fuseGLU(_ graph: inout Graph) -> Int {
    let readers = Readers(graph)
    var fused = 0
    for index in graph.nodes.indices {
        let split = graph.nodes[index]
        guard case let .split(axis, sizes) = split.op, sizes.count == 2, sizes[0] == sizes[1],
              graph.values[split.inputs[0]].dataType == .float32,
              let sigmoidIndex = readers.sole(split.outputs[1]), case .unary(.sigmoid) = graph.nodes[sigmoidIndex].op,
              let mulIndex = readers.sole(graph.nodes[sigmoidIndex].outputs[0]), case .binary(.mul) = graph.nodes[mulIndex].op,
              readers.sole(split.outputs[0]) == mulIndex,
              Set(graph.nodes[mulIndex].inputs) == [split.outputs[0], graph.nodes[sigmoidIndex].outputs[0]] else { continue }
        let shape = graph.values[split.inputs[0]].shape
        graph.nodes[mulIndex].op = .glu(outer: shape[..<axis].reduce(1, *), half: sizes[0],
                                        inner: shape[(axis + 1)...].reduce(1, *))
        graph.nodes[mulIndex].inputs = [split.inputs[0]]
        fused += 1
    }
    if fused > 0 { removeDeadNodes(&graph) }
    return fused
}
