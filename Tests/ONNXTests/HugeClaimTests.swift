import XCTest
@testable import ONNX

/// Tiny files that claim enormous tensors or lengths are errors, found without allocating.
final class HugeClaimTests: XCTestCase {
    private let terabyteOfFloats: Int64 = 1 << 38  // 2^38 floats = 1 TiB

    private func assertSmallAndFails(_ bytes: [UInt8], line: UInt = #line,
                                     _ check: (ONNXError) -> Void = { _ in }) {
        XCTAssertLessThanOrEqual(bytes.count, 100, line: line)
        XCTAssertThrowsError(try ModelProto(bytes: bytes, baseDirectory: nil), line: line) { error in
            guard let error = error as? ONNXError else { return XCTFail("\(error)", line: line) }
            check(error)
        }
    }

    func testRawDataTooShortForTheDims() {
        assertSmallAndFails(ONNXBuilders.initializerModel { t in
            t.int(1, self.terabyteOfFloats)
            t.int(2, 1)
            t.bytes(9, [0, 0, 0, 0])
        }) { error in
            guard case let .malformed(field, _, reason) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(field, "ModelProto.graph.initializer[0].raw_data")
            XCTAssertEqual(reason, "holds 4 bytes, but dims [274877906944] of float need 1099511627776")
        }
    }

    func testTypedDataTooShortForTheDims() {
        assertSmallAndFails(ONNXBuilders.initializerModel { t in
            t.int(1, self.terabyteOfFloats)
            t.int(2, 1)
            t.float(4, 1)
        })
    }

    func testDimsWhoseProductOverflows() {
        assertSmallAndFails(ONNXBuilders.initializerModel { t in
            t.int(1, 1 << 32)
            t.int(1, 1 << 32)
            t.int(2, 1)
        }) { error in
            guard case let .malformed(field, _, reason) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(field, "ModelProto.graph.initializer[0].dims")
            XCTAssertTrue(reason.contains("overflows"))
        }
    }

    func testByteCountThatOverflows() {
        assertSmallAndFails(ONNXBuilders.initializerModel { t in
            t.int(1, Int64.max / 2)
            t.int(2, 11)
            t.bytes(9, [0])
        })
    }

    func testLengthPrefixBeyondTheFile() {
        for field in [9, 4, 7, 6, 8] {  // raw_data, float_data, int64_data, string_data, name
            var bytes = ONNXBuilders.initializerModel { t in t.int(2, 1); t.tag(field, 2); t.varint(1 << 40) }
            bytes += [0, 0, 0]
            assertSmallAndFails(bytes)
        }
        assertSmallAndFails(ProtoWriter.build { m in m.int(1, 8); m.tag(7, 2); m.varint(.max) })
    }

    func testDatalessHugeTensorFailsOnlyWhenItsPayloadIsAsked() throws {
        let tensor = try firstInitializer(ONNXBuilders.initializerModel { t in
            t.int(1, self.terabyteOfFloats)
            t.int(2, 1)
        })
        XCTAssertEqual(tensor.elementCount, 1 << 38)
        XCTAssertThrowsError(try tensor.payload())
    }

    func testExternalDataClaimingATerabyte() throws {
        let directory = try TemporaryDirectory()
        try directory.write([1, 2, 3, 4], to: "w.bin")
        let bytes = ONNXBuilders.initializerModel { t in
            t.int(1, self.terabyteOfFloats)
            t.int(2, 1)
            t.string(8, "w")
            t.message(13) { e in e.string(1, "location"); e.string(2, "w.bin") }
            t.int(14, 1)
        }
        XCTAssertLessThanOrEqual(bytes.count, 100)
        let tensor = try ModelProto(contentsOf: directory.write(bytes, to: "m.onnx")).graph.initializers[0]
        XCTAssertThrowsError(try tensor.payload()) { error in
            guard case let .externalData(_, reason) = error as? ONNXError else { return XCTFail("\(error)") }
            XCTAssertTrue(reason.contains("past the end of 'w.bin' (4 bytes)"), reason)
        }
    }
}
