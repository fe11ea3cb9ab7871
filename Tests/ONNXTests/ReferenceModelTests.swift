import XCTest
@testable import ONNX

/// The reader against a model written by the official `onnx` Python package (see `SampleModels.reference`).
final class ReferenceModelTests: XCTestCase {
    private func model() throws -> ModelProto {
        try ModelProto(bytes: SampleModels.reference, baseDirectory: nil)
    }

    func testHeader() throws {
        let model = try model()
        XCTAssertEqual(model.irVersion, 8)
        XCTAssertEqual(model.producerName, "pytorch")
        XCTAssertEqual(model.producerVersion, "2.3.1")
        XCTAssertEqual(model.opsetVersion(), 17)
        XCTAssertEqual(model.opsetVersion(domain: "com.example"), 1)
        XCTAssertEqual(model.metadata["sources"], "drums,bass,other,vocals")
    }

    func testNodesAndAttributes() throws {
        let nodes = try model().graph.nodes
        XCTAssertEqual(nodes.map(\.opType), ["Conv", "Constant", "LeakyRelu", "Custom", "If"])
        guard case .ints([4])? = nodes[0].attribute("kernel_shape"), case .int(1)? = nodes[0].attribute("group"),
              case .ints([1, 1])? = nodes[0].attribute("pads") else { return XCTFail("\(nodes[0].attributes)") }
        guard case let .tensor(value)? = nodes[1].attribute("value") else { return XCTFail() }
        XCTAssertEqual(value.name, "cv")
        XCTAssertEqual(try value.payload().elements(as: Float.self), [1.5, 2.5, -3])
        guard case .float(0.125)? = nodes[2].attribute("alpha") else { return XCTFail() }
        XCTAssertEqual(nodes[3].domain, "com.example")
        guard case .string("reflect")? = nodes[3].attribute("mode"), case .strings(["a", "bé"])? = nodes[3].attribute("names"),
              case .floats([0.5, 2])? = nodes[3].attribute("scales") else { return XCTFail("\(nodes[3].attributes)") }
        guard case let .graph(thenBranch)? = nodes[4].attribute("then_branch"),
              case let .graph(elseBranch)? = nodes[4].attribute("else_branch") else { return XCTFail() }
        XCTAssertEqual(thenBranch.nodes.map(\.opType), ["Identity"])
        XCTAssertEqual(elseBranch.outputs.map(\.name), ["e"])
        XCTAssertEqual(elseBranch.outputs[0].elementType, .float)
    }

    func testInitializers() throws {
        let initializers = try model().graph.initializers
        XCTAssertEqual(initializers.map(\.name), ["W", "shape", "halves"])
        XCTAssertEqual(initializers[0].dims, [2, 3, 4])
        XCTAssertEqual(try initializers[0].payload().elements(as: Float.self), (0..<24).map { Float($0) * 0.5 })
        XCTAssertEqual(try initializers[1].payload().elements(as: Int64.self), [3, -1])
        XCTAssertEqual(initializers[2].dataType, .float16)
        // helper.make_tensor took the raw bit patterns as values: float16 15360 and 49152.
        XCTAssertEqual(try initializers[2].payload().elements(as: UInt16.self), [0x7380, 0x7a00])
    }

    func testValueInfos() throws {
        let graph = try model().graph
        XCTAssertEqual(graph.inputs[0].shape, [.symbolic("batch"), .fixed(2), .fixed(343_980)])
        XCTAssertEqual(graph.inputs[1].elementType, .bool)
        XCTAssertEqual(graph.inputs[1].shape, [])
        XCTAssertEqual(graph.outputs[0].shape, [.symbolic("batch"), .unknown, .fixed(7)])
        XCTAssertEqual(graph.valueInfo[0].shape, [.fixed(1), .fixed(3), .fixed(171_990)])
    }
}
