import Kernels

/// Replaces `.linear` nodes whose weight is a constant by `.packedLinear` nodes reading it packed once here in
/// panels of register-block width (`packLinearWeights`). An original nothing else reads is dropped as soon as
/// its copy exists, so the load never holds both sets (HT-Demucs's transformer weights are 126 MB).
/// HT-Demucs's transformer layers run their projections and feed-forward layers through these. Only where
/// `packedLinearBeatsBLAS`, unless `force` (for tests). Returns how many were replaced.
@discardableResult
func packLinearWeights(_ graph: inout Graph, force: Bool = false) -> Int {
    guard packedLinearBeatsBLAS || force else { return 0 }
    let readers = Readers(graph)
    var replaced = 0
    for index in graph.nodes.indices {
        let node = graph.nodes[index]
        guard case let .linear(rows, k, n) = node.op, let weight = graph.constants[node.inputs[1]],
              weight.dataType == .float32, weight.elementCount == k * n else { continue }
        let shape = [packedLinearWeightCount(k: k, n: n)]
        let packed = Tensor(zeros: .float32, shape: shape)
        packLinearWeights(weight.rawPointer.assumingMemoryBound(to: Float.self), k: k, n: n,
                          into: packed.rawPointer.assumingMemoryBound(to: Float.self))
        let id = graph.addValue(Value(name: graph.values[node.inputs[1]].name + ".packed", dataType: .float32,
                                      shape: shape))
        graph.constants[id] = packed
        graph.nodes[index].op = .packedLinear(rows: rows, k: k, n: n, gelu: false)
        graph.nodes[index].inputs[1] = id
        if readers.sole(node.inputs[1]) == index { graph.constants[node.inputs[1]] = nil }
        replaced += 1
    }
    if replaced > 0 { removeDeadNodes(&graph) }
    return replaced
}
