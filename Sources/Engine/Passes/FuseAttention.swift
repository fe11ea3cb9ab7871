/// Fuses `MatMul(q, kT) → Softmax(last axis) → MatMul(·, v)` into one `.attention` node that works on blocks of
/// query rows, so the score matrix (8 heads × 2,688 × 2,688 floats, 231 MB, in HT-Demucs) is never stored.
/// The scores and probabilities must have no other reader. Returns how many were fused.
@discardableResult
func fuseAttention(_ graph: inout Graph) -> Int {
    let readers = Readers(graph)
    let producer = producers(graph)
    var fused = 0
    for index in graph.nodes.indices {
        guard case let .matMul(pBatch, vBatch, m, n, dv) = graph.nodes[index].op, pBatch == vBatch,
              let softmaxIndex = producer[graph.nodes[index].inputs[0]],
              case let .softmax(_, length, 1) = graph.nodes[softmaxIndex].op, length == n,
              readers.sole(graph.nodes[softmaxIndex].outputs[0]) == index,
              let scoresIndex = producer[graph.nodes[softmaxIndex].inputs[0]],
              case let .matMul(qBatch, kBatch, m2, d, n2) = graph.nodes[scoresIndex].op,
              qBatch == kBatch, qBatch == pBatch, m2 == m, n2 == n,
              readers.sole(graph.nodes[scoresIndex].outputs[0]) == softmaxIndex else { continue }
        let scores = graph.nodes[scoresIndex]
        graph.nodes[index].op = .attention(batch: pBatch.reduce(1, *), queries: m, keys: n, depth: d, valueDepth: dv)
        graph.nodes[index].inputs = [scores.inputs[0], scores.inputs[1], graph.nodes[index].inputs[1]]
        fused += 1
    }
    if fused > 0 { removeDeadNodes(&graph) }
    return fused
}
