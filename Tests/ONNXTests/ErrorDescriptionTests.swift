import XCTest
@testable import ONNX

/// Errors read as one line that says what went wrong and where.
final class ErrorDescriptionTests: XCTestCase {
    func testDescriptions() {
        XCTAssertEqual(ONNXError.io(path: "m.onnx", reason: "cannot open: Permission denied").description,
                       "m.onnx: cannot open: Permission denied")
        XCTAssertEqual(ONNXError.notONNX(path: "a.png", reason: "the file is empty").description,
                       "a.png: not an ONNX model: the file is empty")
        XCTAssertEqual(ONNXError.notONNX(path: nil, reason: "x").description, "<memory>: not an ONNX model: x")
        XCTAssertEqual(ONNXError.truncated(field: "ModelProto.graph.node[3].name", offset: 1234).description,
                       "truncated at byte 1234 while reading ModelProto.graph.node[3].name")
        XCTAssertEqual(ONNXError.malformed(field: "ModelProto.ir_version", offset: 1, reason: "varint overflows 64 bits").description,
                       "malformed ModelProto.ir_version at byte 1: varint overflows 64 bits")
        XCTAssertEqual(ONNXError.externalData(tensor: "w", reason: "no 'location' entry").description,
                       "external data of tensor 'w': no 'location' entry")
        XCTAssertEqual(ONNXError.invalidTensor(name: "w", reason: "has 2 elements but no data").description,
                       "tensor 'w': has 2 elements but no data")
    }

    func testDeepFieldPathAndOffset() {
        let bytes = ONNXBuilders.model { g in
            g.message(1) { n in n.string(4, "Relu") }
            g.message(1) { n in
                n.string(4, "Constant")
                n.message(5) { a in
                    a.string(1, "value")
                    a.message(5) { t in t.int(1, 3); t.int(2, 1); t.bytes(9, [1, 2, 3, 4]) }
                }
            }
        }
        let tensor: [UInt8] = [0x08, 3, 0x10, 1, 0x4a, 4, 1, 2, 3, 4]
        let tensorOffset = (0...(bytes.count - tensor.count)).first { Array(bytes[$0..<$0 + tensor.count]) == tensor }!
        let rawDataOffset = tensorOffset + 4
        XCTAssertThrowsError(try ModelProto(bytes: bytes, baseDirectory: nil)) { error in
            XCTAssertEqual(error as? ONNXError, .malformed(
                field: "ModelProto.graph.node[1].attribute[0].t.raw_data", offset: rawDataOffset,
                reason: "holds 4 bytes, but dims [3] of float need 12"))
        }
        XCTAssertEqual(bytes[rawDataOffset], 9 << 3 | 2)
    }
}
