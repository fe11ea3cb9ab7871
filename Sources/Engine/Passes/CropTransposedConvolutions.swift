/// Folds a `Slice` that crops the spatial axes of a `ConvTranspose`'s output, and alone reads it, into the
/// transposed convolution: its output then starts at the slice's first position (a larger leading pad, as ONNX
/// `pads` crop) and has the slice's extent, so the cropped rows are never written and the copy goes. HT-Demucs's
/// decoders upsample with a `ConvTranspose` and trim its edges with a `Slice`. Returns how many were folded.
@discardableResult
func cropTransposedConvolutions(_ graph: inout Graph) -> Int {
    let readers = Readers(graph)
    let producer = producers(graph)
    var folded = 0
    for index in graph.nodes.indices {
        let slice = graph.nodes[index]
        guard case let .slice(starts, steps) = slice.op, let source = producer[slice.inputs[0]],
              case var .convTranspose(g) = graph.nodes[source].op, readers.sole(slice.inputs[0]) == index,
              steps.allSatisfy({ $0 == 1 }) else { continue }
        let full = graph.values[slice.inputs[0]].shape, cropped = graph.values[slice.outputs[0]].shape
        // Batch and channels stay whole.
        let spatial = convolutionSpatialAxes(rank: full.count)
        guard !spatial.isEmpty, starts.count == full.count, cropped.count == full.count,
              (0..<spatial[0]).allSatisfy({ starts[$0] == 0 && cropped[$0] == full[$0] }) else { continue }
        if full.count == 4 {
            (g.padTop, g.outHeight) = (g.padTop + starts[2], cropped[2])
            (g.padLeft, g.outWidth) = (g.padLeft + starts[3], cropped[3])
        } else {
            (g.padLeft, g.outWidth) = (g.padLeft + starts[2], cropped[2])
        }
        graph.nodes[index].op = .convTranspose(g)
        graph.nodes[index].inputs = graph.nodes[source].inputs
        folded += 1
    }
    if folded > 0 { removeDeadNodes(&graph) }
    return folded
}
