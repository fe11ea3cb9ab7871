/// Removes the transposes around a one-group GroupNorm on a channels-last tensor — `Transpose(0, 2, 1) →
/// GroupNorm(1 group) → Transpose(0, 2, 1)`, how HT-Demucs normalises each transformer layer's output — making
/// one `.channelsLastGroupNorm` node on the untransposed tensor (the statistics do not depend on the layout).
/// The intermediates must have no other reader. Run after `fuseGroupNorm`.
@discardableResult
func fuseChannelsLastGroupNorm(_ graph: inout Graph) -> Int {
    let readers = Readers(graph)
    let producer = producers(graph)
    var fused = 0
    for index in graph.nodes.indices {
        guard case let .groupNorm(1, epsilon, .identity, false) = graph.nodes[index].op else { continue }
        let norm = graph.nodes[index]
        guard let inIndex = producer[norm.inputs[0]], case .transpose([0, 2, 1]) = graph.nodes[inIndex].op,
              readers.sole(norm.inputs[0]) == index,
              let outIndex = readers.sole(norm.outputs[0]), case .transpose([0, 2, 1]) = graph.nodes[outIndex].op,
              graph.values[norm.outputs[0]].dataType == .float32 else { continue }
        graph.nodes[outIndex].op = .channelsLastGroupNorm(epsilon: epsilon)
        graph.nodes[outIndex].inputs = [graph.nodes[inIndex].inputs[0], norm.inputs[1], norm.inputs[2]]
        fused += 1
    }
    if fused > 0 { removeDeadNodes(&graph) }
    return fused
}
