import XCTest
@testable import ONNX

/// Every attribute kind, with its `type` given and with it left out (inferred from the field present).
final class AttributeTests: XCTestCase {
    /// Decodes an attribute whose value fields `body` writes, with `type` if given.
    private func attribute(type: Int64?, _ body: @escaping (inout ProtoWriter) -> Void) throws -> AttributeProto {
        try firstAttribute(ONNXBuilders.attributeModel { a in
            a.string(1, "attr")
            body(&a)
            if let type { a.int(20, type) }
        })
    }

    private let tensorBody: (inout ProtoWriter) -> Void = { t in
        t.int(1, 2)
        t.int(2, 7)
        t.string(8, "k")
        t.bytes(9, ONNXBuilders.raw([Int64(5), -6]))
    }

    private let graphBody: (inout ProtoWriter) -> Void = { g in
        g.string(2, "sub")
        g.message(1) { n in n.string(1, "a"); n.string(2, "b"); n.string(4, "Neg") }
    }

    func testEveryKindWithAndWithoutType() throws {
        for typed in [true, false] {
            func kind(_ number: Int64) -> Int64? { typed ? number : nil }

            guard case .float(0.25) = try attribute(type: kind(1), { $0.float(2, 0.25) }).value else { return XCTFail() }
            guard case .int(-7) = try attribute(type: kind(2), { $0.int(3, -7) }).value else { return XCTFail() }
            guard case .string("same") = try attribute(type: kind(3), { $0.string(4, "same") }).value else { return XCTFail() }
            guard case let .tensor(t) = try attribute(type: kind(4), { $0.message(5, self.tensorBody) }).value else { return XCTFail() }
            XCTAssertEqual(t.name, "k")
            XCTAssertEqual(try t.payload().elements(as: Int64.self), [5, -6])
            guard case let .graph(g) = try attribute(type: kind(5), { $0.message(6, self.graphBody) }).value else { return XCTFail() }
            XCTAssertEqual(g.name, "sub")
            XCTAssertEqual(g.nodes.map(\.opType), ["Neg"])
            guard case .floats([1, 2]) = try attribute(type: kind(6), { $0.float(7, 1); $0.float(7, 2) }).value else { return XCTFail() }
            guard case .ints([3, 4]) = try attribute(type: kind(7), { $0.int(8, 3); $0.int(8, 4) }).value else { return XCTFail() }
            guard case .strings(["x", "ü"]) = try attribute(type: kind(8), { $0.string(9, "x"); $0.string(9, "ü") }).value else { return XCTFail() }
            guard case let .tensors(ts) = try attribute(type: kind(9), { $0.message(10, self.tensorBody); $0.message(10, self.tensorBody) }).value else { return XCTFail() }
            XCTAssertEqual(ts.count, 2)
            guard case let .graphs(gs) = try attribute(type: kind(10), { $0.message(11, self.graphBody) }).value else { return XCTFail() }
            XCTAssertEqual(gs.map(\.name), ["sub"])
        }
    }

    func testEmptyListsAndDefaultsFollowTheType() throws {
        guard case .ints([]) = try attribute(type: 7, { _ in }).value else { return XCTFail() }
        guard case .floats([]) = try attribute(type: 6, { _ in }).value else { return XCTFail() }
        guard case .int(0) = try attribute(type: 2, { _ in }).value else { return XCTFail() }
        guard case .float(0) = try attribute(type: 1, { _ in }).value else { return XCTFail() }
        guard case .string("") = try attribute(type: 3, { _ in }).value else { return XCTFail() }
    }

    func testTensorTypeWithoutTensorIsMalformed() {
        XCTAssertThrowsError(try attribute(type: 4, { _ in })) { error in
            guard case let .malformed(field, _, reason) = error as? ONNXError else { return XCTFail("\(error)") }
            XCTAssertEqual(field, "ModelProto.graph.node[0].attribute[0].t")
            XCTAssertEqual(reason, "attribute 'attr' has type TENSOR but no t")
        }
    }

    func testUnsupportedKinds() throws {
        let sparse: (inout ProtoWriter) -> Void = { $0.message(22) { s in s.int(3, 4) } }
        let typeProto: (inout ProtoWriter) -> Void = { $0.message(14) { t in t.message(1) { $0.int(1, 1) } } }
        guard case .unsupported(kind: 11) = try attribute(type: 11, sparse).value else { return XCTFail() }
        guard case .unsupported(kind: 11) = try attribute(type: nil, sparse).value else { return XCTFail() }
        guard case .unsupported(kind: 13) = try attribute(type: nil, typeProto).value else { return XCTFail() }
        guard case .unsupported(kind: 12) = try attribute(type: nil, { $0.message(23) { _ in } }).value else { return XCTFail() }
        guard case .unsupported(kind: 14) = try attribute(type: nil, { $0.message(15) { _ in } }).value else { return XCTFail() }
        guard case .unsupported(kind: 99) = try attribute(type: 99, { $0.int(3, 1) }).value else { return XCTFail() }
        guard case .unsupported(kind: 0) = try attribute(type: nil, { _ in }).value else { return XCTFail() }
    }

    func testReferenceAttribute() throws {
        let attribute = try attribute(type: 2, { $0.string(21, "outer_axis") })
        XCTAssertEqual(attribute.name, "attr")
        XCTAssertEqual(attribute.refAttrName, "outer_axis")
        XCTAssertNil(try self.attribute(type: 2, { $0.int(3, 1) }).refAttrName)
    }

    func testTypeWinsOverOtherFieldsPresent() throws {
        guard case .ints([9]) = try attribute(type: 7, { $0.int(3, 1); $0.int(8, 9) }).value else { return XCTFail() }
    }
}
