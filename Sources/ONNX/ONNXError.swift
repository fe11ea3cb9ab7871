/// Everything that can go wrong while reading an ONNX model or one of its tensors.
///
/// Wire-format errors name the field as a path from the root message (for example
/// `ModelProto.graph.node[12].attribute[0].t.raw_data`) and give the absolute byte offset in the
/// model file where the offending item starts.
public enum ONNXError: Error, CustomStringConvertible, Equatable {
    /// The file could not be opened, inspected or mapped.
    case io(path: String, reason: String)
    /// The bytes are not an ONNX model at all (empty, text, an image, a protobuf of another kind).
    case notONNX(path: String?, reason: String)
    /// The bytes end (or the enclosing message ends) before `field` is complete.
    case truncated(field: String, offset: Int)
    /// `field` is present but cannot be right: bad wire type, overlong varint, sizes that disagree.
    case malformed(field: String, offset: Int, reason: String)
    /// A tensor's external data cannot be located, opened or is out of range.
    case externalData(tensor: String, reason: String)
    /// A tensor's description and its data disagree, or its data cannot be presented as bytes.
    case invalidTensor(name: String, reason: String)

    public var description: String {
        switch self {
        case let .io(path, reason):
            return "\(path): \(reason)"
        case let .notONNX(path, reason):
            return "\(path ?? "<memory>"): not an ONNX model: \(reason)"
        case let .truncated(field, offset):
            return "truncated at byte \(offset) while reading \(field)"
        case let .malformed(field, offset, reason):
            return "malformed \(field) at byte \(offset): \(reason)"
        case let .externalData(tensor, reason):
            return "external data of tensor '\(tensor)': \(reason)"
        case let .invalidTensor(name, reason):
            return "tensor '\(name)': \(reason)"
        }
    }

    /// The same error with `component` prepended to its field path; other errors are unchanged.
    func nested(in component: String) -> ONNXError {
        func join(_ field: String) -> String { field.isEmpty ? component : component + "." + field }
        switch self {
        case let .truncated(field, offset):
            return .truncated(field: join(field), offset: offset)
        case let .malformed(field, offset, reason):
            return .malformed(field: join(field), offset: offset, reason: reason)
        default:
            return self
        }
    }
}

/// Runs `body`, prefixing the field path of any wire-format error it throws with `component`.
///
/// `component` is only built when an error is thrown, so the happy path pays nothing for it.
@inline(__always)
func within<T>(_ component: @autoclosure () -> String,
               _ body: () throws(ONNXError) -> T) throws(ONNXError) -> T {
    do {
        return try body()
    } catch {
        throw error.nested(in: component())
    }
}
