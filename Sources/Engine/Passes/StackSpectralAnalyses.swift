import Kernels

/// Replaces a `Concat` along axis 1 of spectral analyses (`.spectral` STFTs, each reshaped to `[batch, 1, bins,
/// frames]`, that nothing else reads) of one input with one geometry and proportional windows by one
/// `.spectralAnalysisStack`, which computes each frame's FFT once for all of them and writes the concatenation
/// directly; a `Slice` of the concatenation's frames that alone reads it is folded in too. HT-Demucs's exported
/// STFT computes its cosine and sine halves as two convolutions, concatenates them and drops two frames at each
/// end. Bases are rescaled onto the first one's window as `sumSpectralSyntheses` does. Returns how many
/// concatenations were replaced.
@discardableResult
func stackSpectralAnalyses(_ graph: inout Graph) -> Int {
    let readers = Readers(graph)
    let producer = producers(graph)
    var stacked = 0
    for (index, node) in graph.nodes.enumerated() {
        guard case .concat(axis: 1) = node.op, node.inputs.count > 1, Set(node.inputs).count == node.inputs.count
        else { continue }
        let shape = graph.values[node.outputs[0]].shape
        guard shape.count == 4 else { continue }
        let analyses = node.inputs.compactMap { part -> (SpectralBasis, ConvGeometry, Int)? in
            guard readers.sole(part) == index, graph.values[part].shape == [shape[0], 1, shape[2], shape[3]],
                  let reshape = producer[part], case .reshape = graph.nodes[reshape].op,
                  let source = graph.nodes[reshape].inputs.first, readers.sole(source) == reshape,
                  let analysis = producer[source], case let .spectral(basis, true, g) = graph.nodes[analysis].op
            else { return nil }
            return (basis, g, graph.nodes[analysis].inputs[0])
        }
        guard analyses.count == node.inputs.count,
              analyses.allSatisfy({ $0.1 == analyses[0].1 && $0.2 == analyses[0].2 }) else { continue }
        let window = analyses[0].0.window
        let bases = analyses.compactMap { onWindow($0.0, window) }
        guard bases.count == analyses.count, bases.allSatisfy({ $0.bins == shape[2] }),
              analyses[0].1.outWidth == shape[3] else { continue }
        // A slice of the frames alone (unit steps, every other axis whole) is folded in.
        var target = index, frames = 0..<shape[3]
        if let next = readers.sole(node.outputs[0]), case let .slice(starts, steps) = graph.nodes[next].op,
           starts.count == 4, starts[0..<3].allSatisfy({ $0 == 0 }), steps.allSatisfy({ $0 == 1 }),
           Array(graph.values[graph.nodes[next].outputs[0]].shape.prefix(3)) == Array(shape.prefix(3)) {
            let count = graph.values[graph.nodes[next].outputs[0]].shape[3]
            target = next
            frames = starts[3] ..< starts[3] + count
        }
        graph.nodes[target].op = .spectralAnalysisStack(bases, analyses[0].1, frames: frames)
        graph.nodes[target].inputs = [analyses[0].2]
        stacked += 1
    }
    if stacked > 0 { removeDeadNodes(&graph) }
    return stacked
}
