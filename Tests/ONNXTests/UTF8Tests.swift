import XCTest
@testable import ONNX

/// Strings must be valid UTF-8; an invalid one is an error naming the field (never repaired).
final class UTF8Tests: XCTestCase {
    private func nodeNamed(_ name: [UInt8]) throws -> NodeProto {
        try ModelProto(bytes: ONNXBuilders.model { g in
            g.message(1) { n in n.string(4, "Relu"); n.bytes(3, name) }
        }, baseDirectory: nil).graph.nodes[0]
    }

    func testValidNames() throws {
        for name in ["", "plain", "é", "名前", "🎵 stems", "a\u{0}b"] {
            XCTAssertEqual(try nodeNamed(Array(name.utf8)).name, name)
        }
    }

    func testInvalidSequencesAreRejected() {
        let invalid: [[UInt8]] = [
            [0xff],                    // never valid
            [0x80],                    // lone continuation
            [0xc3],                    // cut-off 2-byte sequence
            [0xc0, 0x80],              // overlong NUL
            [0xed, 0xa0, 0x80],        // UTF-16 surrogate
            [0xf4, 0x90, 0x80, 0x80],  // beyond U+10FFFF
            [0x61, 0xf0, 0x9f, 0x8e],  // 3 of 4 bytes (repairs to the same length)
        ]
        for name in invalid {
            XCTAssertThrowsError(try nodeNamed(name), "\(name)") { error in
                guard case let .malformed(field, offset, reason) = error as? ONNXError else { return XCTFail("\(error)") }
                XCTAssertEqual(field, "ModelProto.graph.node[0].name")
                XCTAssertEqual(reason, "not valid UTF-8")
                XCTAssertGreaterThan(offset, 0)
            }
        }
    }

    func testInvalidUTF8InAttributeStringsAndIgnoredFields() throws {
        XCTAssertThrowsError(try firstAttribute(ONNXBuilders.attributeModel { a in
            a.string(1, "names")
            a.string(9, "ok")
            a.bytes(9, [0xfe])
        })) { error in
            guard case let .malformed(field, _, _) = error as? ONNXError else { return XCTFail("\(error)") }
            XCTAssertEqual(field, "ModelProto.graph.node[0].attribute[0].strings[1]")
        }
        // doc_string fields are skipped unread, so their bytes do not matter.
        let node = try ModelProto(bytes: ONNXBuilders.model { g in
            g.message(1) { n in n.string(4, "Relu"); n.bytes(6, [0xff, 0xfe]) }
        }, baseDirectory: nil).graph.nodes[0]
        XCTAssertEqual(node.opType, "Relu")
    }
}
