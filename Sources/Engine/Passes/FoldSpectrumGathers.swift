/// Folds the `Gather`s that take a sum of spectral syntheses' spectra out of one tensor into the sum
/// (`.spectralSynthesisSum` with `stacked`): HT-Demucs's iSTFT splits its `[items, 2, bins, frames]` spectrum into
/// real and imaginary halves with two `Gather`s on axis 1, copying 22 MB each a segment, which the synthesis can
/// read in place. Every input of the sum must be such a gather, with one constant index, of the same tensor, with
/// no other reader. Runs after `sumSpectralSyntheses`. Returns how many sums were changed.
@discardableResult
func foldSpectrumGathers(_ graph: inout Graph) -> Int {
    let readers = Readers(graph)
    let producer = producers(graph)
    var folded = 0
    for index in graph.nodes.indices {
        guard case let .spectralSynthesisSum(bases, g, nil) = graph.nodes[index].op else { continue }
        let picks = graph.nodes[index].inputs.compactMap { input -> (source: Int, index: Int)? in
            guard let gatherIndex = producer[input], case .gather(axis: 1) = graph.nodes[gatherIndex].op,
                  readers.sole(input) == index, let picked = graph.constants[graph.nodes[gatherIndex].inputs[1]],
                  picked.dataType == .int64, picked.shape.isEmpty else { return nil }
            let source = graph.nodes[gatherIndex].inputs[0], shape = graph.values[source].shape
            let at = Int(picked.int64s()[0])
            guard shape.count == 4, shape[0] == g.batch, shape[3] == g.inWidth, at >= -shape[1], at < shape[1]
            else { return nil }
            return (source, at < 0 ? at + shape[1] : at)
        }
        guard picks.count == bases.count, Set(picks.map(\.source)).count == 1,
              zip(bases, picks).allSatisfy({ $0.bins == graph.values[$1.source].shape[2] }) else { continue }
        graph.nodes[index].op = .spectralSynthesisSum(bases, g, stacked: picks.map(\.index))
        graph.nodes[index].inputs = [picks[0].source]
        folded += 1
    }
    if folded > 0 { removeDeadNodes(&graph) }
    return folded
}
