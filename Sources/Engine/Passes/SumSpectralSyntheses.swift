import Kernels

/// Replaces `Add(a, b)` of two spectral syntheses (`.spectral` iSTFTs, or sums this pass already made) with one
/// geometry and proportional windows, that nothing else reads, by one `.spectralSynthesisSum`: the syntheses are
/// linear in their spectra and overlap-add frames under the same window, so their sum is one inverse FFT per frame
/// of both spectra together. HT-Demucs's exported iSTFT adds the syntheses of its real and imaginary halves.
///
/// Factoring leaves each basis's window with its own scale (and a sine basis's window undetermined where every
/// sine vanishes), so the second operand's bases are rescaled onto the first's window when they match it to within
/// `spectralTolerance`. Returns how many additions were replaced.
@discardableResult
func sumSpectralSyntheses(_ graph: inout Graph) -> Int {
    var summed = 0
    // A sum can feed a later one, so the readers and producers are recomputed after each replacement.
    while let (index, terms) = nextSpectralSum(graph) {
        graph.nodes[index].op = .spectralSynthesisSum(terms.flatMap(\.bases), terms[0].geometry, stacked: nil)
        graph.nodes[index].inputs = terms.flatMap(\.inputs)
        removeDeadNodes(&graph)
        summed += 1
    }
    return summed
}

/// One operand of a sum of syntheses: the bases it synthesises from, their inputs, and its geometry.
private struct SynthesisTerm {
    let bases: [SpectralBasis]
    let inputs: [Int]
    let geometry: ConvGeometry
}

/// The first float `Add` whose two operands are fusable syntheses, with those syntheses.
private func nextSpectralSum(_ graph: Graph) -> (Int, [SynthesisTerm])? {
    let readers = Readers(graph)
    let producer = producers(graph)
    for (index, node) in graph.nodes.enumerated() {
        guard case .binary(.add) = node.op, node.inputs.count == 2, node.inputs[0] != node.inputs[1],
              graph.values[node.outputs[0]].dataType == .float32 else { continue }
        let terms = node.inputs.compactMap { operand -> SynthesisTerm? in
            guard let source = producer[operand], readers.sole(operand) == index,
                  graph.values[operand].shape == graph.values[node.outputs[0]].shape else { return nil }
            return synthesisTerm(graph.nodes[source])
        }
        guard terms.count == 2 else { continue }
        let (g, h) = (terms[0].geometry, terms[1].geometry)
        let window = terms[0].bases[0].window
        guard g.batch == h.batch, g.inWidth == h.inWidth, g.strideWidth == h.strideWidth, g.padLeft == h.padLeft,
              g.outWidth == h.outWidth else { continue }
        let rescaled = terms[1].bases.compactMap { onWindow($0, window) }
        guard rescaled.count == terms[1].bases.count else { continue }
        return (index, [terms[0], SynthesisTerm(bases: rescaled, inputs: terms[1].inputs, geometry: h)])
    }
    return nil
}

/// The node as a term of a sum of syntheses, if it is a spectral synthesis or a sum of them.
private func synthesisTerm(_ node: Node) -> SynthesisTerm? {
    switch node.op {
    case let .spectral(basis, analysis, g) where !analysis: SynthesisTerm(bases: [basis], inputs: node.inputs, geometry: g)
    case let .spectralSynthesisSum(bases, g, nil): SynthesisTerm(bases: bases, inputs: node.inputs, geometry: g)
    default: nil
    }
}
