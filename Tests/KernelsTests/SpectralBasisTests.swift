import Foundation
import Kernels
import XCTest

/// `spectralAnalysis` / `spectralSynthesis` against the dense convolutions they replace, computed in float64.
final class SpectralBasisTests: XCTestCase {
    /// A basis like an exporter writes: `a[k] · w[n] · trig(2π k n / N)` as a dense `bins × N` array.
    private func denseBasis(_ trig: SpectralBasis.Trig, rows: [Double], window: [Double]) -> [Double] {
        let n = window.count
        return rows.indices.flatMap { k in
            (0..<n).map { i in
                let angle = 2 * Double.pi * Double((k * i) % n) / Double(n)
                return rows[k] * window[i] * (trig == .cosine ? cos(angle) : sin(angle))
            }
        }
    }

    private func hann(_ n: Int) -> [Double] { (0..<n).map { 0.5 - 0.5 * cos(2 * Double.pi * Double($0) / Double(n)) } }

    /// Frame lengths: 64 runs its FFTs in lanes (`RealFFTPlan.runsInLanes`), 63 one frame at a time.
    private let lengths = [64, 63]

    func testAnalysisMatchesTheDenseStridedConvolution() {
        // 37 frames: two groups of 16 frames transposed in squares and a partial group.
        let hop = 16, inLength = 640, padLeft = 5, batch = 3
        for n in lengths {
            XCTAssertEqual(RealFFTPlan(length: n).runsInLanes, n == 64)
            for (trig, bins) in [(SpectralBasis.Trig.cosine, min(33, n / 2 + 1)), (.sine, 32)] {
                let rows = (0..<bins).map { 0.125 + Double($0 % 3) }
                let window = hann(n)
                let dense = denseBasis(trig, rows: rows, window: window)
                let basis = SpectralBasis(trig: trig, rowScale: rows.map(Float.init), window: window.map(Float.init))
                let frames = (inLength + padLeft - n) / hop + 1
                let x = (0..<(batch * inLength)).map { Float(sin(Double($0) * 0.37) + 0.1 * cos(Double($0) * 1.9)) }
                var out = [Float](repeating: 0, count: batch * bins * frames)
                var scratch = [Float](repeating: 0, count: basis.scratchCount)
                spectralAnalysis([basis], x: x, batch: batch, inLength: inLength, stride: hop, padLeft: padLeft,
                                 frames: 0..<frames, out: &out, scratch: &scratch)
                for b in 0..<batch {
                    for k in 0..<bins {
                        for f in 0..<frames {
                            var expected = 0.0, magnitude = 0.0
                            for i in 0..<n {
                                let t = f * hop - padLeft + i
                                guard t >= 0 && t < inLength else { continue }
                                expected += dense[k * n + i] * Double(x[b * inLength + t])
                                magnitude += abs(dense[k * n + i] * Double(x[b * inLength + t]))
                            }
                            XCTAssertEqual(Double(out[(b * bins + k) * frames + f]), expected,
                                           accuracy: 1e-5 * max(magnitude, 1),
                                           "n \(n) \(trig) b \(b) k \(k) f \(f)")
                        }
                    }
                }
        }
        }
    }

