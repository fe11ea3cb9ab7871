/// Folds a `.gelu` whose output only an `Add` reads, with an operand of the same shape, into that node: the
/// residual sum is taken as the GELU is written (`gelu(x) + r`), instead of the GELU being written, read back and
/// written again. HT-Demucs's decoders end `ConvTranspose → GELU`, and the next decoder starts by adding its skip.
/// Runs after `fuseGELU` and `fuseLinearGELU`.
@discardableResult
func fuseGELUResiduals(_ graph: inout Graph) -> Int {
    let readers = Readers(graph)
    let producer = producers(graph)
    var fused = 0
    for index in graph.nodes.indices {
        let add = graph.nodes[index]
        guard case .binary(.add) = add.op, add.inputs.count == 2, add.inputs[0] != add.inputs[1] else { continue }
        for (operand, other) in [(0, 1), (1, 0)] {
            let x = add.inputs[operand], r = add.inputs[other]
            guard let geluIndex = producer[x], case .gelu = graph.nodes[geluIndex].op, readers.sole(x) == index,
                  graph.values[r].shape == graph.values[x].shape,
                  graph.values[r].dataType == .float32 else { continue }
            graph.nodes[index].op = .geluPlusResidual
            graph.nodes[index].inputs = [graph.nodes[geluIndex].inputs[0], r]
            fused += 1
            break
        }
    }
    if fused > 0 { removeDeadNodes(&graph) }
    return fused
}
