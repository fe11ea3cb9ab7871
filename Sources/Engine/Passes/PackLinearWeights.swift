import Kernels

/// Replaces `.linear` nodes whose weight is a constant by `.packedLinear` nodes reading it packed once here in
/// panels of register-block width (`packLinearWeights`); HT-Demucs's transformer layers run their projections and
/// feed-forward layers through these. An original nothing else reads is dropped as soon as its copy exists
/// (`replaceWeight`), so the load never holds both sets (the transformer's weights are 126 MB). Only where
/// `packedLinearBeatsBLAS`. Returns how many were replaced.
@discardableResult
func packLinearWeights(_ graph: inout Graph) -> Int {
    guard packedLinearBeatsBLAS else { return 0 }
    let readers = Readers(graph)
    var replaced = 0
    for index in graph.nodes.indices {
        let node = graph.nodes[index]
        guard case let .linear(rows, k, n) = node.op, let weight = graph.constants[node.inputs[1]],
              weight.dataType == .float32, weight.elementCount == k * n else { continue }
        let packed = Tensor(zeros: .float32, shape: [packedLinearWeightCount(k: k, n: n)])
        packLinearWeights(weight.rawPointer.assumingMemoryBound(to: Float.self), k: k, n: n,
                          into: packed.rawPointer.assumingMemoryBound(to: Float.self))
        graph.nodes[index].op = .packedLinear(rows: rows, k: k, n: n, gelu: false)
        replaceWeight(&graph, node: index, input: 1, with: packed, suffix: ".packed", readers: readers)
        replaced += 1
    }
    if replaced > 0 { removeDeadNodes(&graph) }
    return replaced
}
