import XCTest
@testable import ONNX

/// `payload()` gives dense little-endian bytes for every element type, from raw_data and from
/// the typed field each type uses, and is zero-copy where the bytes are already in that form.
final class TensorPayloadTests: XCTestCase {
    /// A tensor of `type` with `dims` whose data fields `data` writes.
    private func tensor(_ type: TensorDataType, dims: [Int64], _ data: @escaping (inout ProtoWriter) -> Void) throws -> TensorProto {
        try firstInitializer(ONNXBuilders.initializerModel { t in
            dims.forEach { t.int(1, $0) }
            t.int(2, Int64(type.rawValue))
            t.string(8, "t")
            data(&t)
        })
    }

    func testRawDataOfEveryFixedWidthType() throws {
        for type in TensorDataType.allCases where type != .undefined && type != .string {
            let bytes = try XCTUnwrap(type.byteCount(elements: 6))
            let raw = (0..<bytes).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 1) }
            let tensor = try self.tensor(type, dims: [2, 3]) { $0.bytes(9, raw) }
            XCTAssertEqual(tensor.dataType, type)
            XCTAssertEqual(tensor.elementCount, 6)
            XCTAssertEqual(try tensor.payload().elements(as: UInt8.self), raw, "\(type)")
        }
    }

    func testByteWidths() {
        XCTAssertEqual(TensorDataType.float.byteWidth, 4)
        XCTAssertEqual(TensorDataType.bool.byteWidth, 1)
        XCTAssertEqual(TensorDataType.float16.byteWidth, 2)
        XCTAssertEqual(TensorDataType.complex128.byteWidth, 16)
        XCTAssertNil(TensorDataType.string.byteWidth)
        XCTAssertNil(TensorDataType.undefined.byteWidth)
        XCTAssertNil(TensorDataType.int4.byteWidth)
        XCTAssertEqual(TensorDataType.int4.byteCount(elements: 3), 2)
        XCTAssertEqual(TensorDataType.float6e2m3.byteCount(elements: 5), 4)
        XCTAssertNil(TensorDataType.float.byteCount(elements: .max / 2))
    }

    func testTypedFieldsOfEveryType() throws {
        func check<T: BitwiseCopyable & Equatable>(_ type: TensorDataType, _ field: Int, _ values: [Int64], as: T.Type,
                                                  _ expected: [T], line: UInt = #line) throws {
            let tensor = try self.tensor(type, dims: [Int64(expected.count)]) { $0.packedVarints(field, values) }
            XCTAssertEqual(try tensor.payload().elements(as: T.self), expected, "\(type)", line: line)
        }
        try check(.int32, 5, [1, -1, Int64(Int32.min)], as: Int32.self, [1, -1, .min])
        try check(.int16, 5, [300, -300], as: Int16.self, [300, -300])
        try check(.uint16, 5, [65535, 1], as: UInt16.self, [65535, 1])
        try check(.int8, 5, [-128, 127], as: Int8.self, [-128, 127])
        try check(.uint8, 5, [255, 0], as: UInt8.self, [255, 0])
        try check(.bool, 5, [1, 0, 1], as: UInt8.self, [1, 0, 1])
        try check(.float16, 5, [0x3c00, 0xc000], as: UInt16.self, [0x3c00, 0xc000])
        try check(.bfloat16, 5, [0x3f80], as: UInt16.self, [0x3f80])
        try check(.float8e4m3fn, 5, [0x38, 0xb8], as: UInt8.self, [0x38, 0xb8])
        try check(.int64, 7, [.min, .max], as: Int64.self, [.min, .max])
        try check(.uint64, 11, [-1, 2], as: UInt64.self, [.max, 2])
        try check(.uint32, 11, [Int64(UInt32.max), 5], as: UInt32.self, [.max, 5])

        let floats = try tensor(.float, dims: [2]) { $0.packedFixed32(4, [Float(1.5).bitPattern, Float(-2).bitPattern]) }
        XCTAssertEqual(try floats.payload().elements(as: Float.self), [1.5, -2])
        let complex = try tensor(.complex64, dims: [1]) { $0.packedFixed32(4, [Float(1).bitPattern, Float(2).bitPattern]) }
        XCTAssertEqual(try complex.payload().elements(as: Float.self), [1, 2])
        let doubles = try tensor(.double, dims: [1]) { $0.double(10, -0.5) }
        XCTAssertEqual(try doubles.payload().elements(as: Double.self), [-0.5])
        let complex128 = try tensor(.complex128, dims: [1]) { $0.packedFixed64(10, [Double(3).bitPattern, Double(4).bitPattern]) }
        XCTAssertEqual(try complex128.payload().elements(as: Double.self), [3, 4])
    }

    func testRawDataAndSinglePackedRunAreZeroCopy() throws {
        let bytes = ONNXBuilders.model { g in
            g.message(5) { t in t.int(1, 2); t.int(2, 1); t.bytes(9, ONNXBuilders.raw([Float(1), 2])) }
            g.message(5) { t in t.int(1, 2); t.int(2, 1); t.packedFixed32(4, [1, 2]) }
            g.message(5) { t in t.int(1, 2); t.int(2, 1); t.fixed32(4, 1); t.fixed32(4, 2) }
        }
        let model = try ModelProto(bytes: bytes, baseDirectory: nil)
        let owners = try model.graph.initializers.map { try ObjectIdentifier($0.payload().owner) }
        XCTAssertEqual(owners[0], owners[1], "raw_data and a packed run view the model's own bytes")
        XCTAssertNotEqual(owners[0], owners[2], "unpacked floats are gathered into new storage")
        XCTAssertEqual(try model.graph.initializers[2].payload().elements(as: UInt32.self), [1, 2])
    }

    func testStringTensor() throws {
        let tensor = try self.tensor(.string, dims: [2]) { $0.string(6, "ab"); $0.bytes(6, [0xff]) }
        XCTAssertEqual(try tensor.stringElements().map { $0.elements(as: UInt8.self) }, [[97, 98], [0xff]])
        XCTAssertThrowsError(try tensor.payload())
        let floats = try self.tensor(.float, dims: [0]) { _ in }
        XCTAssertThrowsError(try floats.stringElements())
    }

    func testEmptyAndDataless() throws {
        let empty = try tensor(.float, dims: [3, 0]) { _ in }
        XCTAssertEqual(empty.elementCount, 0)
        XCTAssertEqual(try empty.payload().count, 0)
        let dataless = try tensor(.float, dims: [2]) { _ in }
        XCTAssertThrowsError(try dataless.payload()) { error in
            XCTAssertEqual(error as? ONNXError, .invalidTensor(name: "t", reason: "has 2 elements but no data"))
        }
        let scalar = try tensor(.int64, dims: []) { $0.int(7, 12) }
        XCTAssertEqual(scalar.dims, [])
        XCTAssertEqual(scalar.elementCount, 1)
        XCTAssertEqual(try scalar.payload().elements(as: Int64.self), [12])
    }

    func testSubByteTypedDataIsReportedUnsupported() throws {
        let tensor = try self.tensor(.int4, dims: [2]) { $0.int(5, 0x21) }
        XCTAssertThrowsError(try tensor.payload()) { error in
            XCTAssertEqual(error as? ONNXError,
                           .invalidTensor(name: "t", reason: "int32_data for int4 is not supported; store it in raw_data"))
        }
    }

    func testSizeDisagreementsAreMalformed() {
        let cases: [(String, (inout ProtoWriter) -> Void, TensorDataType)] = [
            ("raw_data", { $0.bytes(9, [0, 0, 0]) }, .float),
            ("float_data", { $0.float(4, 1) }, .float),
            ("int64_data", { $0.int(7, 1); $0.int(7, 1); $0.int(7, 1) }, .int64),
            ("float_data", { $0.float(4, 1); $0.float(4, 1) }, .int32),
            ("string_data", { $0.string(6, "a") }, .float),
            ("raw_data", { $0.bytes(9, [0, 0]) }, .string),
        ]
        for (field, data, type) in cases {
            XCTAssertThrowsError(try tensor(type, dims: [2], data), field) { error in
                guard case let .malformed(path, _, _) = error as? ONNXError else { return XCTFail("\(error)") }
                XCTAssertEqual(path, "ModelProto.graph.initializer[0].\(field)")
            }
        }
    }

    func testConflictingDataFieldsAreMalformed() {
        XCTAssertThrowsError(try tensor(.float, dims: [1]) { $0.float(4, 1); $0.bytes(9, [0, 0, 0, 0]) }) { error in
            guard case let .malformed(_, _, reason) = error as? ONNXError else { return XCTFail("\(error)") }
            XCTAssertEqual(reason, "holds data in more than one way: float_data, raw_data")
        }
    }

    func testUnknownDataTypeIsMalformed() {
        XCTAssertThrowsError(try firstInitializer(ONNXBuilders.initializerModel { $0.int(2, 99) })) { error in
            guard case let .malformed(field, _, reason) = error as? ONNXError else { return XCTFail("\(error)") }
            XCTAssertEqual(field, "ModelProto.graph.initializer[0].data_type")
            XCTAssertEqual(reason, "unknown data type 99")
        }
    }

    func testNegativeDimIsMalformed() {
        XCTAssertThrowsError(try tensor(.float, dims: [2, -1]) { _ in }) { error in
            guard case let .malformed(field, _, _) = error as? ONNXError else { return XCTFail("\(error)") }
            XCTAssertEqual(field, "ModelProto.graph.initializer[0].dims")
        }
    }
}
