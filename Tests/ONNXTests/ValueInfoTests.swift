import XCTest
@testable import ONNX

/// Declared values: tensor element types and shapes with fixed, symbolic and unknown dims.
final class ValueInfoTests: XCTestCase {
    private func input(_ write: @escaping (inout ProtoWriter) -> Void) throws -> ValueInfoProto {
        try ModelProto(bytes: ONNXBuilders.model { $0.message(11, write) }, baseDirectory: nil).graph.inputs[0]
    }

    func testShapes() throws {
        let info = try input(ONNXBuilders.valueInfo("x", elemType: 7, dims: [.fixed(0), .symbolic("n"), .unknown, .fixed(1 << 40)]))
        XCTAssertEqual(info.name, "x")
        XCTAssertEqual(info.elementType, .int64)
        XCTAssertEqual(info.shape, [.fixed(0), .symbolic("n"), .unknown, .fixed(1 << 40)])
    }

    func testScalarAndUndeclaredShape() throws {
        XCTAssertEqual(try input(ONNXBuilders.valueInfo("s", elemType: 1, dims: [])).shape, [])
        XCTAssertNil(try input(ONNXBuilders.valueInfo("u", elemType: 1, dims: nil)).shape)
    }

    func testNegativeDimValueIsUnknown() throws {
        XCTAssertEqual(try input(ONNXBuilders.valueInfo("x", elemType: 1, dims: [.fixed(-1)])).shape, [.unknown])
    }

    func testNonTensorAndUntypedValues() throws {
        let sequence = try input { v in
            v.string(1, "seq")
            v.message(2) { t in t.message(4) { s in s.message(1) { e in e.message(1) { $0.int(1, 1) } } } }
        }
        XCTAssertEqual(sequence.name, "seq")
        XCTAssertNil(sequence.elementType)
        XCTAssertNil(sequence.shape)
        let untyped = try input { $0.string(1, "bare") }
        XCTAssertNil(untyped.elementType)
        let unknownType = try input(ONNXBuilders.valueInfo("x", elemType: 1234, dims: []))
        XCTAssertNil(unknownType.elementType)
    }

    func testErrorsNameTheDim() {
        XCTAssertThrowsError(try input { v in
            v.string(1, "x")
            v.message(2) { t in t.message(1) { tt in tt.message(2) { s in s.message(1) { $0.int(1, 3) }; s.message(1) { $0.bytes(2, [0xc3]) } } } }
        }) { error in
            guard case let .malformed(field, _, reason) = error as? ONNXError else { return XCTFail("\(error)") }
            XCTAssertEqual(field, "ModelProto.graph.input[0].type.tensor_type.shape.dim[1].dim_param")
            XCTAssertEqual(reason, "not valid UTF-8")
        }
    }
}
