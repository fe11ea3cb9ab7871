import XCTest
@testable import ONNX

/// Every repeated numeric field accepts packed, unpacked and mixed occurrences, with one meaning.
final class RepeatedFieldEncodingTests: XCTestCase {
    /// How a repeated field's values are split into occurrences.
    private enum Layout: CaseIterable { case packed, unpacked, mixed, packedInTwoRuns }

    private func writeVarints(_ w: inout ProtoWriter, _ field: Int, _ values: [Int64], _ layout: Layout) {
        switch layout {
        case .packed: w.packedVarints(field, values)
        case .unpacked: values.forEach { w.int(field, $0) }
        case .mixed:
            w.int(field, values[0])
            w.packedVarints(field, Array(values[1...]))
        case .packedInTwoRuns:
            w.packedVarints(field, Array(values[..<1]))
            w.packedVarints(field, Array(values[1...]))
        }
    }

    private func writeFixed32(_ w: inout ProtoWriter, _ field: Int, _ values: [UInt32], _ layout: Layout) {
        switch layout {
        case .packed: w.packedFixed32(field, values)
        case .unpacked: values.forEach { w.fixed32(field, $0) }
        case .mixed:
            w.packedFixed32(field, Array(values[..<1]))
            values[1...].forEach { w.fixed32(field, $0) }
        case .packedInTwoRuns:
            w.packedFixed32(field, Array(values[..<1]))
            w.packedFixed32(field, Array(values[1...]))
        }
    }

    private func writeFixed64(_ w: inout ProtoWriter, _ field: Int, _ values: [UInt64], _ layout: Layout) {
        switch layout {
        case .packed: w.packedFixed64(field, values)
        case .unpacked: values.forEach { w.fixed64(field, $0) }
        case .mixed:
            w.fixed64(field, values[0])
            w.packedFixed64(field, Array(values[1...]))
        case .packedInTwoRuns:
            w.packedFixed64(field, Array(values[..<2]))
            w.packedFixed64(field, Array(values[2...]))
        }
    }

    func testDims() throws {
        for layout in Layout.allCases {
            let tensor = try firstInitializer(ONNXBuilders.initializerModel { t in
                self.writeVarints(&t, 1, [2, 300, 1], layout)
                t.int(2, 1)
                t.bytes(9, [UInt8](repeating: 0, count: 2400))
            })
            XCTAssertEqual(tensor.dims, [2, 300, 1], "\(layout)")
            XCTAssertEqual(tensor.elementCount, 600)
        }
    }

    func testFloatData() throws {
        let values: [Float] = [1.5, -2, 0, .infinity]
        for layout in Layout.allCases {
            let tensor = try firstInitializer(ONNXBuilders.initializerModel { t in
                t.int(1, 4)
                t.int(2, 1)
                self.writeFixed32(&t, 4, values.map(\.bitPattern), layout)
            })
            XCTAssertEqual(try tensor.payload().elements(as: Float.self), values, "\(layout)")
        }
    }

    func testDoubleData() throws {
        let values: [Double] = [1.5, -2, .pi, -0.0]
        for layout in Layout.allCases {
            let tensor = try firstInitializer(ONNXBuilders.initializerModel { t in
                t.int(1, 4)
                t.int(2, 11)
                self.writeFixed64(&t, 10, values.map(\.bitPattern), layout)
            })
            XCTAssertEqual(try tensor.payload().elements(as: Double.self).map(\.bitPattern),
                           values.map(\.bitPattern), "\(layout)")
        }
    }

    func testInt32Data() throws {
        let values: [Int32] = [0, -1, .max, .min]
        for layout in Layout.allCases {
            let tensor = try firstInitializer(ONNXBuilders.initializerModel { t in
                t.int(1, 4)
                t.int(2, 6)
                self.writeVarints(&t, 5, values.map(Int64.init), layout)
            })
            XCTAssertEqual(try tensor.payload().elements(as: Int32.self), values, "\(layout)")
        }
    }

    func testInt64Data() throws {
        let values: [Int64] = [0, -1, .max, .min]
        for layout in Layout.allCases {
            let tensor = try firstInitializer(ONNXBuilders.initializerModel { t in
                t.int(1, 4)
                t.int(2, 7)
                self.writeVarints(&t, 7, values, layout)
            })
            XCTAssertEqual(try tensor.payload().elements(as: Int64.self), values, "\(layout)")
        }
    }

    func testUInt64Data() throws {
        let values: [UInt64] = [0, 1, .max, 1 << 63]
        for layout in Layout.allCases {
            let tensor = try firstInitializer(ONNXBuilders.initializerModel { t in
                t.int(1, 4)
                t.int(2, 13)
                self.writeVarints(&t, 11, values.map { Int64(bitPattern: $0) }, layout)
            })
            XCTAssertEqual(try tensor.payload().elements(as: UInt64.self), values, "\(layout)")
        }
    }

    func testAttributeInts() throws {
        for layout in Layout.allCases {
            let attribute = try firstAttribute(ONNXBuilders.attributeModel { a in
                a.string(1, "pads")
                self.writeVarints(&a, 8, [1, -1, 1 << 40], layout)
                a.int(20, 7)
            })
            guard case let .ints(values) = attribute.value else { return XCTFail("\(attribute.value)") }
            XCTAssertEqual(values, [1, -1, 1 << 40], "\(layout)")
        }
    }

    func testAttributeFloats() throws {
        let values: [Float] = [0.5, -3, 1e-7]
        for layout in Layout.allCases {
            let attribute = try firstAttribute(ONNXBuilders.attributeModel { a in
                a.string(1, "scales")
                self.writeFixed32(&a, 7, values.map(\.bitPattern), layout)
                a.int(20, 6)
            })
            guard case let .floats(decoded) = attribute.value else { return XCTFail("\(attribute.value)") }
            XCTAssertEqual(decoded, values, "\(layout)")
        }
    }

    func testPackedFixedWidthRunsMustBeWholeValues() {
        let bytes = ONNXBuilders.initializerModel { t in
            t.int(1, 1)
            t.int(2, 1)
            t.bytes(4, [0, 0, 0x80, 0x3f, 0])
        }
        XCTAssertThrowsError(try firstInitializer(bytes)) { error in
            guard case let .malformed(field, _, reason) = error as? ONNXError else { return XCTFail("\(error)") }
            XCTAssertEqual(field, "ModelProto.graph.initializer[0].float_data")
            XCTAssertEqual(reason, "packed payload of 5 bytes is not a multiple of 4")
        }
    }

    func testPackedVarintRunMustEndWithACompleteValue() {
        let bytes = ONNXBuilders.initializerModel { t in
            t.int(1, 2)
            t.int(2, 7)
            t.bytes(7, [0x01, 0x80])
        }
        XCTAssertThrowsError(try firstInitializer(bytes)) { error in
            guard case let .malformed(field, _, _) = error as? ONNXError else { return XCTFail("\(error)") }
            XCTAssertEqual(field, "ModelProto.graph.initializer[0].int64_data")
        }
    }
}
