import Foundation
import Kernels
import ONNX
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
            // The STFT's cosine and sine halves are one op writing their concatenation, cut to the frames the
            // export keeps (one FFT per frame for both).
            XCTAssertEqual(session.statistics.plannedOps["Spectral.STFT×2"], 1, fixture)
            XCTAssertNil(session.statistics.plannedOps["Spectral.STFT"], fixture)
            XCTAssertNil(session.statistics.plannedOps["Concat"], fixture)
            // The iSTFT's two syntheses (real and imaginary halves) and the sum after them are one op.
            XCTAssertEqual(session.statistics.plannedOps["Spectral.iSTFT×2"], 1, fixture)
            XCTAssertNil(session.statistics.plannedOps["Spectral.iSTFT"], fixture)
            // It reads the real and imaginary halves in place (`foldSpectrumGathers`), and the one output channel
            // it takes after is a reshape: no Gather is left to copy them.
            XCTAssertNil(session.statistics.plannedOps["Gather"], fixture)
            XCTAssertEqual(session.statistics.plannedOps["Attention"], 4, "\(fixture): every attention is fused")
            XCTAssertNil(session.statistics.plannedOps["Softmax"], fixture)
            // Each transformer layer's feed-forward GELU runs inside the linear layer before it, where the build
            // computes linear layers in register blocks.
            XCTAssertEqual(session.statistics.plannedOps["Linear+GELU"], packedLinearBeatsBLAS ? 4 : nil, fixture)
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
            // The frequency decoders' 3×3 rewrites run by Winograd, all but the last (8 input channels here), and
            // so do the time decoders' 1-D ones with more output channels than the thin convolution takes (the
            // first two: 64 → 128 and 32 → 64); each carries the GLU after it.
            XCTAssertEqual(session.statistics.plannedOps["Conv.Winograd+GLU"], 5, fixture)
            XCTAssertNil(session.statistics.plannedOps["Conv.Winograd"], fixture)
            // Each encoder's pointwise rewrite and the GLU after it are one node (four frequency, four time).
            XCTAssertEqual(session.statistics.plannedOps["Conv+GLU"], 8, fixture)
            // Each decoder but the last ends in a GELU that the next decoder's skip sum takes as it is written
            // (three frequency, three time).
            XCTAssertEqual(session.statistics.plannedOps["GELU+Add"], 6, fixture)
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

extension SpectralConvolutionTests {
    /// `Add(ConvTranspose(zc, cosine basis), ConvTranspose(zs, sine basis))` as an exporter writes an iSTFT: the
    /// output of the whole model, `[1, 1, outLength]`, computed in float64 from the dense weights.
    private func checkSynthesisSum(sineWindowScale: Double, sineWindowPower: Double, fused: Bool,
                                   file: StaticString = #filePath, line: UInt = #line) throws {
        let n = 128, hop = 32, frames = 7, bins = n / 2
        let hann = (0..<n).map { 0.5 - 0.5 * cos(2 * Double.pi * Double($0) / Double(n)) }
        let cosine = basis(bins: bins, length: n, rows: { 1 + Double($0 % 2) }, window: { hann[$0] / 4 }, sine: false)
        let sine = basis(bins: bins, length: n, rows: { 1 + Double($0 % 2) },
                         window: { sineWindowScale * pow(hann[$0], sineWindowPower) / 4 }, sine: true)
        func floats(_ name: String, _ dims: [Int], _ values: [Float]) throws -> TensorProto {
            try TensorProto(name: name, dataType: .float, dims: dims, payload: ByteView(copyingElementsOf: values))
        }
        let attributes = [AttributeProto(name: "strides", value: .ints([Int64(hop)]))]
        let nodes = [
            NodeProto(name: "real", opType: "ConvTranspose", inputs: ["zc", "wc"], outputs: ["yc"], attributes: attributes),
            NodeProto(name: "imag", opType: "ConvTranspose", inputs: ["zs", "ws"], outputs: ["ys"], attributes: attributes),
            NodeProto(name: "sum", opType: "Add", inputs: ["yc", "ys"], outputs: ["y"]),
        ]
        let inputs = ["zc", "zs"].map {
            ValueInfoProto(name: $0, elementType: .float, shape: [1, bins, frames].map { .fixed($0) })
        }
        let graph = GraphProto(name: "istft", nodes: nodes,
                               initializers: [try floats("wc", [bins, 1, n], cosine), try floats("ws", [bins, 1, n], sine)],
                               inputs: inputs, outputs: [ValueInfoProto(name: "y", elementType: .float, shape: nil)])
        let session = try Session(model: ModelProto(graph: graph, opsetImports: [OperatorSetID(domain: "", version: 17)]))
        XCTAssertEqual(session.statistics.plannedOps["Spectral.iSTFT×2"], fused ? 1 : nil, file: file, line: line)
        XCTAssertEqual(session.statistics.plannedOps["Spectral.iSTFT"], fused ? nil : 2, file: file, line: line)
        let zc = (0..<(bins * frames)).map { Float(sin(Double($0) * 0.37)) }
        let zs = (0..<(bins * frames)).map { Float(cos(Double($0) * 0.91)) }
        let y = try session.run([Tensor(shape: [1, bins, frames], floats: zc),
                                 Tensor(shape: [1, bins, frames], floats: zs)])[0].floats()
        let outLength = (frames - 1) * hop + n
        XCTAssertEqual(y.count, outLength, file: file, line: line)
        var worst = 0.0
        for t in 0..<outLength {
            var expected = 0.0
            for f in 0..<frames where t - f * hop >= 0 && t - f * hop < n {
                for k in 0..<bins {
                    expected += Double(zc[k * frames + f]) * Double(cosine[k * n + t - f * hop])
                        + Double(zs[k * frames + f]) * Double(sine[k * n + t - f * hop])
                }
            }
            worst = max(worst, abs(Double(y[t]) - expected))
        }
        XCTAssertLessThan(worst, 1e-4, file: file, line: line)
    }

    /// Windows of different scales are one window (the sine basis's row scales absorb the factor); a window of
    /// another shape keeps the two syntheses and the sum apart.
    func testTheTwoSynthesesOfAnISTFTAreOneInverseFFT() throws {
        try checkSynthesisSum(sineWindowScale: 3, sineWindowPower: 1, fused: true)
        try checkSynthesisSum(sineWindowScale: 1, sineWindowPower: 2, fused: false)
    }
}
