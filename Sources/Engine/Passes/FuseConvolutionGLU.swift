import Kernels

/// Folds the convolution that a channel `.glu` alone reads into that node, so that the convolution's output, twice
/// the GLU's, is never written: HT-Demucs's encoders rewrite their output through `Conv 1×1 (C → 2C) → GLU`, its
/// decoders through `Conv 3×3 or 1-D three-tap (C → 2C) → GLU`. A pointwise convolution with a bias, one group and
/// at most `projectedGLUDepthLimit` input channels becomes `.projectedGLU`; a `.winogradConv` becomes gated
/// (`gatedLinear`). The GLU must split the channel axis of every batch item (`outer` = the batch). Runs after
/// `fuseGLU` and `useWinogradConvolutions`.
@discardableResult
func fuseConvolutionGLU(_ graph: inout Graph) -> Int {
    let readers = Readers(graph)
    let producer = producers(graph)
    var fused = 0
    for index in graph.nodes.indices {
        let glu = graph.nodes[index]
        guard case let .glu(outer, half, _) = glu.op, let convIndex = producer[glu.inputs[0]],
              readers.sole(glu.inputs[0]) == index else { continue }
        switch graph.nodes[convIndex].op {
        case .conv(let g) where g.isPointwise && g.groups == 1 && g.inChannels <= projectedGLUDepthLimit
            && outer == g.batch && 2 * half == g.outChannels && graph.nodes[convIndex].inputs.count == 3:
            graph.nodes[index].op = .projectedGLU
        case .winogradConv(let g, false) where outer == g.batch && 2 * half == g.outChannels:
            graph.nodes[index].op = .winogradConv(g, gatedLinear: true)
        default:
            continue
        }
        graph.nodes[index].inputs = graph.nodes[convIndex].inputs
        fused += 1
    }
    if fused > 0 { removeDeadNodes(&graph) }
    return fused
}
