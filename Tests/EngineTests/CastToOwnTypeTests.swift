import Foundation
import ONNX
import XCTest
@testable import Engine

/// A `Cast` to the type its input already has lowers to a reshape (it shares the input's bytes, no copy), with the
/// same values, whether its output feeds another node or is a graph output; a cast that changes the type still
/// converts.
final class CastToOwnTypeTests: XCTestCase {
    private func cast(_ input: String, to type: TensorDataType, as output: String) -> NodeProto {
        NodeProto(name: output, opType: "Cast", inputs: [input], outputs: [output],
                  attributes: [AttributeProto(name: "to", value: .int(Int64(type.rawValue)))])
    }

    func testACastToTheSameTypeIsAReshape() throws {
        let graph = GraphProto(
            name: "casts",
            nodes: [cast("x", to: .float, as: "same"),
                    NodeProto(name: "add", opType: "Add", inputs: ["same", "x"], outputs: ["sum"]),
                    cast("x", to: .float, as: "direct"),
                    cast("sum", to: .int64, as: "whole")],
            inputs: [ValueInfoProto(name: "x", elementType: .float, shape: [2, 3].map { .fixed($0) })],
            outputs: ["sum", "direct", "whole"].map { ValueInfoProto(name: $0, elementType: nil, shape: nil) })
        let session = try Session(model: ModelProto(graph: graph, opsetImports: [OperatorSetID(domain: "", version: 17)]))
        XCTAssertEqual(session.statistics.plannedOps["Cast"], 1, "only the cast to int64 converts")
        let x: [Float] = [0.25, -1.5, 2, 3.75, -4, 5.5]
        let outputs = try session.run([Tensor(shape: [2, 3], floats: x)])
        XCTAssertEqual(outputs[0].floats(), x.map { $0 + $0 })
        XCTAssertEqual(outputs[1].floats(), x)
        XCTAssertEqual(outputs[2].int64s(), x.map { Int64(($0 + $0).rounded(.towardZero)) })
    }
}
