/// Folds the GELU that alone reads a `.packedLinear`'s output into that node: applied while each block of the
/// output is in registers instead of in another pass over memory. HT-Demucs's transformer feed-forward layers
/// are `Linear → GELU → Linear`. Runs after `fuseGELU` and `packLinearWeights`.
@discardableResult
func fuseLinearGELU(_ graph: inout Graph) -> Int {
    let readers = Readers(graph)
    var fused = 0
    for index in graph.nodes.indices {
        guard case let .packedLinear(rows, k, n, false) = graph.nodes[index].op,
              let next = readers.sole(graph.nodes[index].outputs[0]), case .gelu = graph.nodes[next].op else { continue }
        graph.nodes[next].op = .packedLinear(rows: rows, k: k, n: n, gelu: true)
        graph.nodes[next].inputs = graph.nodes[index].inputs
        fused += 1
    }
    if fused > 0 { removeDeadNodes(&graph) }
    return fused
}
