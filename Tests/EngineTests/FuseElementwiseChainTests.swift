import Foundation
import ONNX
import XCTest
@testable import Engine

/// `fuseElementwiseChains`: a run of float Mul, Add, Div and Sub links, through a reshape, with operands of one
/// value, a repeated row and one per element (on either side), becomes one node with bit-identical results; a
/// link whose result another node also reads stays on its own.
final class FuseElementwiseChainTests: XCTestCase {
    private func floats(_ name: String, _ dims: [Int], _ values: [Float]) throws -> TensorProto {
        try TensorProto(name: name, dataType: .float, dims: dims, payload: ByteView(copyingElementsOf: values))
    }

    private func node(_ op: String, _ inputs: [String], _ output: String) -> NodeProto {
        NodeProto(name: output, opType: op, inputs: inputs, outputs: [output])
    }

    func testAChainBecomesOneNode() throws {
        let row: [Float] = [0.5, -1.25, 2, 3.5, -0.75]
        let graph = GraphProto(
            name: "chain",
            nodes: [node("Mul", ["scale", "x"], "scaled"),
                    node("Reshape", ["scaled", "shape"], "flat"),
                    node("Add", ["flat", "mean"], "shifted"),
                    node("Div", ["row", "shifted"], "divided"),
                    node("Sub", ["divided", "y"], "out"),
                    node("Mul", ["y", "two"], "doubled"),
                    node("Add", ["doubled", "mean"], "shared")],
            initializers: [try floats("scale", [1], [1.5]), try floats("mean", [1, 1], [0.3]),
                           try floats("row", [5], row), try floats("two", [], [2]),
                           try TensorProto(name: "shape", dataType: .int64, dims: [2],
                                           payload: ByteView(copyingElementsOf: [Int64(6), 5]))],
            inputs: [ValueInfoProto(name: "x", elementType: .float, shape: [2, 3, 5].map { .fixed($0) }),
                     ValueInfoProto(name: "y", elementType: .float, shape: [6, 5].map { .fixed($0) })],
            outputs: ["out", "doubled", "shared"].map { ValueInfoProto(name: $0, elementType: nil, shape: nil) })
        let session = try Session(model: ModelProto(graph: graph, opsetImports: [OperatorSetID(domain: "", version: 17)]))
        XCTAssertEqual(session.statistics.plannedOps["Elementwise×4"], 1)
        XCTAssertEqual(session.statistics.plannedOps["Binary.mul"], 1, "a link read twice is not fused")
        XCTAssertEqual(session.statistics.plannedOps["Binary.add"], 1)
        let x = (0..<30).map { Float($0) * 0.37 - 4.1 }, y = (0..<30).map { Float($0 % 7) * -0.61 + 1.3 }
        let outputs = try session.run([Tensor(shape: [2, 3, 5], floats: x), Tensor(shape: [6, 5], floats: y)])
        let expected = (0..<30).map { i -> Float in
            let shifted = Float(1.5) * x[i] + Float(0.3)
            return row[i % 5] / shifted - y[i]
        }
        XCTAssertEqual(outputs[0].shape, [6, 5])
        XCTAssertEqual(outputs[0].floats().map(\.bitPattern), expected.map(\.bitPattern))
        XCTAssertEqual(outputs[2].floats(), y.map { $0 * 2 + 0.3 })
    }
}
