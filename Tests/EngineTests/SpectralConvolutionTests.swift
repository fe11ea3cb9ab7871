import Foundation
import Kernels
import XCTest
@testable import Engine

/// The rewrite of DFT-basis convolutions into FFT ops: recognition, refusal, and use on the tiny models.
final class SpectralConvolutionTests: XCTestCase {
    private func basis(bins: Int, length: Int, rows: (Int) -> Double, window: (Int) -> Double,
                       sine: Bool) -> [Float] {
        (0..<bins).flatMap { k in
            (0..<length).map { n in
                let angle = 2 * Double.pi * Double((k * n) % length) / Double(length)
                return Float(rows(k) * window(n) * (sine ? -sin(angle) : cos(angle)))
            }
        }
    }

    func testRecognisesAnalysisAndSynthesisBasesWithRowScales() throws {
        let n = 256
        let hann = { (i: Int) in (0.5 - 0.5 * cos(2 * Double.pi * Double(i) / Double(n))) / 16 }
        for sine in [false, true] {
            for (bins, rows) in [(n / 2, { (_: Int) in 1.0 }), (n / 2 + 1, { (k: Int) in k == 0 ? 1.0 : 2.0 })] {
                let w = basis(bins: bins, length: n, rows: rows, window: hann, sine: sine)
                let factored = try XCTUnwrap(factorSpectralBasis(w, bins: bins, length: n), "sine \(sine) bins \(bins)")
                XCTAssertEqual(factored.trig, sine ? .sine : .cosine)
                var worst: Float = 0
                for k in 0..<bins {
                    for i in 0..<n {
                        let angle = 2 * Double.pi * Double((k * i) % n) / Double(n)
                        let trig = Float(sine ? sin(angle) : cos(angle))
                        worst = max(worst, abs(w[k * n + i] - factored.rowScale[k] * factored.window[i] * trig))
                    }
                }
                XCTAssertLessThan(worst, 1e-6)
            }
        }
    }

    func testRefusesWeightsThatAreNotABasis() {
        let n = 128, bins = 40
        var generator = SystemRandomNumberGenerator()
        let random = (0..<(bins * n)).map { _ in Float.random(in: -1...1, using: &generator) }
        XCTAssertNil(factorSpectralBasis(random, bins: bins, length: n))
        // A true basis with one entry nudged by 1e-4 of the peak is refused too.
        var nudged = basis(bins: bins, length: n, rows: { _ in 1 }, window: { _ in 1 }, sine: false)
        nudged[5 * n + 17] += 1e-4
        XCTAssertNil(factorSpectralBasis(nudged, bins: bins, length: n))
    }

    func testTinyModelsRunTheirSTFTAsFFTsAndFuseTheirBlocks() throws {
        for fixture in ["tiny-htdemucs", "tiny-htdemucs-unrolled"] {
            let session = try Session(contentsOf: fixturesDirectory.appendingPathComponent("\(fixture)/model.onnx").path)
            XCTAssertEqual(session.statistics.plannedOps["Spectral.STFT"], 2, fixture)
            XCTAssertEqual(session.statistics.plannedOps["Spectral.iSTFT"], 2, fixture)
            XCTAssertEqual(session.statistics.plannedOps["Attention"], 4, "\(fixture): every attention is fused")
            XCTAssertNil(session.statistics.plannedOps["Softmax"], fixture)
            for (fused, gone) in [("GELU", "Unary.erf"), ("GLU", "Unary.sigmoid"), ("GroupNorm", "InstanceNormalization")] {
                let count = session.statistics.plannedOps.filter { $0.key.split(separator: "+").contains(Substring(fused)) }
                XCTAssertGreaterThan(count.values.reduce(0, +), 10, "\(fixture): \(fused) is fused")
                XCTAssertNil(session.statistics.plannedOps[gone], "\(fixture): no \(gone) is left")
            }
            // Every residual branch's GroupNorm carries the GELU or GLU that follows it, the last one also the
            // pointwise convolution before it and the LayerScale and skip sum after it.
            XCTAssertGreaterThan(session.statistics.plannedOps["GroupNorm+GELU"] ?? 0, 0, fixture)
            XCTAssertEqual(session.statistics.plannedOps["GroupNorm+GELU"],
                           session.statistics.plannedOps["Conv+GroupNorm+GLU+ScaledAdd"], fixture)
            XCTAssertNil(session.statistics.plannedOps["GroupNorm+GLU"], fixture)
            XCTAssertNil(session.statistics.plannedOps["GroupNorm+GLU+ScaledAdd"], fixture)
            // The frequency decoders' 3×3 rewrites run by Winograd, all but the last (8 input channels here).
            XCTAssertEqual(session.statistics.plannedOps["Conv.Winograd"], 3, fixture)
        }
    }
}

extension SpectralConvolutionTests {
    /// A sine basis computed in float32 (as in-graph bases are) has rounding noise where `sin(πk)` is zero;
    /// the factored window must stay bounded there instead of dividing noise by ~0.
    func testNoiseWhereEveryTrigValueIsZeroDoesNotInflateTheWindow() throws {
        let n = 512, bins = n / 2
        let weights: [Float] = (0..<bins).flatMap { k in
            (0..<n).map { i in
                let angle = Float(2 * Double.pi) * Float((k * i) % n) / Float(n)
                return -sinf(angle) * (0.5 - 0.5 * cosf(Float(2 * Double.pi) * Float(i) / Float(n))) / 22
            }
        }
        let basis = try XCTUnwrap(factorSpectralBasis(weights, bins: bins, length: n))
        let peak = weights.map(abs).max()!
        XCTAssertLessThan(basis.window.map(abs).max()!, 10 * peak * 22, "window values stay at the window's scale")
        XCTAssertEqual(basis.window[n / 2], 0)
    }
}
