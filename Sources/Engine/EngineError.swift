/// What went wrong while turning a model into a runnable plan, or while running it. Each case names the node,
/// value or file at fault; `description` is one line.
public enum EngineError: Error, CustomStringConvertible, Equatable {
    /// The model file could not be read or parsed (the reader's message).
    case model(String)
    /// An operator the engine does not implement.
    case unsupportedOp(node: String, opType: String, domain: String, opset: Int)
    /// An attribute value or input form the engine does not implement for this op.
    case unsupportedAttribute(node: String, opType: String, detail: String)
    /// The model imports an opset version outside what the engine supports.
    case unsupportedOpset(domain: String, version: Int)
    /// A node's inputs do not fit its operator (shapes, types, counts, constant parameters).
    case invalidNode(node: String, opType: String, detail: String)
    /// A node reads a value no node, initializer or graph input produces.
    case missingValue(node: String, value: String)
    /// The graph's nodes depend on each other in a cycle.
    case cycle(nodes: [String])
    /// A graph input whose shape is not fixed and was not given.
    case unknownInputShape(input: String)
    /// A tensor passed to `run` does not fit the planned input.
    case inputMismatch(input: String, expected: String, got: String)
    /// `run` was given a different number of tensors than the graph has inputs.
    case wrongInputCount(expected: [String], got: Int)
    /// `run` was asked to stop before it finished.
    case stopped
    /// A tensor would be larger than the engine accepts; `size` is what the file asks for, such as
    /// `float32 [1099511627776, 1099511627776]`.
    case tooLarge(value: String, size: String)

    public var description: String {
        switch self {
        case .model(let message):
            return message
        case let .unsupportedOp(node, opType, domain, opset):
            let d = domain.isEmpty ? "ai.onnx" : domain
            return "unsupported operator \(opType) (domain \(d), opset \(opset)) at node '\(node)'"
        case let .unsupportedAttribute(node, opType, detail):
            return "unsupported \(opType) at node '\(node)': \(detail)"
        case let .unsupportedOpset(domain, version):
            return "unsupported opset \(version) for domain '\(domain.isEmpty ? "ai.onnx" : domain)'"
        case let .invalidNode(node, opType, detail):
            return "invalid \(opType) node '\(node)': \(detail)"
        case let .missingValue(node, value):
            return "node '\(node)' reads '\(value)', which nothing produces"
        case .cycle(let nodes):
            return "the graph has a cycle through node(s) \(nodes.prefix(5).map { "'\($0)'" }.joined(separator: ", "))"
        case .unknownInputShape(let input):
            return "graph input '\(input)' has no fixed shape; give its shape when loading"
        case let .inputMismatch(input, expected, got):
            return "input '\(input)' expects \(expected), got \(got)"
        case let .wrongInputCount(expected, got):
            return "the model has \(expected.count) input(s) (\(expected.joined(separator: ", "))), got \(got) tensor(s)"
        case .stopped:
            return "stopped before the run finished"
        case let .tooLarge(value, size):
            return "value '\(value)' (\(size)) is larger than the engine accepts (\(maximumTensorBytes >> 30) GiB)"
        }
    }
}
