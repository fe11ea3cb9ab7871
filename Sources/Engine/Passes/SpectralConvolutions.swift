import Foundation
import Kernels

/// Replaces convolutions whose weights are a windowed DFT basis — the conv-based STFT (`Conv1d`) and iSTFT
/// (`ConvTranspose1d`) of HT-Demucs ONNX exports — by `.spectral` ops that compute the same sums with FFTs.
///
/// A weight qualifies when it factors as `W[k][n] = a[k] · w[n] · trig(2π (k·n mod N) / N)` to within
/// `spectralTolerance` of its largest entry (verified entry by entry), with one input channel (STFT) or one
/// output channel (iSTFT), no groups, dilation or bias. The dense weights are dropped. The candidates are
/// factored on all cores at once (each factorisation is a few passes over millions of weights: most of a
/// model's load). Returns how many convolutions were replaced.
@discardableResult
func replaceSpectralConvolutions(_ graph: inout Graph) -> Int {
    var candidates: [(index: Int, analysis: Bool, geometry: ConvGeometry, weight: Tensor, bins: Int)] = []
    for index in graph.nodes.indices {
        let node = graph.nodes[index]
        let geometry: ConvGeometry, analysis: Bool
        switch node.op {
        case .conv(let g): (geometry, analysis) = (g, true)
        case .convTranspose(let g): (geometry, analysis) = (g, false)
        default: continue
        }
        let bins = analysis ? geometry.outChannels : geometry.inChannels
        let length = geometry.kernelWidth
        guard node.inputs.count == 2, geometry.inHeight == 1, geometry.kernelHeight == 1, geometry.groups == 1,
              geometry.dilationWidth == 1, length >= 64, bins <= length / 2 + 1,
              (analysis ? geometry.inChannels : geometry.outChannels) == 1,
              let weight = graph.constants[node.inputs[1]], weight.elementCount == bins * length else { continue }
        candidates.append((index, analysis, geometry, weight, bins))
    }
    // Each factorisation is a few passes over millions of weights: spread them over the cores.
    var bases = [SpectralBasis?](repeating: nil, count: candidates.count)
    bases.withUnsafeMutableBufferPointer { results in
        parallelRanges(candidates.count) { range in
            for i in range {
                let candidate = candidates[i]
                results[i] = factorSpectralBasis(candidate.weight.floats(), bins: candidate.bins,
                                                 length: candidate.geometry.kernelWidth)
            }
        }
    }
    var replaced = 0
    for (candidate, basis) in zip(candidates, bases) {
        guard let basis else { continue }
        graph.nodes[candidate.index].op = .spectral(basis, analysis: candidate.analysis, candidate.geometry)
        graph.nodes[candidate.index].inputs = [graph.nodes[candidate.index].inputs[0]]
        replaced += 1
    }
    if replaced > 0 { removeDeadNodes(&graph) }
    return replaced
}

/// How closely a weight must match its factored form, relative to its largest entry.
let spectralTolerance = 2e-6

/// Factors `W` (`bins × length`, row-major) as a spectral basis, or returns nil when it is not one.
///
/// Alternating least squares on the rank-one factors `a`, `w` for each candidate trig function (a few
/// iterations converge exactly on a true basis), then an entry-by-entry check. The likelier candidate goes first:
/// sine when the first row (`k = 0`, where every sine is 0) holds nothing but rounding noise, so that a sine
/// basis is not first put through every iteration of the cosine fit (a third of the model's load time).
func factorSpectralBasis(_ weights: [Float], bins: Int, length: Int) -> SpectralBasis? {
    let peak = Double(weights.lazy.map { abs($0) }.max() ?? 0)
    guard peak > 0 else { return nil }
    let angles = (0..<length).map { 2 * Double.pi * Double($0) / Double(length) }
    let firstRowVanishes = weights.prefix(length).allSatisfy { Double(abs($0)) <= spectralTolerance * peak }
    for trig in firstRowVanishes ? [SpectralBasis.Trig.sine, .cosine] : [.cosine, .sine] {
        let table = angles.map { trig == .cosine ? cos($0) : sin($0) }
        // T(k, n) = table[(k·n) mod N]
        func forEachEntry(_ body: (_ k: Int, _ n: Int, _ w: Double, _ t: Double) -> Void) {
            for k in 0..<bins {
                var m = 0
                for n in 0..<length {
                    body(k, n, Double(weights[k * length + n]), table[m])
                    m += k
                    if m >= length { m -= length }
                }
            }
        }
        var rows = [Double](repeating: 1, count: bins), window = [Double](repeating: 0, count: length)
        for _ in 0..<4 {
            var num = [Double](repeating: 0, count: length), den = [Double](repeating: 0, count: length)
            forEachEntry { k, n, w, t in
                num[n] += w * rows[k] * t
                den[n] += rows[k] * rows[k] * t * t
            }
            // Where every trig value is zero (sine at n = 0 and N/2) the window is undetermined and the weights
            // hold only rounding noise: take 0 rather than noise divided by ~1e-32.
            let rowEnergy = rows.reduce(0) { $0 + $1 * $1 }
            for n in 0..<length { window[n] = den[n] > 1e-12 * rowEnergy ? num[n] / den[n] : 0 }
            var rowNum = [Double](repeating: 0, count: bins), rowDen = [Double](repeating: 0, count: bins)
            forEachEntry { k, n, w, t in
                rowNum[k] += w * window[n] * t
                rowDen[k] += window[n] * window[n] * t * t
            }
            let windowEnergy = window.reduce(0) { $0 + $1 * $1 }
            for k in 0..<bins { rows[k] = rowDen[k] > 1e-12 * windowEnergy ? rowNum[k] / rowDen[k] : 0 }
            var worst = 0.0
            forEachEntry { k, n, w, t in worst = max(worst, abs(w - rows[k] * window[n] * t)) }
            if worst <= spectralTolerance * peak {
                return SpectralBasis(trig: trig, rowScale: rows.map { Float($0) }, window: window.map { Float($0) })
            }
        }
    }
    return nil
}
