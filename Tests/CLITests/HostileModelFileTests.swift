import Foundation
import XCTest

/// Small model files whose numbers are chosen to overflow or exhaust the loader (shapes, pads, strides, steps,
/// lengths near 2⁶³), found by fuzzing: `swdemucs inspect` must refuse each with one line and exit status 1,
/// never trap or allocate what the file claims. They run out of process, so a regression fails its test rather
/// than the whole suite.
final class HostileModelFileTests: XCTestCase {
    private var scratch: URL!

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("swdemucs-models-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        // A regression would crash: exit at once instead of symbolicating a backtrace for a minute.
        setenv("SWIFT_BACKTRACE", "enable=no", 1)
    }

    override func tearDownWithError() throws {
        unsetenv("SWIFT_BACKTRACE")
        try? FileManager.default.removeItem(at: scratch)
    }

    private typealias M = ModelBytes
    private let huge: Int64 = 1 << 62

    /// Writes each model, inspects it, and checks the refusal: one line, status 1, naming the value or node.
    private func assertEachRefused(_ models: [(String, [UInt8])], line: UInt = #line) throws {
        for (name, bytes) in models {
            XCTAssertLessThan(bytes.count, 200, "\(name) is a small file", line: line)
            let path = scratch.appendingPathComponent("\(name).onnx").path
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let result = try swdemucs(["inspect", path])
            XCTAssertEqual(result.status, 1, "\(name): \(result.standardError.prefix(300))", line: line)
            XCTAssertEqual(result.standardError.split(separator: "\n").count, 1,
                           "\(name): \(result.standardError.prefix(300))", line: line)
            XCTAssertTrue(["'hostile'", "'x'", "'y'"].contains { result.standardError.contains($0) },
                          "\(name) names the node or value: \(result.standardError)", line: line)
        }
    }

    func testShapesWhoseSizeOverflowsAreRefused() throws {
        let identity = [M.node("Identity", ["x"], ["y"])]
        try assertEachRefused([
            ("input-dims", M.model(nodes: identity, inputs: [M.floatInput("x", [1 << 40, 1 << 40])])),
            ("input-bytes", M.model(nodes: identity, inputs: [M.floatInput("x", [1 << 31, 1 << 31])])),
            ("constant-of-shape", M.model(nodes: [M.node("ConstantOfShape", ["s"], ["y"])],
                                          initializers: [M.int64s("s", [1 << 40, 1 << 40])])),
            ("expand", M.model(nodes: [M.node("Expand", ["x", "s"], ["y"])], initializers: [
                M.floats("x", [1]), M.int64s("s", [1 << 40, 1 << 40])])),
            ("reshape", M.model(nodes: [M.node("Reshape", ["x", "s"], ["y"])], initializers: [
                M.floats("x", [], dims: [0]), M.int64s("s", [huge, huge, 0])])),
            ("tile", M.model(nodes: [M.node("Tile", ["x", "r"], ["y"])], initializers: [
                M.floats("x", [1, 2]), M.int64s("r", [huge])])),
        ])
    }

    func testPadsStridesAndStepsNearTheIntegerLimitsAreRefused() throws {
        let x = M.floatInput("x", [1, 1, 4]), w = M.floats("w", [0, 0, 0], dims: [1, 1, 3])
        try assertEachRefused([
            ("pad", M.model(nodes: [M.node("Pad", ["x", "p"], ["y"])], inputs: [M.floatInput("x", [2])],
                            initializers: [M.int64s("p", [huge, huge])])),
            ("pad-negative", M.model(nodes: [M.node("Pad", ["x", "p"], ["y"])], inputs: [M.floatInput("x", [2])],
                                     initializers: [M.int64s("p", [.min, .min])])),
            ("conv-pads", M.model(nodes: [M.node("Conv", ["x", "w"], ["y"], ints: ["pads": [huge, huge]])],
                                  inputs: [x], initializers: [w])),
            ("conv-dilations", M.model(nodes: [M.node("Conv", ["x", "w"], ["y"], ints: ["dilations": [huge]])],
                                       inputs: [x], initializers: [w])),
            ("conv-transpose-strides", M.model(nodes: [M.node("ConvTranspose", ["x", "w"], ["y"],
                                                              ints: ["strides": [huge]])],
                                               inputs: [x], initializers: [w])),
        ])
    }

    func testCountsAndLengthsBeyondMemoryAreRefused() throws {
        let start = M.floats("a", [0], dims: []), step = M.floats("c", [1], dims: [])
        try assertEachRefused([
            ("range-infinite", M.model(nodes: [M.node("Range", ["a", "b", "c"], ["y"])],
                                       initializers: [start, M.floats("b", [.infinity], dims: []), step])),
            ("range-nan", M.model(nodes: [M.node("Range", ["a", "b", "c"], ["y"])],
                                  initializers: [start, M.floats("b", [.nan], dims: []), step])),
            ("range-1e30", M.model(nodes: [M.node("Range", ["a", "b", "c"], ["y"])],
                                   initializers: [start, M.floats("b", [1e30], dims: []), step])),
            ("range-int", M.model(nodes: [M.node("Range", ["a", "b", "c"], ["y"])], initializers: [
                M.int64s("a", [0], dims: []), M.int64s("b", [huge], dims: []), M.int64s("c", [1], dims: [])])),
            ("split-outputs", M.model(opset: 18, nodes: [M.node("Split", ["x"], ["y", "z"], int: ["num_outputs": huge])],
                                      inputs: [M.floatInput("x", [4])])),
            ("dft-length", M.model(nodes: [M.node("DFT", ["x", "n"], ["y"])], inputs: [M.floatInput("x", [1, 4, 1])],
                                   initializers: [M.int64s("n", [1 << 40], dims: [])])),
        ])
    }

