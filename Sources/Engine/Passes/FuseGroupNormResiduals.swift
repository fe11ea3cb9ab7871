/// Folds the `.scaledAdd` that alone reads a `.groupNorm`'s output (as its scaled operand) into that node: the
/// normalised, activated values are scaled and added to the residual as they are written, instead of being
/// written, read back and written again. HT-Demucs's residual branches end `GroupNorm → GLU → LayerScale →
/// + skip`. Runs after `fuseGroupNormActivations` and `fuseScaledAdd`.
@discardableResult
func fuseGroupNormResiduals(_ graph: inout Graph) -> Int {
    let readers = Readers(graph)
    let producer = producers(graph)
    var fused = 0
    for index in graph.nodes.indices {
        let add = graph.nodes[index]
        guard case let .scaledAdd(outer, channels, inner) = add.op, let normIndex = producer[add.inputs[0]],
              case let .groupNorm(groups, epsilon, activation, false) = graph.nodes[normIndex].op,
              readers.sole(add.inputs[0]) == index, add.inputs[2] != add.inputs[0] else { continue }
        // The scale must run along the normalised output's channel axis.
        let shape = graph.values[add.inputs[0]].shape
        guard shape.count >= 2, outer == shape[0], channels == shape[1],
              inner == shape.dropFirst(2).reduce(1, *) else { continue }
        graph.nodes[index].op = .groupNorm(groups: groups, epsilon: epsilon, then: activation,
                                           plusScaledResidual: true)
        graph.nodes[index].inputs = graph.nodes[normIndex].inputs + [add.inputs[1], add.inputs[2]]
        fused += 1
    }
    if fused > 0 { removeDeadNodes(&graph) }
    return fused
}
