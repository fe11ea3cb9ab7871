import Foundation
import ONNX
import XCTest
@testable import Engine

/// `fuseElementwiseChains`: a run of float Mul, Add, Div and Sub links, through a reshape, with operands of one
/// value, a repeated row and one per element (on either side), becomes one node with bit-identical results; a
/// link whose result another node also reads stays on its own, and so do links whose operand repeats along other
/// axes than the leading ones (a column) or in rows too short to tile.
final class FuseElementwiseChainTests: XCTestCase {
    private let width = 300

    private func floats(_ name: String, _ dims: [Int], _ values: [Float]) throws -> TensorProto {
        try TensorProto(name: name, dataType: .float, dims: dims, payload: ByteView(copyingElementsOf: values))
    }

    private func node(_ op: String, _ inputs: [String], _ output: String) -> NodeProto {
        NodeProto(name: output, opType: op, inputs: inputs, outputs: [output])
    }

    private func session(_ nodes: [NodeProto], initializers: [TensorProto], outputs: [String]) throws -> Session {
        let graph = GraphProto(
            name: "chain", nodes: nodes,
            initializers: initializers + [try TensorProto(name: "shape", dataType: .int64, dims: [2],
                                                          payload: ByteView(copyingElementsOf: [Int64(6), Int64(width)]))],
            inputs: [ValueInfoProto(name: "x", elementType: .float, shape: [2, 3, width].map { .fixed($0) }),
                     ValueInfoProto(name: "y", elementType: .float, shape: [6, width].map { .fixed($0) })],
            outputs: outputs.map { ValueInfoProto(name: $0, elementType: nil, shape: nil) })
        return try Session(model: ModelProto(graph: graph, opsetImports: [OperatorSetID(domain: "", version: 17)]))
    }

    private var x: [Float] { (0..<(6 * width)).map { Float($0 % 41) * 0.37 - 4.1 } }
    private var y: [Float] { (0..<(6 * width)).map { Float($0 % 7) * -0.61 + 1.3 } }

    func testAChainBecomesOneNode() throws {
        let row = (0..<width).map { Float($0 % 9) * 0.25 + 0.5 }
        let session = try session([node("Mul", ["scale", "x"], "scaled"), node("Reshape", ["scaled", "shape"], "flat"),
                                   node("Add", ["flat", "mean"], "shifted"), node("Div", ["row", "shifted"], "divided"),
                                   node("Sub", ["divided", "y"], "out"),
                                   node("Mul", ["y", "two"], "doubled"), node("Add", ["doubled", "mean"], "shared"),
                                   node("Neg", ["doubled"], "negated")],
                                  initializers: [try floats("scale", [1], [1.5]), try floats("mean", [1, 1], [0.3]),
                                                 try floats("row", [width], row), try floats("two", [], [2])],
                                  outputs: ["out", "shared", "negated"])
        XCTAssertEqual(session.statistics.plannedOps["Elementwise×4"], 1)
        XCTAssertEqual(session.statistics.plannedOps["Binary.mul"], 1, "a link read twice is not fused")
        XCTAssertEqual(session.statistics.plannedOps["Binary.add"], 1)
        let (x, y) = (self.x, self.y)
        let outputs = try session.run([Tensor(shape: [2, 3, width], floats: x), Tensor(shape: [6, width], floats: y)])
        let expected = (0..<(6 * width)).map { i -> Float in
            let shifted = Float(1.5) * x[i] + Float(0.3)
            return row[i % width] / shifted - y[i]
        }
        XCTAssertEqual(outputs[0].shape, [6, width])
        XCTAssertEqual(outputs[0].floats().map(\.bitPattern), expected.map(\.bitPattern))
        XCTAssertEqual(outputs[1].floats(), y.map { $0 * 2 + 0.3 })
    }

    func testColumnsAndShortRowsAreNotLinks() throws {
        let column = (0..<6).map { Float($0) + 0.5 }, row = (0..<30).map { Float($0 % 4) + 1.5 }
        let session = try session([node("Reshape", ["x", "shape"], "flat"), node("Mul", ["flat", "column"], "scaled"),
                                   node("Add", ["scaled", "y"], "out"), node("Reshape", ["y", "short"], "folded"),
                                   node("Mul", ["folded", "row"], "tiled"), node("Add", ["tiled", "one"], "sum")],
                                  initializers: [try floats("column", [6, 1], column), try floats("row", [30], row),
                                                 try floats("one", [1], [1]),
                                                 try TensorProto(name: "short", dataType: .int64, dims: [2],
                                                                 payload: ByteView(copyingElementsOf: [Int64(60), 30]))],
                                  outputs: ["out", "sum"])
        XCTAssertEqual(session.statistics.plannedOps.keys.filter { $0.hasPrefix("Elementwise") }, [])
        let (x, y) = (self.x, self.y)
        let outputs = try session.run([Tensor(shape: [2, 3, width], floats: x), Tensor(shape: [6, width], floats: y)])
        XCTAssertEqual(outputs[0].floats(), (0..<(6 * width)).map { x[$0] * column[$0 / width] + y[$0] })
        XCTAssertEqual(outputs[1].floats(), (0..<(6 * width)).map { y[$0] * row[$0 % 30] + 1 })
    }
}
