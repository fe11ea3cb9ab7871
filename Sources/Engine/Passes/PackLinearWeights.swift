import Kernels

/// Replaces `.linear` nodes whose weight is a constant by `.packedLinear` nodes reading it packed once here in
/// panels of register-block width (`packLinearWeights`; the original is dropped when nothing else reads it).
/// HT-Demucs's transformer layers run their projections and feed-forward layers through these. Only where
/// `packedLinearBeatsBLAS`, unless `force` (for tests). Returns how many were replaced.
@discardableResult
func packLinearWeights(_ graph: inout Graph, force: Bool = false) -> Int {
    guard packedLinearBeatsBLAS || force else { return 0 }
    var replaced = 0
    for index in graph.nodes.indices {
        let node = graph.nodes[index]
        guard case let .linear(rows, k, n) = node.op, let weight = graph.constants[node.inputs[1]],
              weight.dataType == .float32, weight.elementCount == k * n else { continue }
        let packed = weight.floats().withUnsafeBufferPointer { packLinearWeights($0.baseAddress!, k: k, n: n) }
        let shape = [packed.count]
        let id = graph.addValue(Value(name: graph.values[node.inputs[1]].name + ".packed", dataType: .float32,
                                      shape: shape))
        graph.constants[id] = Tensor(shape: shape, floats: packed)
        graph.nodes[index].op = .packedLinear(rows: rows, k: k, n: n, gelu: false)
        graph.nodes[index].inputs[1] = id
        replaced += 1
    }
    if replaced > 0 { removeDeadNodes(&graph) }
    return replaced
}
