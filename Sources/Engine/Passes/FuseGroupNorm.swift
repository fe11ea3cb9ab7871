/// Fuses GroupNorm as PyTorch exports it — `Reshape([N, G, −1]) → InstanceNormalization(scale 1, bias 0) →
/// Reshape(back) → Mul(γ per channel) → Add(β per channel)` — into one `.groupNorm` node. The intermediates
/// must have no other reader; γ and β must be constants that vary along the channel axis only.
@discardableResult
func fuseGroupNorm(_ graph: inout Graph) -> Int {
    let readers = Readers(graph)
    let producer = producers(graph)
    func all(_ id: Int, equal value: Float) -> Bool {
        guard let tensor = graph.constants[id], tensor.dataType == .float32 else { return false }
        return tensor.floats().allSatisfy { $0 == value }
    }
    var fused = 0
    for index in graph.nodes.indices {
        let norm = graph.nodes[index]
        guard case .instanceNorm(let epsilon) = norm.op, all(norm.inputs[1], equal: 1), all(norm.inputs[2], equal: 0),
              let reshapeIndex = producer[norm.inputs[0]], case .reshape = graph.nodes[reshapeIndex].op,
              readers.sole(norm.inputs[0]) == index else { continue }
        let x = graph.nodes[reshapeIndex].inputs[0]
        let shape = graph.values[x].shape
        let grouped = graph.values[norm.inputs[0]].shape
        guard shape.count >= 2, grouped.count == 3, grouped[0] == shape[0], grouped[1] > 0, shape[1] % grouped[1] == 0,
              let backIndex = readers.sole(norm.outputs[0]), case .reshape = graph.nodes[backIndex].op,
              graph.values[graph.nodes[backIndex].outputs[0]].shape == shape,
              let mulIndex = readers.sole(graph.nodes[backIndex].outputs[0]), case .binary(.mul) = graph.nodes[mulIndex].op,
              graph.nodes[mulIndex].inputs[0] == graph.nodes[backIndex].outputs[0],
              holdsValues(graph, graph.nodes[mulIndex].inputs[1], along: 1, of: shape),
              let addIndex = readers.sole(graph.nodes[mulIndex].outputs[0]), case .binary(.add) = graph.nodes[addIndex].op,
              graph.nodes[addIndex].inputs[0] == graph.nodes[mulIndex].outputs[0],
              holdsValues(graph, graph.nodes[addIndex].inputs[1], along: 1, of: shape),
              graph.values[graph.nodes[addIndex].outputs[0]].shape == shape else { continue }
        graph.nodes[addIndex].op = .groupNorm(groups: grouped[1], epsilon: epsilon, then: .identity, plusScaledResidual: false)
        graph.nodes[addIndex].inputs = [x, graph.nodes[mulIndex].inputs[1], graph.nodes[addIndex].inputs[1]]
        fused += 1
    }
    if fused > 0 { removeDeadNodes(&graph) }
    return fused
}
