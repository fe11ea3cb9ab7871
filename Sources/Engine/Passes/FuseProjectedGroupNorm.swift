import Kernels

/// Folds the pointwise convolution that a `.groupNorm` alone reads into that node (`.projectedGroupNorm`), so that
/// the convolution's output is never written: HT-Demucs's residual branches widen a few channels to many
/// (`Conv 1×1 → GroupNorm → GLU → LayerScale → + skip`). Only convolutions with a bias, one group, at most
/// `projectedGroupNormDepthLimit` input channels (the kernel's register blocks read them all, and it gathers their
/// covariance) and at most `projectedGroupNormChannelLimit` output channels qualify. Runs after
/// `fuseGroupNormResiduals`.
@discardableResult
func fuseProjectedGroupNorm(_ graph: inout Graph) -> Int {
    let readers = Readers(graph)
    let producer = producers(graph)
    var fused = 0
    for index in graph.nodes.indices {
        let norm = graph.nodes[index]
        guard case let .groupNorm(groups, epsilon, activation, residual) = norm.op,
              let convIndex = producer[norm.inputs[0]], case .conv(let g) = graph.nodes[convIndex].op,
              g.isPointwise, g.groups == 1, g.inChannels <= projectedGroupNormDepthLimit,
              g.outChannels <= projectedGroupNormChannelLimit,
              graph.nodes[convIndex].inputs.count == 3, readers.sole(norm.inputs[0]) == index else { continue }
        graph.nodes[index].op = .projectedGroupNorm(groups: groups, epsilon: epsilon, then: activation,
                                                    plusScaledResidual: residual, channelMajor: false)
        graph.nodes[index].inputs = graph.nodes[convIndex].inputs + norm.inputs.dropFirst()
        fused += 1
    }
    if fused > 0 { removeDeadNodes(&graph) }
    return fused
}
