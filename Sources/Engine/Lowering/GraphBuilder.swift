import ONNX

/// Counts of what loading found and kept, for `swdemucs inspect`.
public struct LoadStatistics: Sendable {
    /// ONNX op type → node count, as in the file.
    public var fileOps: [String: Int] = [:]
    /// Op name → node count after folding, dead-node removal and rewrites (filled in by `Session`).
    public var plannedOps: [String: Int] = [:]
    /// Elements held by initializers in the file.
    public var parameterCount = 0
    /// The tool that wrote the file, e.g. `pytorch 2.4.1`.
    public var producer = ""
    /// The file's ONNX IR version and default-domain opset.
    public var irVersion = 0, opset = 0
}

/// The ONNX opset versions (default domain) the engine's op semantics cover.
let supportedOpsets = 7...22

/// Builds the typed graph from an ONNX model in one pass over its nodes in execution order: each node is lowered
/// to a typed op with static shapes, and evaluated at once — with the same op code the runtime uses — when all it
/// reads is known at load time. Constants are released as soon as nothing else needs them.
struct GraphBuilder {
    private let model: ModelProto
    private let opset: Int
    private var graph = Graph()
    private var ids: [String: Int] = [:]
    private var initializers: [String: TensorProto] = [:]
    private var statistics = LoadStatistics()

    init(model: ModelProto) throws {
        self.model = model
        guard let version = model.opsetVersion(), supportedOpsets.contains(Int(version)) else {
            throw EngineError.unsupportedOpset(domain: "", version: Int(model.opsetVersion() ?? 0))
        }
        opset = Int(version)
        statistics.opset = opset
        statistics.irVersion = Int(model.irVersion)
        statistics.producer = [model.producerName, model.producerVersion].filter { !$0.isEmpty }.joined(separator: " ")
        for proto in model.graph.initializers {
            initializers[proto.name] = proto
            // Tensors of types the engine cannot compute with are not parameters; a node that reads one is refused.
            guard let type = DataType(onnx: proto.dataType) else { continue }
            statistics.parameterCount += try checkedElementCount(proto.dims, type, value: proto.name)
        }
    }

    /// Lowers and folds the whole graph. `inputShapes` fixes graph inputs whose declared shape is not fixed
    /// (or overrides it).
    mutating func build(inputShapes: [String: [Int]]) throws -> (Graph, LoadStatistics) {
        let onnx = model.graph
        for input in onnx.inputs where initializers[input.name] == nil {
            let declared = input.shape?.map { dimension -> Int? in
                if case .fixed(let extent) = dimension { return extent }
                return nil
            }
            guard let shape = inputShapes[input.name] ?? declared.flatMap({ $0.contains(nil) ? nil : $0.map { $0! } }) else {
                throw EngineError.unknownInputShape(input: input.name)
            }
            guard let elementType = input.elementType, let type = DataType(onnx: elementType) else {
                throw EngineError.model("graph input '\(input.name)' has an element type the engine does not support")
            }
            try checkedElementCount(shape, type, value: input.name)
            let id = graph.addValue(Value(name: input.name, dataType: type, shape: shape))
            graph.inputs.append(id)
            ids[input.name] = id
        }
        let order = try topologicalOrder(onnx.nodes, available: Set(ids.keys).union(initializers.keys))
        let outputNames = Set(onnx.outputs.map(\.name))
        var remainingReads: [String: Int] = [:]
        for node in onnx.nodes {
            statistics.fileOps[node.opType, default: 0] += 1
            for input in node.inputs where !input.isEmpty { remainingReads[input, default: 0] += 1 }
        }
        var retained = Set<Int>()
        for index in order {
            let node = onnx.nodes[index]
            try lowerNode(node, retained: &retained)
            for input in node.inputs where !input.isEmpty {
                remainingReads[input, default: 0] -= 1
                if remainingReads[input] == 0, !outputNames.contains(input), let id = ids[input], !retained.contains(id) {
                    graph.constants[id] = nil
                }
            }
        }
        for output in onnx.outputs {
            guard let id = ids[output.name] else { throw EngineError.missingValue(node: "graph output", value: output.name) }
            graph.outputs.append(id)
        }
        removeDeadNodes(&graph)
        return (graph, statistics)
    }

