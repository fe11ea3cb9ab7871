import Foundation
import ONNX

/// A loaded model, ready to run: the typed graph, its plan and the memory the plan needs.
///
/// Load once, call `run` many times. Each `run` reuses the same arena, so calls on one session (or on sessions
/// loaded together with `loadSharingMemory`) are serialised; load separate sessions to run in parallel.
public final class Session: @unchecked Sendable {
    /// Name, element type and shape of each graph input, in order.
    public let inputs: [(name: String, dataType: DataType, shape: [Int])]
    /// Name, element type and shape of each graph output, in order.
    public let outputs: [(name: String, dataType: DataType, shape: [Int])]
    /// What loading found and kept.
    public let statistics: LoadStatistics
    /// Bytes of the activation arena plus scratch this model needs.
    public var workingSetBytes: Int { plan.totalBytes }

    private let graph: Graph
    private let steps: [Step]
    private let plan: Plan
    private let memory: Arena

    /// One planned node with its memory resolved.
    private struct Step {
        let node: Node
        let inputs: [TensorRef]
        let outputs: [TensorRef]
    }

    /// Loads an ONNX file. `inputShapes` fixes graph inputs whose shape the file leaves open.
    public convenience init(contentsOf path: String, inputShapes: [String: [Int]] = [:]) throws {
        try self.init(model: try Self.parse(path), inputShapes: inputShapes)
    }

    /// Lowers, folds and plans a parsed model.
    public convenience init(model: ModelProto, inputShapes: [String: [Int]] = [:]) throws {
        let (graph, statistics) = try Self.lower(model, inputShapes: inputShapes)
        let plan = Plan(graph)
        self.init(graph: graph, statistics: statistics, plan: plan, memory: Arena(byteCount: plan.totalBytes))
    }

    /// Loads several models that will run one at a time (the members of a bag) so that they share one
    /// activation arena, sized for the largest.
    public static func loadSharingMemory(_ paths: [String], inputShapes: [String: [Int]] = [:]) throws -> [Session] {
        let lowered = try paths.map { path -> (Graph, LoadStatistics, Plan) in
            let (graph, statistics) = try lower(try parse(path), inputShapes: inputShapes)
            return (graph, statistics, Plan(graph))
        }
        let memory = Arena(byteCount: lowered.map(\.2.totalBytes).max() ?? 64)
        return lowered.map { Session(graph: $0.0, statistics: $0.1, plan: $0.2, memory: memory) }
    }

    private static func parse(_ path: String) throws -> ModelProto {
        do {
            return try ModelProto(contentsOf: path)
        } catch {
            let message = "\(error)"
            throw EngineError.model(message.hasPrefix(path) ? message : "\(path): \(message)")
        }
    }

    private static func lower(_ model: ModelProto, inputShapes: [String: [Int]]) throws -> (Graph, LoadStatistics) {
        // The builder keeps its own copy of the graph's constants: let it go before the passes below replace
        // weights (packed, transformed), or the load would hold both sets at once.
        var (graph, statistics) = try {
            var builder = try GraphBuilder(model: model)
            return try builder.build(inputShapes: inputShapes)
        }()
        replaceSpectralConvolutions(&graph)
        sumSpectralSyntheses(&graph)
        stackSpectralAnalyses(&graph)
        foldSpectrumGathers(&graph)
        foldPaddingIntoConvolutions(&graph)
        shrinkBroadcastConstants(&graph)
        useWinogradConvolutions(&graph)
        cropTransposedConvolutions(&graph)
        fuseAttention(&graph)
        fuseHeadTransposes(&graph)
        fuseGELU(&graph)
        fuseGroupNorm(&graph)
        fuseChannelsLastGroupNorm(&graph)
        fuseGLU(&graph)
        fuseGroupNormActivations(&graph)
        fuseLinear(&graph)
        packLinearWeights(&graph)
        fuseLinearGELU(&graph)
        fuseGELUResiduals(&graph)
        fuseScaledAdd(&graph)
        fuseGroupNormResiduals(&graph)
        fuseProjectedGroupNorm(&graph)
        keepResidualBranchesChannelMajor(&graph)
        fuseConvolutionGLU(&graph)
        fuseElementwiseChains(&graph)
        statistics.plannedOps = graph.nodes.reduce(into: [:]) { $0[$1.op.name, default: 0] += 1 }
        return (graph, statistics)
    }

