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

/// `basis` with `window` as its window and its row scales multiplied by λ, when its own window is λ · `window`
/// to within `spectralTolerance` of its largest entry wherever its trig function is not zero for every row; nil
/// otherwise.
func onWindow(_ basis: SpectralBasis, _ window: [Float]) -> SpectralBasis? {
    guard basis.window.count == window.count else { return nil }
    if basis.window == window { return basis }
    let length = window.count
    // Every sine vanishes at n = 0 and n = N/2; there the window multiplies only zeros.
    let informative = (0..<length).filter { basis.trig == .cosine || ($0 != 0 && 2 * $0 != length) }
    let (cross, energy) = informative.reduce((0.0, 0.0)) {
        ($0.0 + Double(basis.window[$1]) * Double(window[$1]), $0.1 + Double(window[$1]) * Double(window[$1]))
    }
    guard energy > 0 else { return nil }
    let scale = cross / energy
    let peak = informative.reduce(0.0) { max($0, abs(Double(basis.window[$1]))) }
    guard informative.allSatisfy({ abs(Double(basis.window[$0]) - scale * Double(window[$0])) <= spectralTolerance * peak })
    else { return nil }
    return SpectralBasis(trig: basis.trig, rowScale: basis.rowScale.map { Float(Double($0) * scale) }, window: window)
}
