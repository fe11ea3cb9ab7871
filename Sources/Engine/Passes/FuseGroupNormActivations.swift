import Kernels

/// Folds the GELU, or the GLU over the channel axis, that alone reads a `.groupNorm`'s output into that node
/// (`GroupNormActivation`): one pass over memory instead of two. HT-Demucs's residual branches are
/// `Conv → GroupNorm → GELU → Conv → GroupNorm → GLU`. Runs after `fuseGELU`, `fuseGroupNorm` and `fuseGLU`.
@discardableResult
func fuseGroupNormActivations(_ graph: inout Graph) -> Int {
    let readers = Readers(graph)
    var fused = 0
    for index in graph.nodes.indices {
        guard case let .groupNorm(groups, epsilon, .identity, false) = graph.nodes[index].op,
              let next = readers.sole(graph.nodes[index].outputs[0]) else { continue }
        let shape = graph.values[graph.nodes[index].inputs[0]].shape
        let activation: GroupNormActivation
        switch graph.nodes[next].op {
        case .gelu:
            activation = .gelu
        // For an `[N, C, …]` input these extents can only come from a split of axis 1.
        case let .glu(outer, half, inner) where outer == shape[0] && 2 * half == shape[1]
                                                && inner == shape.dropFirst(2).reduce(1, *):
            activation = .glu
        default:
            continue
        }
        graph.nodes[next].op = .groupNorm(groups: groups, epsilon: epsilon, then: activation,
                                          plusScaledResidual: false)
        graph.nodes[next].inputs = graph.nodes[index].inputs
        fused += 1
    }
    if fused > 0 { removeDeadNodes(&graph) }
    return fused
}