    func testSumsProductsAndIndicesTheLoaderWorksOutAreChecked() throws {
        let x = M.floatInput("x", [1, 1, 4]), w = M.floats("w", [0, 0, 0], dims: [1, 1, 3])
        try assertEachRefused([
            ("parameters-without-data", M.model(nodes: [M.node("Identity", ["z"], ["y"])], inputs: [M.floatInput("z", [1])],
                                                initializers: [M.floatsWithoutData("x", dims: [huge]),
                                                               M.floatsWithoutData("w", dims: [huge])])),
            ("empty-but-overflowing", M.model(nodes: [M.node("Transpose", ["x"], ["y"])],
                                              initializers: [M.floats("x", [], dims: [huge, huge, 0])])),
            ("pad-crop-and-grow", M.model(nodes: [M.node("Pad", ["x", "p"], ["y"])],
                                          initializers: [M.floats("x", [1, 2]), M.int64s("p", [.min, .max])])),
            ("split-sizes", M.model(nodes: [M.node("Split", ["x", "s"], ["y", "z"])], inputs: [M.floatInput("x", [4])],
                                    initializers: [M.int64s("s", [huge, huge])])),
            ("conv-transpose-output-padding", M.model(nodes: [M.node("ConvTranspose", ["x", "w"], ["y"],
                                                                     ints: ["output_padding": []])],
                                                      inputs: [x], initializers: [w])),
            ("conv-transpose-output-shape", M.model(nodes: [M.node("ConvTranspose", ["x", "w"], ["y"],
                                                                   ints: ["output_shape": []])],
                                                    inputs: [x], initializers: [w])),
        ])
    }

    func testAStepLongerThanTheAxisTakesOneElement() throws {
        let path = scratch.appendingPathComponent("slice-step.onnx").path
        try Data(M.model(nodes: [M.node("Slice", ["x", "s", "e", "a", "t"], ["y"])], inputs: [M.floatInput("x", [4])],
                         initializers: [M.int64s("s", [-1]), M.int64s("e", [.min]), M.int64s("a", [0]),
                                        M.int64s("t", [.min])])).write(to: URL(fileURLWithPath: path))
        let result = try swdemucs(["inspect", path])
        XCTAssertEqual(result.status, 0, String(result.standardError.prefix(300)))
        XCTAssertTrue(result.standardOutput.contains("y  float32 [1]"), result.standardOutput)
    }

    func testAStrideLongerThanTheInputTakesOneTap() throws {
        // All constant, so loading folds the convolution: the kernel meets the stride, not just the shape arithmetic.
        let w = M.floats("w", [1, 2, 3], dims: [1, 1, 3])
        for (op, x, shape) in [("Conv", M.floats("x", [1, 2, 3, 4], dims: [1, 1, 4]), "[1, 1, 1]"),
                               ("ConvTranspose", M.floats("x", [1], dims: [1, 1, 1]), "[1, 1, 3]")] {
            let path = scratch.appendingPathComponent("\(op)-stride.onnx").path
            try Data(M.model(nodes: [M.node(op, ["x", "w"], ["y"], ints: ["strides": [.max]])], initializers: [x, w]))
                .write(to: URL(fileURLWithPath: path))
            let result = try swdemucs(["inspect", path])
            XCTAssertEqual(result.status, 0, "\(op): \(result.standardError.prefix(300))")
            XCTAssertTrue(result.standardOutput.contains("y  float32 \(shape)"), "\(op): \(result.standardOutput)")
        }
    }

    func testABundleWhoseModelTakesAnotherShapeIsRefusedNamingTheFile() throws {
        let tiny = fixturesDirectory.appendingPathComponent("tiny-htdemucs")
        let bundle = scratch.appendingPathComponent("mislabelled")
        try FileManager.default.createDirectory(at: bundle, withIntermediateDirectories: true)
        let metadata = try String(contentsOf: tiny.appendingPathComponent("swdemucs.json"), encoding: .utf8)
            .replacingOccurrences(of: "\"segment_samples\": 44100", with: "\"segment_samples\": 40000")
        try metadata.write(to: bundle.appendingPathComponent("swdemucs.json"), atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(at: bundle.appendingPathComponent("model.onnx"),
                                                   withDestinationURL: tiny.appendingPathComponent("model.onnx"))
        let track = scratch.appendingPathComponent("track.wav")
        try Data(HostileAudio.sine(frames: 100)).write(to: track)
        let result = try swdemucs(["run", track.path, "-n", bundle.path, "-o", scratch.appendingPathComponent("out").path])
        XCTAssertEqual(result.status, 1, result.standardError)
        XCTAssertEqual(result.standardError.split(separator: "\n").count, 1, result.standardError)
        XCTAssertTrue(result.standardError.contains("mislabelled/model.onnx"), result.standardError)
        XCTAssertTrue(result.standardError.contains("[1, 2, 44100]"), result.standardError)
    }
}