    /// The operand a node input names: a value seen before, or an initializer materialised on first use.
    private mutating func operand(_ name: String, of node: NodeProto) throws -> Operand? {
        if name.isEmpty { return nil }
        if let id = ids[name] { return Operand(id: id, value: graph.values[id], constant: graph.constants[id]) }
        guard let proto = initializers[name] else { throw EngineError.missingValue(node: node.name, value: name) }
        let tensor = try Tensor(proto)
        let id = graph.addValue(Value(name: name, dataType: tensor.dataType, shape: tensor.shape))
        graph.constants[id] = tensor
        ids[name] = id
        return Operand(id: id, value: graph.values[id], constant: tensor)
    }

    private mutating func lowerNode(_ node: NodeProto, retained: inout Set<Int>) throws {
        guard node.domain.isEmpty || node.domain == "ai.onnx" else {
            throw EngineError.unsupportedOp(node: node.name, opType: node.opType, domain: node.domain, opset: opset)
        }
        let operands = try node.inputs.map { try operand($0, of: node) }
        let context = NodeContext(node: node, operands: operands, opset: opset)
        if node.opType == "Constant" {
            guard let output = node.outputs.first else { throw context.invalid("has no output") }
            define(output, try context.constantValue())
            return
        }
        guard supportedOpTypes.contains(node.opType) else {
            throw EngineError.unsupportedOp(node: node.name, opType: node.opType, domain: node.domain, opset: opset)
        }
        let lowered = try context.lower()
        for (i, (type, shape)) in lowered.outputs.enumerated() { try context.checkOutput(i, type, shape) }
        let inputs = lowered.dataInputs.map { operands[$0]! }
        if lowered.op.readsOnlyShapes || inputs.allSatisfy({ $0.constant != nil }) {
            let results: [Tensor]
            do {
                results = try fold(lowered, inputs)
            } catch let fault as ExecutionFault {
                throw context.invalid(fault.detail)
            }
            for (name, tensor) in zip(node.outputs, results) where !name.isEmpty { define(name, tensor) }
            return
        }
        var outputs: [Int] = []
        for (i, (type, shape)) in lowered.outputs.enumerated() {
            let name = i < node.outputs.count ? node.outputs[i] : ""
            let id = graph.addValue(Value(name: name, dataType: type, shape: shape))
            if !name.isEmpty { ids[name] = id }
            outputs.append(id)
        }
        for input in inputs where input.constant != nil { retained.insert(input.id) }
        graph.nodes.append(Node(name: node.name, opType: node.opType, op: lowered.op,
                                inputs: inputs.map(\.id), outputs: outputs))
    }

    private mutating func define(_ name: String, _ tensor: Tensor) {
        let id = graph.addValue(Value(name: name, dataType: tensor.dataType, shape: tensor.shape))
        graph.constants[id] = tensor
        ids[name] = id
    }
}

/// Evaluates a lowered node whose inputs are all known, with the runtime's op code.
func fold(_ lowered: LoweredNode, _ inputs: [Operand]) throws -> [Tensor] {
    switch lowered.op {
    case .reshape:
        return [inputs[0].constant!.reshaped(lowered.outputs[0].1)]
    case let .shape(start, end):
        return [Tensor(shape: [end - start], int64s: inputs[0].shape[start..<end].map { Int64($0) })]
    default:
        let outputs = lowered.outputs.map { Tensor(zeros: $0.0, shape: $0.1) }
        let bytes = lowered.op.scratchBytes(inputShapes: inputs.map(\.shape), outputShapes: outputs.map(\.shape))
        let scratch = UnsafeMutableRawPointer.allocate(byteCount: max(bytes, 64), alignment: 64)
        defer { scratch.deallocate() }
        try lowered.op.execute(inputs: inputs.map { $0.constant!.ref }, outputs: outputs.map(\.ref), scratch: scratch)
        return outputs
    }
}
