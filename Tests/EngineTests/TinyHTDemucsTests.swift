import Engine
import Foundation
import XCTest

/// The tiny HT-Demucs fixtures (every code path of the real model: both branches, self- and cross-attention,
/// DConv, conv STFT/iSTFT) against PyTorch's unpatched `HTDemucs.forward`.
final class TinyHTDemucsTests: XCTestCase {
    /// Runs a fixture and checks every stem: max |Δ| and relative L2 error.
    private func assertMatchesPyTorch(_ fixture: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let folder = fixturesDirectory.appendingPathComponent(fixture)
        let session = try Session(contentsOf: folder.appendingPathComponent("model.onnx").path)
        let input = try NumpyFile.read(folder.appendingPathComponent("input.npy").path)
        let expected = try NumpyFile.read(folder.appendingPathComponent("output.npy").path)
        let output = try session.run([input])[0]
        XCTAssertEqual(output.shape, expected.shape, file: file, line: line)
        let ours = output.floats(), reference = expected.floats()
        let stems = expected.shape[1], perStem = reference.count / stems
        for stem in 0..<stems {
            var maxAbs = 0.0, errorSquares = 0.0, referenceSquares = 0.0
            for i in (stem * perStem)..<((stem + 1) * perStem) {
                let d = Double(ours[i]) - Double(reference[i])
                maxAbs = max(maxAbs, abs(d))
                errorSquares += d * d
                referenceSquares += Double(reference[i]) * Double(reference[i])
            }
            let relativeL2 = (errorSquares / referenceSquares).squareRoot()
            XCTAssertGreaterThan(referenceSquares, 0, "\(fixture) stem \(stem): the reference is silent", file: file, line: line)
            XCTAssertLessThan(maxAbs, 1e-5, "\(fixture) stem \(stem): max abs difference", file: file, line: line)
            XCTAssertLessThan(relativeL2, 1e-5, "\(fixture) stem \(stem): relative L2 error", file: file, line: line)
        }
    }

    func testTinyHTDemucsMatchesPyTorch() throws {
        try assertMatchesPyTorch("tiny-htdemucs")
    }

    /// The same architecture exported with the iSTFT envelope as an unrolled loop (thousands of ScatterND and
    /// Slice nodes), as the `demucs-onnx` exporter writes it: all of it must fold at load.
    func testUnrolledEnvelopeExportFoldsAndMatchesPyTorch() throws {
        try assertMatchesPyTorch("tiny-htdemucs-unrolled")
        let session = try Session(contentsOf: fixturesDirectory.appendingPathComponent("tiny-htdemucs-unrolled/model.onnx").path)
        XCTAssertNil(session.statistics.plannedOps["ScatterND"], "the envelope loop should fold away")
        XCTAssertGreaterThanOrEqual(session.statistics.fileOps["ScatterND"] ?? 0, 100)
    }

    /// The frequency branches' residual branches run on the channel-major activations, without the transposed
    /// copies the export makes around them (the tiny model's outputs above still match PyTorch's): two per
    /// encoder and decoder, leaving the four inside the transformer.
    func testFrequencyResidualBranchesRunChannelMajor() throws {
        let session = try Session(contentsOf: fixturesDirectory.appendingPathComponent("tiny-htdemucs/model.onnx").path)
        XCTAssertEqual(session.statistics.plannedOps["Conv.channelMajor"], 16)
        XCTAssertEqual(session.statistics.plannedOps["Transpose"], 4)
    }

    /// The compacted DFT bases (computed in-graph from Range/Mod/Cos/Sin) fold to constants at load.
    func testInGraphDFTBasesFold() throws {
        let session = try Session(contentsOf: fixturesDirectory.appendingPathComponent("tiny-htdemucs/model.onnx").path)
        for op in ["Range", "Cos", "Sin", "Unary.cos", "Unary.sin", "Range"] {
            XCTAssertNil(session.statistics.plannedOps[op], "\(op) should fold at load")
        }
    }
}
