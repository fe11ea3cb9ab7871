import Foundation
import ONNX
import XCTest
@testable import Engine

/// A `Gather` whose constant indices all pick the only element of a length-1 axis lowers to a reshape (no copy), with
/// the same values; other gathers stay, and an index past a length-1 axis is still refused when the model runs.
final class GatherOnUnitAxisTests: XCTestCase {
    private func int64s(_ name: String, _ dims: [Int], _ values: [Int64]) throws -> TensorProto {
        try TensorProto(name: name, dataType: .int64, dims: dims, payload: ByteView(copyingElementsOf: values))
    }

    /// `x` `[2, 1, 5]` gathered on axis 1 by each of `indices` (name, dims, values), one output each.
    private func model(_ indices: [(String, [Int], [Int64])]) throws -> ModelProto {
        let graph = GraphProto(
            name: "gather",
            nodes: indices.map { NodeProto(name: "g_\($0.0)", opType: "Gather", inputs: ["x", $0.0], outputs: ["y_\($0.0)"],
                                           attributes: [AttributeProto(name: "axis", value: .int(1))]) },
            initializers: try indices.map { try int64s($0.0, $0.1, $0.2) },
            inputs: [ValueInfoProto(name: "x", elementType: .float, shape: [2, 1, 5].map { .fixed($0) })],
            outputs: indices.map { ValueInfoProto(name: "y_\($0.0)", elementType: .float, shape: nil) })
        return ModelProto(graph: graph, opsetImports: [OperatorSetID(domain: "", version: 17)])
    }

    func testPickingTheOnlyElementIsAReshape() throws {
        let session = try Session(model: try model([("first", [], [0]), ("last", [], [-1]), ("listed", [1], [0]),
                                                    ("twice", [2], [0, -1])]))
        XCTAssertEqual(session.statistics.plannedOps["Gather"], 1, "only the gather that repeats its element copies")
        let x = (0..<10).map { Float($0) * 1.5 }
        let outputs = try session.run([Tensor(shape: [2, 1, 5], floats: x)])
        XCTAssertEqual(outputs.map(\.shape), [[2, 5], [2, 5], [2, 1, 5], [2, 2, 5]])
        for output in outputs.prefix(3) { XCTAssertEqual(output.floats(), x) }
        XCTAssertEqual(outputs[3].floats(), Array(x[0..<5] + x[0..<5] + x[5..<10] + x[5..<10]))
    }

    func testAnIndexPastTheAxisIsStillRefused() throws {
        let session = try Session(model: try model([("past", [], [1])]))
        XCTAssertEqual(session.statistics.plannedOps["Gather"], 1)
        XCTAssertThrowsError(try session.run([Tensor(shape: [2, 1, 5], floats: Array(repeating: 0, count: 10))])) {
            XCTAssertTrue("\($0)".contains("outside an axis of length 1"), "\($0)")
        }
    }
}
