import Foundation
import XCTest

/// Bad model files make `swdemucs` exit non-zero with one line that names what is wrong.
final class ErrorMessageTests: XCTestCase {
    private func assertRefused(_ file: String, mentions words: [String], line: UInt = #line) throws {
        let path = fixturesDirectory.appendingPathComponent("errors/\(file)").path
        let result = try swdemucs(["inspect", path])
        XCTAssertNotEqual(result.status, 0, file, line: line)
        let lines = result.standardError.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, "\(file): expected one line, got \(result.standardError)", line: line)
        for word in words {
            XCTAssertTrue(result.standardError.contains(word), "\(file): '\(word)' missing from \(result.standardError)",
                          line: line)
        }
    }

    func testUnsupportedOpNamesNodeOpTypeAndOpset() throws {
        try assertRefused("unsupported_op.onnx", mentions: ["Einsum", "'mixer'", "opset 17"])
    }

    func testCustomDomainNamesTheDomain() throws {
        try assertRefused("custom_domain.onnx", mentions: ["FusedGelu", "com.example", "'gelu'"])
    }

    func testTruncatedFileNamesFileAndOffset() throws {
        try assertRefused("truncated.onnx", mentions: ["truncated.onnx", "truncated", "byte"])
    }

    func testTextFileIsNotONNX() throws {
        try assertRefused("not_onnx.onnx", mentions: ["not_onnx.onnx", "not an ONNX model"])
    }

    func testCycleNamesItsNodes() throws {
        try assertRefused("cycle.onnx", mentions: ["cycle", "'first'"])
    }

    func testMissingValueNamesNodeAndValue() throws {
        try assertRefused("missing_value.onnx", mentions: ["'adder'", "'nowhere'"])
    }

    func testBadReshapeNamesNodeAndShapes() throws {
        try assertRefused("bad_reshape.onnx", mentions: ["Reshape", "'reshaper'", "[2, 3]"])
    }

    func testOpenInputShapeNeedsAShape() throws {
        try assertRefused("open_shape.onnx", mentions: ["'x'", "shape"])
        let path = fixturesDirectory.appendingPathComponent("errors/open_shape.onnx").path
        let result = try swdemucs(["inspect", path, "--input-shape", "x=4,3"])
        XCTAssertEqual(result.status, 0, result.standardError)
        XCTAssertTrue(result.standardOutput.contains("[4, 3]"), result.standardOutput)
    }

    func testMissingFileIsNamed() throws {
        try assertRefused("no_such_file.onnx", mentions: ["no_such_file.onnx"])
    }
}
