import Foundation
import ONNX
import XCTest
@testable import Engine

/// `shrinkBroadcastConstants`: a large constant that a folded `Expand` repeated along some axes is kept at extent 1
/// there and broadcast, with the same results; a constant whose values vary is kept whole.
final class ShrinkBroadcastConstantTests: XCTestCase {
    private func floats(_ name: String, _ dims: [Int], _ values: [Float]) throws -> TensorProto {
        try TensorProto(name: name, dataType: .float, dims: dims, payload: ByteView(copyingElementsOf: values))
    }

    /// `y = x − Expand(c, x's shape)` and `z = x + d` for `x` `[1, 3, 40, 600]`, `c` `[1, 3, 40, 1]` and a
    /// varying `d` of `x`'s shape.
    private func model() throws -> ModelProto {
        let shape = [1, 3, 40, 600], count = shape.reduce(1, *)
        let c = (0..<120).map { Float(sin(Double($0) * 0.3)) }
        let d = (0..<count).map { Float(cos(Double($0) * 0.01)) }
        let graph = GraphProto(
            name: "shrink",
            nodes: [NodeProto(name: "expand", opType: "Expand", inputs: ["c", "shape"], outputs: ["e"]),
                    NodeProto(name: "sub", opType: "Sub", inputs: ["x", "e"], outputs: ["y"]),
                    NodeProto(name: "add", opType: "Add", inputs: ["x", "d"], outputs: ["z"])],
            initializers: [try floats("c", [1, 3, 40, 1], c), try floats("d", shape, d),
                           try TensorProto(name: "shape", dataType: .int64, dims: [4],
                                           payload: ByteView(copyingElementsOf: shape.map { Int64($0) }))],
            inputs: [ValueInfoProto(name: "x", elementType: .float, shape: shape.map { .fixed($0) })],
            outputs: [ValueInfoProto(name: "y", elementType: .float, shape: nil),
                      ValueInfoProto(name: "z", elementType: .float, shape: nil)])
        return ModelProto(graph: graph, opsetImports: [OperatorSetID(domain: "", version: 17)])
    }

    func testRepeatedConstantsShrinkAndVaryingOnesStay() throws {
        var builder = try GraphBuilder(model: try model())
        var (graph, _) = try builder.build(inputShapes: [:])
        XCTAssertEqual(shrinkBroadcastConstants(&graph), 1)
        let shapes = graph.constants.values.filter { $0.dataType == .float32 }.map(\.shape)
        XCTAssertTrue(shapes.contains([1, 3, 40, 1]), "\(shapes)")
        XCTAssertTrue(shapes.contains([1, 3, 40, 600]), "the varying constant stays whole: \(shapes)")

        let x = (0..<72_000).map { Float($0 % 97) * 0.25 }
        let outputs = try Session(model: try model()).run([Tensor(shape: [1, 3, 40, 600], floats: x)])
        let y = outputs[0].floats(), z = outputs[1].floats()
        for i in stride(from: 0, to: x.count, by: 7) {
            XCTAssertEqual(y[i], x[i] - Float(sin(Double(i / 600) * 0.3)), "y at \(i)")
            XCTAssertEqual(z[i], x[i] + Float(cos(Double(i) * 0.01)), "z at \(i)")
        }
    }
}
