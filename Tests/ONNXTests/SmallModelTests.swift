import XCTest
@testable import ONNX

/// A whole small model, hand-encoded: metadata, opsets, nodes, initializers and declared values.
final class SmallModelTests: XCTestCase {
    private let bytes = ProtoWriter.build { m in
        m.int(1, 8)
        m.string(2, "pytorch")
        m.string(3, "2.3.1")
        m.string(4, "org.example")
        m.int(5, 42)
        m.string(6, "a test model")
        m.message(7) { g in
            g.message(1) { n in
                n.string(1, "x")
                n.string(1, "W")
                n.string(2, "y")
                n.string(3, "conv0")
                n.string(4, "Conv")
                n.string(6, "node doc")
                n.message(5) { a in a.string(1, "group"); a.int(3, 1); a.int(20, 2) }
                n.message(5) { a in a.string(1, "pads"); a.int(8, 1); a.int(8, 1); a.int(20, 7) }
            }
            g.message(1) { n in
                n.string(1, "y")
                n.string(1, "")
                n.string(2, "z")
                n.string(4, "Custom")
                n.string(7, "com.example")
            }
            g.string(2, "main")
            g.message(5) { t in
                t.int(1, 2)
                t.int(1, 1)
                t.int(2, 1)
                t.string(8, "W")
                t.bytes(9, ONNXBuilders.raw([Float(0.5), -1]))
            }
            g.string(10, "graph doc")
            g.message(11, ONNXBuilders.valueInfo("x", elemType: 1, dims: [.symbolic("batch"), .fixed(2), .fixed(343_980)]))
            g.message(12, ONNXBuilders.valueInfo("z", elemType: 1, dims: nil))
            g.message(13, ONNXBuilders.valueInfo("y", elemType: 1, dims: [.fixed(1), .unknown]))
        }
        m.message(8) { o in o.string(1, ""); o.int(2, 17) }
        m.message(8) { o in o.string(1, "com.example"); o.int(2, 1) }
        m.message(14) { e in e.string(1, "sources"); e.string(2, "drums,bass") }
    }

    func testModelFields() throws {
        let model = try ModelProto(bytes: bytes, baseDirectory: nil)
        XCTAssertNil(model.path)
        XCTAssertEqual(model.irVersion, 8)
        XCTAssertEqual(model.producerName, "pytorch")
        XCTAssertEqual(model.producerVersion, "2.3.1")
        XCTAssertEqual(model.domain, "org.example")
        XCTAssertEqual(model.modelVersion, 42)
        XCTAssertEqual(model.docString, "a test model")
        XCTAssertEqual(model.metadata, ["sources": "drums,bass"])
        XCTAssertEqual(model.opsetImports, [OperatorSetID(domain: "", version: 17),
                                            OperatorSetID(domain: "com.example", version: 1)])
    }

    func testOpsetVersionLookup() throws {
        let model = try ModelProto(bytes: bytes, baseDirectory: nil)
        XCTAssertEqual(model.opsetVersion(), 17)
        XCTAssertEqual(model.opsetVersion(domain: "ai.onnx"), 17)
        XCTAssertEqual(model.opsetVersion(domain: "com.example"), 1)
        XCTAssertNil(model.opsetVersion(domain: "com.other"))
        let aliased = ModelProto(graph: model.graph, opsetImports: [OperatorSetID(domain: "ai.onnx", version: 13)])
        XCTAssertEqual(aliased.opsetVersion(), 13)
    }

    func testGraph() throws {
        let graph = try ModelProto(bytes: bytes, baseDirectory: nil).graph
        XCTAssertEqual(graph.name, "main")
        XCTAssertEqual(graph.nodes.count, 2)
        let conv = graph.nodes[0]
        XCTAssertEqual(conv.name, "conv0")
        XCTAssertEqual(conv.opType, "Conv")
        XCTAssertEqual(conv.domain, "")
        XCTAssertEqual(conv.inputs, ["x", "W"])
        XCTAssertEqual(conv.outputs, ["y"])
        XCTAssertEqual(conv.attributes.map(\.name), ["group", "pads"])
        guard case .int(1)? = conv.attribute("group"), case .ints([1, 1])? = conv.attribute("pads") else {
            return XCTFail("\(conv.attributes)")
        }
        XCTAssertNil(conv.attribute("strides"))
        let custom = graph.nodes[1]
        XCTAssertEqual(custom.inputs, ["y", ""])
        XCTAssertEqual(custom.domain, "com.example")
        XCTAssertEqual(custom.name, "")
    }

    func testInitializer() throws {
        let weight = try ModelProto(bytes: bytes, baseDirectory: nil).graph.initializers[0]
        XCTAssertEqual(weight.name, "W")
        XCTAssertEqual(weight.dataType, .float)
        XCTAssertEqual(weight.dims, [2, 1])
        XCTAssertEqual(weight.elementCount, 2)
        XCTAssertFalse(weight.isExternal)
        XCTAssertEqual(try weight.payload().elements(as: Float.self), [0.5, -1])
    }

    func testDeclaredValues() throws {
        let graph = try ModelProto(bytes: bytes, baseDirectory: nil).graph
        XCTAssertEqual(graph.inputs.map(\.name), ["x"])
        XCTAssertEqual(graph.inputs[0].elementType, .float)
        XCTAssertEqual(graph.inputs[0].shape, [.symbolic("batch"), .fixed(2), .fixed(343_980)])
        XCTAssertEqual(graph.outputs[0].name, "z")
        XCTAssertNil(graph.outputs[0].shape)
        XCTAssertEqual(graph.valueInfo[0].shape, [.fixed(1), .unknown])
    }
}
