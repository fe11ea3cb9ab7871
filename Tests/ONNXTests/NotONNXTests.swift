import XCTest
@testable import ONNX

/// Files that were never ONNX models are recognised as such, with the reason.
final class NotONNXTests: XCTestCase {
    private func assertNotONNX(_ bytes: [UInt8], reason expected: String, line: UInt = #line) {
        XCTAssertThrowsError(try ModelProto(bytes: bytes, baseDirectory: nil), line: line) { error in
            guard case let .notONNX(path, reason) = error as? ONNXError else { return XCTFail("\(error)", line: line) }
            XCTAssertNil(path, line: line)
            XCTAssertTrue(reason.contains(expected), "'\(reason)' lacks '\(expected)'", line: line)
        }
    }

    func testEmpty() {
        assertNotONNX([], reason: "the file is empty")
    }

    func testText() {
        assertNotONNX(Array("hello, world\n".utf8), reason: "does not parse as an ONNX ModelProto")
        assertNotONNX(Array("{\"graph\": {\"node\": []}}".utf8), reason: "does not parse as an ONNX ModelProto")
        assertNotONNX(Array("ir_version: 8\ngraph { name: \"g\" }\n".utf8), reason: "ONNX")
    }

    func testPNG() {
        let png: [UInt8] = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52,
                            0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1f, 0x15, 0xc4, 0x89]
        assertNotONNX(png, reason: "ONNX")
    }

    func testOtherProtobufs() {
        assertNotONNX(ProtoWriter.build { $0.string(2, "just a producer") }, reason: "has no ir_version")
        assertNotONNX(ProtoWriter.build { $0.int(1, 8); $0.string(2, "no graph") }, reason: "has an ir_version but no graph")
    }

    func testFileOnDiskNamesThePath() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write(Array("not a model".utf8), to: "notes.onnx")
        XCTAssertThrowsError(try ModelProto(contentsOf: path)) { error in
            guard case let .notONNX(errorPath, _) = error as? ONNXError else { return XCTFail("\(error)") }
            XCTAssertEqual(errorPath, path)
            XCTAssertTrue("\(error)".hasPrefix("\(path): not an ONNX model: "))
        }
        let empty = try directory.write([], to: "empty.onnx")
        XCTAssertThrowsError(try ModelProto(contentsOf: empty)) { error in
            XCTAssertEqual(error as? ONNXError, .notONNX(path: empty, reason: "the file is empty"))
        }
    }
}
