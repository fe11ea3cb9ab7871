import XCTest
@testable import ONNX

/// Models, graphs, nodes and tensors can be made in memory, for tests of the layers above.
final class HandMadeModelTests: XCTestCase {
    func testTensorFromPayload() throws {
        let tensor = try TensorProto(name: "w", dataType: .float, dims: [2, 2],
                                     payload: ByteView(copyingElementsOf: [Float(1), 2, 3, 4]))
        XCTAssertEqual(tensor.elementCount, 4)
        XCTAssertEqual(try tensor.payload().elements(as: Float.self), [1, 2, 3, 4])
        let scalar = try TensorProto(name: "s", dataType: .int64, dims: [], payload: ByteView(copyingElementsOf: [Int64(7)]))
        XCTAssertEqual(scalar.elementCount, 1)
    }

    func testTensorFromPayloadIsValidated() {
        let payload = ByteView(copyingElementsOf: [Float(1)])
        let cases: [(TensorDataType, [Int], String)] = [
            (.float, [2], "payload holds 4 bytes, but dims [2] of float need 8"),
            (.float, [-1], "dims [-1] has a negative entry"),
            (.float, [1 << 40, 1 << 40], "the product of dims [1099511627776, 1099511627776] overflows"),
            (.string, [1], "string tensors have no fixed-width payload"),
        ]
        for (type, dims, reason) in cases {
            XCTAssertThrowsError(try TensorProto(name: "w", dataType: type, dims: dims, payload: payload)) { error in
                XCTAssertEqual(error as? ONNXError, .invalidTensor(name: "w", reason: reason))
            }
        }
    }

    func testModelAroundAGraph() throws {
        let weight = try TensorProto(name: "W", dataType: .float, dims: [1], payload: ByteView(copyingElementsOf: [Float(2)]))
        let node = NodeProto(opType: "Mul", inputs: ["x", "W"], outputs: ["y"],
                             attributes: [AttributeProto(name: "note", value: .string("hi"))])
        let graph = GraphProto(nodes: [node], initializers: [weight],
                               inputs: [ValueInfoProto(name: "x", elementType: .float, shape: [.fixed(1)])],
                               outputs: [ValueInfoProto(name: "y", elementType: .float, shape: [.fixed(1)])])
        let model = ModelProto(graph: graph, opsetImports: [OperatorSetID(domain: "", version: 17)])
        XCTAssertNil(model.path)
        XCTAssertEqual(model.irVersion, 8)
        XCTAssertEqual(model.opsetVersion(), 17)
        XCTAssertEqual(model.graph.nodes[0].inputs, ["x", "W"])
        guard case .string("hi")? = model.graph.nodes[0].attribute("note") else { return XCTFail() }
    }
}
