import XCTest
@testable import ONNX

/// Base-128 varints: every length from 1 to 10 bytes, the 64-bit limits, and what is rejected.
final class VarintTests: XCTestCase {
    private func decode(_ bytes: [UInt8]) throws -> (value: UInt64, consumed: Int) {
        try bytes.withUnsafeBytes { raw in
            var reader = WireReader(raw)
            let value = try reader.readVarint("v")
            return (value, reader.position)
        }
    }

    private func encode(_ value: UInt64) -> [UInt8] {
        ProtoWriter.build { $0.varint(value) }
    }

    func testSmallValues() throws {
        XCTAssertEqual(try decode([0x00]).value, 0)
        XCTAssertEqual(try decode([0x01]).value, 1)
        XCTAssertEqual(try decode([0x7f]).value, 127)
        XCTAssertEqual(try decode([0x80, 0x01]).value, 128)
        XCTAssertEqual(try decode([0xac, 0x02]).value, 300)
    }

    func testRoundTripAtEveryLength() throws {
        for bits in 0..<64 {
            for value in [UInt64(1) << bits, (UInt64(1) << bits) - 1, (UInt64(1) << bits) + 1] {
                let bytes = encode(value)
                let decoded = try decode(bytes)
                XCTAssertEqual(decoded.value, value)
                XCTAssertEqual(decoded.consumed, bytes.count)
            }
        }
    }

    func testMaxUInt64TakesTenBytes() throws {
        let bytes = encode(.max)
        XCTAssertEqual(bytes, [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01])
        XCTAssertEqual(try decode(bytes).value, .max)
    }

    func testNegativeInt64IsTenBytes() throws {
        let bytes = encode(UInt64(bitPattern: -2))
        XCTAssertEqual(bytes.count, 10)
        XCTAssertEqual(Int64(bitPattern: try decode(bytes).value), -2)
        XCTAssertEqual(Int64(bitPattern: try decode(encode(UInt64(bitPattern: .min))).value), .min)
    }

    func testNonMinimalEncodingIsAccepted() throws {
        XCTAssertEqual(try decode([0x80, 0x80, 0x00]).value, 0)
        XCTAssertEqual(try decode([0x81, 0x80, 0x80, 0x00]).value, 1)
    }

    func testOverlongVarintIsRejected() {
        let eleven: [UInt8] = Array(repeating: 0x80, count: 10) + [0x00]
        XCTAssertThrowsError(try decode(eleven)) { error in
            XCTAssertEqual(error as? ONNXError,
                           .malformed(field: "v", offset: 0, reason: "varint longer than 10 bytes"))
        }
    }

    func testTenthByteOverflowIsRejected() {
        let bytes: [UInt8] = Array(repeating: 0xff, count: 9) + [0x02]
        XCTAssertThrowsError(try decode(bytes)) { error in
            XCTAssertEqual(error as? ONNXError,
                           .malformed(field: "v", offset: 0, reason: "varint overflows 64 bits"))
        }
    }

    func testTruncatedVarint() {
        for bytes: [UInt8] in [[], [0x80], [0xff, 0xff, 0xff]] {
            XCTAssertThrowsError(try decode(bytes)) { error in
                XCTAssertEqual(error as? ONNXError, .truncated(field: "v", offset: 0))
            }
        }
    }
}
