/// Folds a constant-zero `Pad` of the spatial axes, read only by a `Conv`, into the convolution: the pad's leading
/// positions join the convolution's leading pads (ONNX `pads` begin values), and its trailing ones need nothing,
/// since a convolution's taps past the input read zero. The convolution then reads the unpadded input and the
/// padded copy goes. HT-Demucs's time encoders pad their input to a multiple of the stride so. Returns how many
/// were folded.
@discardableResult
func foldPaddingIntoConvolutions(_ graph: inout Graph) -> Int {
    let readers = Readers(graph)
    let producer = producers(graph)
    var folded = 0
    for index in graph.nodes.indices {
        let conv = graph.nodes[index]
        guard case var .conv(g) = conv.op, let source = producer[conv.inputs[0]],
              case let .pad(begin, end, .constant, fill) = graph.nodes[source].op,
              readers.sole(conv.inputs[0]) == index, fill.dataType == .float32, fill.floats() == [0] else { continue }
        // Batch and channels stay whole.
        let rank = graph.values[conv.inputs[0]].shape.count, spatial = convolutionSpatialAxes(rank: rank)
        guard !spatial.isEmpty, begin.count == rank, end.count == rank,
              (0..<spatial[0]).allSatisfy({ begin[$0] == 0 && end[$0] == 0 }),
              spatial.allSatisfy({ begin[$0] >= 0 && end[$0] >= 0 }) else { continue }
        if rank == 4 {
            (g.padTop, g.inHeight) = (g.padTop + begin[2], g.inHeight - begin[2] - end[2])
        }
        (g.padLeft, g.inWidth) = (g.padLeft + begin[rank - 1], g.inWidth - begin[rank - 1] - end[rank - 1])
        graph.nodes[index].op = .conv(g)
        graph.nodes[index].inputs[0] = graph.nodes[source].inputs[0]
        folded += 1
    }
    if folded > 0 { removeDeadNodes(&graph) }
    return folded
}
