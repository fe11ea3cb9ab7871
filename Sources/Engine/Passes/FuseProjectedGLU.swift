import Kernels

/// Folds the pointwise convolution that a channel `.glu` alone reads into that node (`.projectedGLU`), so that the
/// convolution's output, twice the GLU's, is never written: HT-Demucs's encoders rewrite their output through
/// `Conv 1×1 (C → 2C) → GLU`. Only convolutions with a bias, one group and at most `projectedGLUDepthLimit` input
/// channels qualify, whose GLU splits the channel axis of every batch item (`outer` = the batch).
@discardableResult
func fuseProjectedGLU(_ graph: inout Graph) -> Int {
    let readers = Readers(graph)
    let producer = producers(graph)
    var fused = 0
    for index in graph.nodes.indices {
        let glu = graph.nodes[index]
        guard case let .glu(outer, half, _) = glu.op,
              let convIndex = producer[glu.inputs[0]], case .conv(let g) = graph.nodes[convIndex].op,
              g.isPointwise, g.groups == 1, g.inChannels <= projectedGLUDepthLimit,
              outer == g.batch, 2 * half == g.outChannels,
              graph.nodes[convIndex].inputs.count == 3, readers.sole(glu.inputs[0]) == index else { continue }
        graph.nodes[index].op = .projectedGLU
        graph.nodes[index].inputs = graph.nodes[convIndex].inputs
        fused += 1
    }
    if fused > 0 { removeDeadNodes(&graph) }
    return fused
}
