import Engine
import ONNX
import XCTest

/// Models that are wrong in the ways a damaged or malicious file can be: each loads to a clear `EngineError`
/// naming the node or value at fault, without allocating what the file claims. (Models that make the loader
/// overflow are run out of process, in `CLITests/HostileModelFileTests`.)
final class HostileModelTests: XCTestCase {
    private func float(_ name: String, _ shape: [Int]?) -> ValueInfoProto {
        ValueInfoProto(name: name, elementType: .float, shape: shape.map { $0.map { .fixed($0) } })
    }

    private func int64s(_ name: String, _ values: [Int64], dims: [Int]? = nil) throws -> TensorProto {
        try TensorProto(name: name, dataType: .int64, dims: dims ?? [values.count],
                        payload: ByteView(copyingElementsOf: values))
    }

    private func model(_ nodes: [NodeProto], inputs: [ValueInfoProto] = [], outputs: [String] = ["y"],
                       initializers: [TensorProto] = [], opset: Int64 = 17) -> ModelProto {
        let graph = GraphProto(name: "hostile", nodes: nodes, initializers: initializers, inputs: inputs,
                               outputs: outputs.map { float($0, nil) })
        return ModelProto(graph: graph, opsetImports: [OperatorSetID(domain: "", version: opset)])
    }

    /// Loading `model` throws the `EngineError` `expected` describes.
    private func assertRefused(_ model: ModelProto, line: UInt = #line, _ expected: (EngineError) -> Bool) {
        XCTAssertThrowsError(try Session(model: model), line: line) { error in
            guard let error = error as? EngineError else { return XCTFail("not an EngineError: \(error)", line: line) }
            XCTAssertTrue(expected(error), "unexpected: \(error)", line: line)
            XCTAssertFalse(error.description.contains("\n"), "one line: \(error)", line: line)
        }
    }

    func testTensorsClaimingATerabyteAreRefusedUnallocated() throws {
        let terabyte: Int64 = 1 << 38  // floats
        assertRefused(model([NodeProto(name: "filler", opType: "ConstantOfShape", inputs: ["shape"], outputs: ["y"])],
                            initializers: [try int64s("shape", [terabyte])])) {
            if case .tooLarge(value: "y", _) = $0 { return true }
            return false
        }
        assertRefused(model([NodeProto(name: "widen", opType: "Expand", inputs: ["x", "shape"], outputs: ["y"])],
                            inputs: [float("x", [1])], initializers: [try int64s("shape", [terabyte])])) {
            if case .tooLarge(value: "y", _) = $0 { return true }
            return false
        }
        assertRefused(model([NodeProto(name: "count", opType: "Range", inputs: ["a", "b", "c"], outputs: ["y"])],
                            initializers: [try int64s("a", [0], dims: []), try int64s("b", [terabyte], dims: []),
                                           try int64s("c", [1], dims: [])])) {
            if case .tooLarge = $0 { return true }
            return false
        }
        assertRefused(model([NodeProto(name: "relu", opType: "Relu", inputs: ["x"], outputs: ["y"])],
                            inputs: [float("x", [Int(terabyte)])])) {
            if case .tooLarge = $0 { return true }
            return false
        }
    }

    func testACycleNamesItsNodes() {
        assertRefused(model([NodeProto(name: "first", opType: "Relu", inputs: ["b"], outputs: ["a"]),
                             NodeProto(name: "second", opType: "Relu", inputs: ["a"], outputs: ["b"]),
                             NodeProto(name: "last", opType: "Relu", inputs: ["b"], outputs: ["y"])])) {
            guard case let .cycle(nodes) = $0 else { return false }
            return Set(nodes) == ["first", "second", "last"]
        }
    }

    func testAMissingInputNamesNodeAndValue() {
        assertRefused(model([NodeProto(name: "adder", opType: "Add", inputs: ["x", "nowhere"], outputs: ["y"])],
                            inputs: [float("x", [2])])) {
            $0 == .missingValue(node: "adder", value: "nowhere")
        }
        assertRefused(model([NodeProto(name: "relu", opType: "Relu", inputs: ["x"], outputs: ["z"])],
                            inputs: [float("x", [2])])) {
            $0 == .missingValue(node: "graph output", value: "y")
        }
    }

    func testAShapeMismatchBetweenNodesNamesNodeAndShapes() throws {
        assertRefused(model([NodeProto(name: "grow", opType: "Tile", inputs: ["x", "r"], outputs: ["t"]),
                             NodeProto(name: "adder", opType: "Add", inputs: ["t", "x"], outputs: ["y"])],
                            inputs: [float("x", [2, 3])], initializers: [try int64s("r", [2, 2])])) {
            guard case let .invalidNode(node, opType, detail) = $0 else { return false }
            return node == "adder" && opType == "Add" && detail.contains("[4, 6]") && detail.contains("[2, 3]")
        }
        assertRefused(model([NodeProto(name: "product", opType: "MatMul", inputs: ["x", "x"], outputs: ["y"])],
                            inputs: [float("x", [2, 3])])) {
            guard case let .invalidNode(node, _, detail) = $0 else { return false }
            return node == "product" && detail.contains("[2, 3]")
        }
    }

    func testAnUnsupportedOpsetIsNamed() {
        let relu = [NodeProto(name: "relu", opType: "Relu", inputs: ["x"], outputs: ["y"])]
        for opset: Int64 in [1, 6, 99, -1] {
            assertRefused(model(relu, inputs: [float("x", [2])], opset: opset)) {
                $0 == .unsupportedOpset(domain: "", version: Int(opset))
            }
        }
    }

    func testAWrongInputShapeOrCountAtRunTimeIsNamed() throws {
        let session = try Session(model: model([NodeProto(name: "relu", opType: "Relu", inputs: ["x"], outputs: ["y"])],
                                               inputs: [float("x", [1, 2, 8])]))
        XCTAssertThrowsError(try session.run([Tensor(shape: [1, 2, 7], floats: Array(repeating: 0, count: 14))])) {
            XCTAssertEqual($0 as? EngineError, .inputMismatch(input: "x", expected: "float32 [1, 2, 8]",
                                                             got: "float32 [1, 2, 7]"))
        }
        XCTAssertThrowsError(try session.run([Tensor(shape: [1, 2, 8], int64s: Array(repeating: 0, count: 16))])) {
            guard case .inputMismatch(input: "x", _, _) = $0 as? EngineError else { return XCTFail("\($0)") }
        }
        XCTAssertThrowsError(try session.run([])) {
            XCTAssertEqual($0 as? EngineError, .wrongInputCount(expected: ["x"], got: 0))
        }
    }
}