    private init(graph: Graph, statistics: LoadStatistics, plan: Plan, memory: Arena) {
        self.graph = graph
        self.statistics = statistics
        self.plan = plan
        self.memory = memory
        let base = memory.bytes
        func ref(_ id: Int) -> TensorRef {
            if let constant = graph.constants[id] { return constant.ref }
            let value = graph.values[id]
            return TensorRef(data: base + plan.offsets[id]!, dataType: value.dataType, shape: value.shape)
        }
        steps = graph.nodes.map { Step(node: $0, inputs: $0.inputs.map(ref), outputs: $0.outputs.map(ref)) }
        inputs = graph.inputs.map { (graph.values[$0].name, graph.values[$0].dataType, graph.values[$0].shape) }
        outputs = graph.outputs.map { (graph.values[$0].name, graph.values[$0].dataType, graph.values[$0].shape) }
    }

    /// One line per planned node in execution order: op, node name, output shapes and arena offsets.
    public var planDescription: [String] {
        steps.map { step in
            let outputs = step.node.outputs.map { id in
                "\(graph.values[id].shape)@\(plan.offsets[id].map(String.init) ?? "const")"
            }
            return "\(step.node.op.name.padding(toLength: 22, withPad: " ", startingAt: 0)) \(step.node.name) -> \(outputs.joined(separator: ", "))"
        }
    }

    /// Runs the model on `inputs` (one tensor per graph input, in order) and returns the graph outputs.
    /// With a `profile`, the time each op takes is added to it. `shouldStop` is asked between nodes; when it
    /// answers true, `run` throws `EngineError.stopped`.
    public func run(_ inputs: [Tensor], profile: OpProfile? = nil, shouldStop: (() -> Bool)? = nil) throws -> [Tensor] {
        guard inputs.count == graph.inputs.count else {
            throw EngineError.wrongInputCount(expected: graph.inputs.map { graph.values[$0].name }, got: inputs.count)
        }
        memory.lock.lock()
        defer { memory.lock.unlock() }
        let arena = memory.bytes
        for (tensor, id) in zip(inputs, graph.inputs) {
            let value = graph.values[id]
            guard tensor.shape == value.shape, tensor.dataType == value.dataType else {
                throw EngineError.inputMismatch(input: value.name, expected: "\(value.dataType) \(value.shape)",
                                                got: "\(tensor.dataType) \(tensor.shape)")
            }
            (arena + plan.offsets[id]!).copyMemory(from: tensor.rawPointer, byteCount: value.byteCount)
        }
        let scratch = arena + plan.arenaBytes
        for step in steps {
            if let shouldStop, shouldStop() { throw EngineError.stopped }
            let started = profile == nil ? 0 : DispatchTime.now().uptimeNanoseconds
            do {
                try step.node.op.execute(inputs: step.inputs, outputs: step.outputs, scratch: scratch)
            } catch let fault as ExecutionFault {
                throw EngineError.invalidNode(node: step.node.name, opType: step.node.opType, detail: fault.detail)
            }
            if let profile {
                profile.record(op: step.node.op.name, node: step.node.name,
                               seconds: Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
            }
        }
        return graph.outputs.map { id in
            if let constant = graph.constants[id] { return constant }
            let value = graph.values[id]
            let result = Tensor(zeros: value.dataType, shape: value.shape)
            result.rawPointer.copyMemory(from: arena + plan.offsets[id]!, byteCount: value.byteCount)
            return result
        }
    }
}
