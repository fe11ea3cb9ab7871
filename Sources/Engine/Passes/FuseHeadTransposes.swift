/// Lets attention read its heads where the linear layers put them. Multi-head attention exports as
/// `Reshape([B, T, H, D]) → Transpose(0, 2, 1, 3)` for q and v, `Transpose(0, 2, 3, 1)` for k, a scalar `Mul` on q,
/// and `Transpose(0, 2, 1, 3)` on the result; after `fuseAttention`, this turns such an `.attention` node and its
/// four transposes and the scale into one `.tokenAttention` node over the reshaped (untransposed) values. The
/// transposed intermediates must have no other reader.
@discardableResult
func fuseHeadTransposes(_ graph: inout Graph) -> Int {
    let readers = Readers(graph)
    let producer = producers(graph)
    /// The value a sole-read `Transpose(permutation)` reads, if `id` is one's output.
    func transposed(_ id: Int, _ permutation: [Int]) -> Int? {
        guard let index = producer[id], case .transpose(let p) = graph.nodes[index].op, p == permutation,
              readers.sole(id) != nil else { return nil }
        return graph.nodes[index].inputs[0]
    }
    var fused = 0
    for index in graph.nodes.indices {
        guard case let .attention(pairs, queries, keys, depth, valueDepth) = graph.nodes[index].op else { continue }
        let inputs = graph.nodes[index].inputs
        // q, possibly scaled by a constant: Mul(Transpose(q), c).
        var scale: Float = 1
        var qTransposed = inputs[0]
        if let mulIndex = producer[inputs[0]], case .binary(.mul) = graph.nodes[mulIndex].op,
           readers.sole(inputs[0]) == index {
            let mul = graph.nodes[mulIndex]
            for (x, c) in [(mul.inputs[0], mul.inputs[1]), (mul.inputs[1], mul.inputs[0])] {
                if let value = scalarConstant(graph, c), graph.values[x].shape == graph.values[inputs[0]].shape {
                    (scale, qTransposed) = (value, x)
                    break
                }
            }
        }
        guard let q = transposed(qTransposed, [0, 2, 1, 3]), let k = transposed(inputs[1], [0, 2, 3, 1]),
              let v = transposed(inputs[2], [0, 2, 1, 3]),
              let outIndex = readers.sole(graph.nodes[index].outputs[0]),
              case .transpose([0, 2, 1, 3]) = graph.nodes[outIndex].op else { continue }
        let qShape = graph.values[q].shape, kShape = graph.values[k].shape, vShape = graph.values[v].shape
        guard qShape.count == 4, kShape.count == 4, vShape.count == 4, qShape[0] * qShape[2] == pairs,
              qShape[1] == queries, qShape[3] == depth, kShape == [qShape[0], keys, qShape[2], depth],
              vShape == [qShape[0], keys, qShape[2], valueDepth],
              graph.values[q].dataType == .float32 else { continue }
        graph.nodes[outIndex].op = .tokenAttention(batch: qShape[0], heads: qShape[2], queries: queries, keys: keys,
                                                   depth: depth, valueDepth: valueDepth, scale: scale)
        graph.nodes[outIndex].inputs = [q, k, v]
        fused += 1
    }
    if fused > 0 { removeDeadNodes(&graph) }
    return fused
}
