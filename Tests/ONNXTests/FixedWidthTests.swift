import XCTest
@testable import ONNX

/// fixed32 and fixed64 values are little-endian and need all their bytes.
final class FixedWidthTests: XCTestCase {
    func testFixed32() throws {
        let bytes: [UInt8] = [0x78, 0x56, 0x34, 0x12, 0xff]
        let value = try bytes.withUnsafeBytes { raw in
            var reader = WireReader(raw)
            return try reader.readFixed32("f")
        }
        XCTAssertEqual(value, 0x1234_5678)
    }

    func testFixed64() throws {
        let bytes: [UInt8] = [0xef, 0xcd, 0xab, 0x89, 0x67, 0x45, 0x23, 0x01]
        let value = try bytes.withUnsafeBytes { raw in
            var reader = WireReader(raw)
            return try reader.readFixed64("f")
        }
        XCTAssertEqual(value, 0x0123_4567_89ab_cdef)
    }

    func testFloatAndDoubleFields() throws {
        let bytes = ProtoWriter.build { $0.float(2, -1.25); $0.double(10, .pi) }
        try bytes.withUnsafeBytes { raw in
            var reader = WireReader(raw)
            let floatTag = try XCTUnwrap(try reader.readTag())
            XCTAssertEqual(try reader.float(floatTag, "f"), -1.25)
            let doubleTag = try XCTUnwrap(try reader.readTag())
            XCTAssertEqual(Double(bitPattern: try reader.readFixed64("d")), .pi)
            XCTAssertEqual(doubleTag.wireType, .fixed64)
            XCTAssertNil(try reader.readTag())
        }
    }

    func testTruncatedFixedValues() {
        for count in 0..<8 {
            let bytes = [UInt8](repeating: 1, count: count)
            func read(_ width: Int) throws {
                try bytes.withUnsafeBytes { raw in
                    var reader = WireReader(raw)
                    _ = width == 4 ? UInt64(try reader.readFixed32("f")) : try reader.readFixed64("f")
                }
            }
            XCTAssertThrowsError(try read(8)) { error in
                XCTAssertEqual(error as? ONNXError, .truncated(field: "f", offset: 0))
            }
            if count < 4 { XCTAssertThrowsError(try read(4)) }
        }
    }

    func testFloatFieldWithWrongWireTypeIsMalformed() {
        let bytes = ONNXBuilders.attributeModel { a in a.string(1, "alpha"); a.int(2, 3); a.int(20, 1) }
        XCTAssertThrowsError(try firstAttribute(bytes)) { error in
            guard case let .malformed(field, _, reason) = error as? ONNXError else { return XCTFail("\(error)") }
            XCTAssertEqual(field, "ModelProto.graph.node[0].attribute[0].f")
            XCTAssertEqual(reason, "wire type varint where fixed32 was expected")
        }
    }
}
