import Demucs
import Engine
import Foundation
import XCTest

/// Each export style of the tiny HT-Demucs (`Tools/make_fixtures.sh`): the style is recognised from the graph
/// alone, and `ModelRunner` turns the graph's outputs into the stems of PyTorch's unpatched `HTDemucs.forward`
/// (`output.npy`). A graph that fits no style is refused with a message naming the file and what it found.
final class ExportStyleTests: XCTestCase {
    private func path(_ fixture: String, _ file: String) -> String {
        fixturesDirectory.appendingPathComponent(fixture).appendingPathComponent(file).path
    }

    private func array(_ fixture: String, _ name: String) throws -> [Float] {
        try NumpyFile.read(path(fixture, "\(name).npy")).floats()
    }

    /// Loads a tiny fixture (4 sources, stereo, 1 s segments) and recognises its style.
    private func runner(_ fixture: String, length: Int = 44100) throws -> ModelRunner {
        let model = path(fixture, "model.onnx")
        return try ModelRunner(session: try Session(contentsOf: model), path: model, sources: 4, channels: 2,
                               length: length)
    }

    /// Runs a style fixture: the graph's branch outputs against `outputs_x.npy` / `outputs_xt.npy`, the final
    /// stems against `output.npy` within 1e-5 (max abs) and 1e-5 (relative L2).
    private func assertStemsMatchPyTorch(_ fixture: String, style: ExportStyle, file: StaticString = #filePath,
                                         line: UInt = #line) throws {
        let model = try runner(fixture)
        XCTAssertEqual(model.style, style, file: file, line: line)
        let input = try array(fixture, "input"), expected = try array(fixture, "output")
        let stems = try model.stems(input)
        XCTAssertEqual(stems.count, expected.count, file: file, line: line)
        let (maxAbs, relativeL2) = drift(stems, expected)
        XCTAssertLessThan(maxAbs, 1e-5, "\(fixture): stems max abs", file: file, line: line)
        XCTAssertLessThan(relativeL2, 1e-5, "\(fixture): stems relative L2", file: file, line: line)
    }

    func testSTFTOperatorStyleGivesPyTorchStems() throws {
        try assertStemsMatchPyTorch("tiny-htdemucs-stft-op", style: .stftOp)
    }

    func testExternalSTFTStyleGivesPyTorchStems() throws {
        let fixture = "tiny-htdemucs-external-stft"
        try assertStemsMatchPyTorch(fixture, style: .externalSTFT)
        // The graph's second input, computed here, against demucs's _magnitude(_spec(mix)).
        let spectrogram = try XCTUnwrap(try runner(fixture).spectrogram)
        let z = spectrogram.analyse(try array(fixture, "input"), channels: 2)
        let (maxAbs, relativeL2) = drift(z, try array(fixture, "input_z"))
        XCTAssertLessThan(maxAbs, 1e-5)
        XCTAssertLessThan(relativeL2, 1e-6)
    }

    func testConvSTFTStyleIsRecognised() throws {
        let model = try runner("tiny-htdemucs")
        XCTAssertEqual(model.style, .convSTFT)
        XCTAssertNil(model.spectrogram)
    }

    func testGraphFittingNoStyleIsRefused() throws {
        let file = path("ops/add_broadcast", "model.onnx")
        XCTAssertThrowsError(try ModelRunner(session: try Session(contentsOf: file), path: file, sources: 4,
                                             channels: 2, length: 44100)) { error in
            let message = "\(error)"
            XCTAssertTrue(message.hasPrefix("\(file): is not an HT-Demucs export"), message)
            XCTAssertTrue(message.contains("takes a float32 [2, 1, 5], b float32 [3, 1] and gives y0 float32 [2, 3, 5]"), message)
            for style in ExportStyle.allCases { XCTAssertTrue(message.contains(style.rawValue), message) }
        }
        // A style export whose segment is not the bundle's: the shapes tell.
        XCTAssertThrowsError(try runner("tiny-htdemucs-stft-op", length: 44000)) { error in
            XCTAssertTrue("\(error)".contains("gives x float32 [1, 4, 4, 1024, 87], xt float32 [1, 4, 2, 44100]"), "\(error)")
        }
    }
}
