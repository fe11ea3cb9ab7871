import Kernels

/// Runs residual branches that work per item of a channel-major tensor on that tensor itself, instead of on a
/// transposed copy: `X [1, C, N, W] → Transpose(0, 2, 1, 3) → Reshape [N, C, W] → layers → Reshape [1, N, C, W] →
/// Transpose(0, 2, 1, 3)`, where each layer's input is read by a thin convolution (`conv2dReadsAnyLayout`) and as
/// the residual of a projected group norm (whose output is the next layer's input), becomes the same layers
/// reading and writing `[1, C, N, W]` tensors (`.channelMajorConv`, `.projectedGroupNorm` with `channelMajor`; the
/// last one writes the transposed-back value). Two copies of the whole activation fewer per branch: HT-Demucs's
/// frequency encoders and decoders run their residual branches per frequency. Runs after
/// `fuseProjectedGroupNorm`.
@discardableResult
func keepResidualBranchesChannelMajor(_ graph: inout Graph) -> Int {
    let readers = Readers(graph)
    var removed = Set<Int>()
    var rewritten = 0
    // A rewritten branch's back transpose, now gone, must not start another.
    for (index, node) in graph.nodes.enumerated() where !removed.contains(index) {
        guard case .transpose(let permutation) = node.op, permutation == [0, 2, 1, 3] else { continue }
        let source = node.inputs[0], shape = graph.values[source].shape
        guard shape.count == 4, shape[0] == 1, let reshape = readers.sole(node.outputs[0]),
              case .reshape = graph.nodes[reshape].op else { continue }
        let branch = BranchShape(items: shape[2], channels: shape[1], length: shape[3])
        var value = graph.nodes[reshape].outputs[0]
        guard graph.values[value].shape == branch.itemMajor else { continue }
        var layers: [(conv: Int, norm: Int)] = []
        var back: (reshape: Int, transpose: Int)?
        while back == nil, let list = readers.all(value) {
            if let layer = residualLayer(graph, reading: value, readers: list, branch) {
                layers.append(layer)
                value = graph.nodes[layer.norm].outputs[0]
                continue
            }
            guard !layers.isEmpty, list.count == 1, case .reshape = graph.nodes[list[0]].op,
                  let transpose = readers.sole(graph.nodes[list[0]].outputs[0]),
                  case .transpose(let inverse) = graph.nodes[transpose].op, inverse == [0, 2, 1, 3],
                  graph.values[graph.nodes[transpose].outputs[0]].shape == shape else { break }
            back = (list[0], transpose)
        }
        guard let back else { continue }
        var input = source
        for layer in layers {
            guard case .conv(let g) = graph.nodes[layer.conv].op,
                  case let .projectedGroupNorm(groups, epsilon, activation, true, false) = graph.nodes[layer.norm].op
            else { preconditionFailure("checked by residualLayer") }
            graph.nodes[layer.conv].op = .channelMajorConv(g)
            graph.nodes[layer.conv].inputs[0] = input
            graph.nodes[layer.norm].op = .projectedGroupNorm(groups: groups, epsilon: epsilon, then: activation,
                                                             plusScaledResidual: true, channelMajor: true)
            graph.nodes[layer.norm].inputs[6] = input
            input = graph.nodes[layer.norm].outputs[0]
            graph.values[input].shape = shape
        }
        graph.nodes[layers[layers.count - 1].norm].outputs[0] = graph.nodes[back.transpose].outputs[0]
        removed.formUnion([back.reshape, back.transpose])
        rewritten += 1
    }
    guard rewritten > 0 else { return 0 }
    graph.nodes = graph.nodes.indices.filter { !removed.contains($0) }.map { graph.nodes[$0] }
    removeDeadNodes(&graph)
    return rewritten
}

/// The per-item view `[items, channels, length]` of a channel-major `[1, channels, items, length]` tensor.
private struct BranchShape {
    let items: Int, channels: Int, length: Int

    var itemMajor: [Int] { [items, channels, length] }
}

/// The layer that reads `value` when its readers are exactly a thin convolution of its items (as input) and a
/// projected group norm with a scaled residual (as that residual, the norm's output shaped like `value`).
private func residualLayer(_ graph: Graph, reading value: Int, readers: [Int],
                           _ branch: BranchShape) -> (conv: Int, norm: Int)? {
    guard readers.count == 2 else { return nil }
    var conv: Int?, norm: Int?
    for index in readers {
        let node = graph.nodes[index]
        switch node.op {
        case .conv(let g) where node.inputs.firstIndex(of: value) == 0 && node.inputs.lastIndex(of: value) == 0
            && g.batch == branch.items && g.inChannels == branch.channels && g.inHeight == 1
            && g.inWidth == branch.length && conv2dReadsAnyLayout(g):
            conv = index
        case .projectedGroupNorm(_, _, _, true, false) where node.inputs.count == 7
            && node.inputs.firstIndex(of: value) == 6 && graph.values[node.outputs[0]].shape == branch.itemMajor:
            norm = index
        default:
            return nil
        }
    }
    guard let conv, let norm else { return nil }
    return (conv, norm)
}
