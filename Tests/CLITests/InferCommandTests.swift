import Foundation
import XCTest

/// `swdemucs infer` and `inspect` on small models, as a user runs them.
final class InferCommandTests: XCTestCase {
    private var scratch: URL!

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("swdemucs-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: scratch)
    }

    func testInferWritesTheReferenceOutputAndReportsTime() throws {
        let folder = fixturesDirectory.appendingPathComponent("ops/erf")
        let output = scratch.appendingPathComponent("y.npy").path
        let result = try swdemucs(["infer", folder.appendingPathComponent("model.onnx").path,
                                   "--input", folder.appendingPathComponent("input0.npy").path,
                                   "--output", output])
        XCTAssertEqual(result.status, 0, result.standardError)
        XCTAssertTrue(result.standardError.contains("forward_s="), result.standardError)
        // The header and shape match the reference; the values are checked by the engine's tests.
        let written = try Data(contentsOf: URL(fileURLWithPath: output))
        let reference = try Data(contentsOf: folder.appendingPathComponent("output0.npy"))
        XCTAssertEqual(written.count, reference.count)
    }

    func testInferRefusesToOverwriteItsInput() throws {
        let input = fixturesDirectory.appendingPathComponent("ops/erf/input0.npy").path
        let model = fixturesDirectory.appendingPathComponent("ops/erf/model.onnx").path
        let before = try Data(contentsOf: URL(fileURLWithPath: input))
        let result = try swdemucs(["infer", model, "--input", input, "--output", input])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: input)), before)
    }

    func testInferRejectsAnInputOfTheWrongShape() throws {
        let model = fixturesDirectory.appendingPathComponent("ops/erf/model.onnx").path
        let wrong = fixturesDirectory.appendingPathComponent("ops/sqrt/input0.npy").path
        let output = scratch.appendingPathComponent("y.npy").path
        let result = try swdemucs(["infer", model, "--input", wrong, "--output", output])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.standardError.contains("input 'x' expects"), result.standardError)
        XCTAssertFalse(FileManager.default.fileExists(atPath: output))
    }

    func testInspectListsOpsBeforeAndAfterFolding() throws {
        let model = fixturesDirectory.appendingPathComponent("ops/matmul_weight/model.onnx").path
        let result = try swdemucs(["inspect", model, "--plan"])
        XCTAssertEqual(result.status, 0, result.standardError)
        for text in ["input:", "output:", "parameters:", "ops in the file:", "ops after folding", "MatMul", "plan:"] {
            XCTAssertTrue(result.standardOutput.contains(text), "'\(text)' missing:\n\(result.standardOutput)")
        }
    }
}