    /// A cosine and a sine basis stacked in one call, over a range of frames that starts and ends inside a group
    /// of `vectorWidth`: bit for bit each basis's own analysis of all frames, cut to the range.
    func testStackedAnalysesAreEachAnalysisCutToTheirFrames() {
        let hop = 16, inLength = 640, padLeft = 5, batch = 2
        for n in lengths {
            let window = hann(n).map(Float.init), bins = n / 2
            let bases = [SpectralBasis.Trig.cosine, .sine].map { trig in
                SpectralBasis(trig: trig, rowScale: (0..<bins).map { 0.5 + Float($0 % 5) }, window: window)
            }
            let frames = (inLength + padLeft - n) / hop + 1, range = 2 ..< frames - 3
            let x = (0..<(batch * inLength)).map { Float(sin(Double($0) * 0.41) + 0.2 * cos(Double($0) * 2.3)) }
            var scratch = [Float](repeating: 0, count: bases[0].scratchCount)
            var stacked = [Float](repeating: .nan, count: batch * 2 * bins * range.count)
            spectralAnalysis(bases, x: x, batch: batch, inLength: inLength, stride: hop, padLeft: padLeft,
                             frames: range, out: &stacked, scratch: &scratch)
            for (i, basis) in bases.enumerated() {
                var whole = [Float](repeating: .nan, count: batch * bins * frames)
                spectralAnalysis([basis], x: x, batch: batch, inLength: inLength, stride: hop, padLeft: padLeft,
                                 frames: 0..<frames, out: &whole, scratch: &scratch)
                for b in 0..<batch {
                    for k in 0..<bins {
                        let part = Array(stacked[((b * 2 + i) * bins + k) * range.count ..< ((b * 2 + i) * bins + k + 1) * range.count])
                        let cut = Array(whole[(b * bins + k) * frames + range.lowerBound ..< (b * bins + k) * frames + range.upperBound])
                        XCTAssertEqual(part.map(\.bitPattern), cut.map(\.bitPattern), "n \(n) basis \(i) b \(b) k \(k)")
                    }
                }
            }
        }
    }

    /// One basis at a time, and the sum of a cosine and a sine basis (the export's real and imaginary halves) in one
    /// call, against the sum of the dense transposed convolutions.
    func testSynthesisMatchesTheDenseTransposedConvolution() {
        let hop = 16, frames = 37, padLeft = 7, batch = 3
        for n in lengths {
            let outLength = (frames - 1) * hop + n - 2 * padLeft
            let window = hann(n).map { $0 / 8 }
            let top = n / 2 + 1
            let cases: [[(SpectralBasis.Trig, Int)]] = [[(.cosine, top)], [(.sine, 32)], [(.cosine, 32)],
                                                        [(.cosine, top), (.sine, top)], [(.cosine, top), (.cosine, 20)]]
            for terms in cases {
                let rows = terms.map { _, bins in (0..<bins).map { $0 == 0 ? 1.0 : 2.0 + Double($0 % 3) } }
                let dense = zip(terms, rows).map { denseBasis($0.0, rows: $1, window: window) }
                let bases = zip(terms, rows).map {
                    SpectralBasis(trig: $0.0, rowScale: $1.map(Float.init), window: window.map(Float.init))
                }
                let z = terms.enumerated().map { i, term in
                    (0..<(batch * term.1 * frames)).map { Float(cos(Double($0) * (0.61 + Double(i)))) }
                }
                var out = [Float](repeating: 0, count: batch * outLength)
                var scratch = [Float](repeating: 0, count: bases[0].scratchCount)
                z[0].withUnsafeBufferPointer { z0 in
                    z[z.count - 1].withUnsafeBufferPointer { zLast in
                        let pointers = z.count == 1 ? [z0.baseAddress!] : [z0.baseAddress!, zLast.baseAddress!]
                        spectralSynthesis(bases, z: pointers, batch: batch, frames: frames, stride: hop,
                                          padLeft: padLeft, outLength: outLength, out: &out, scratch: &scratch)
                    }
                }
                for b in 0..<batch {
                    for t in 0..<outLength {
                        var expected = 0.0, magnitude = 0.0
                        for (term, bins) in terms.map({ $0.1 }).enumerated() {
                            for f in 0..<frames {
                                let i = t + padLeft - f * hop
                                guard i >= 0 && i < n else { continue }
                                for k in 0..<bins {
                                    let product = Double(z[term][(b * bins + k) * frames + f]) * dense[term][k * n + i]
                                    expected += product
                                    magnitude += abs(product)
                                }
                            }
                        }
                        XCTAssertEqual(Double(out[b * outLength + t]), expected, accuracy: 1e-5 * max(magnitude, 1),
                                       "n \(n) \(terms) b \(b) t \(t)")
                    }
                }
        }
        }
    }
}
