/// The value of a node attribute: exactly one of the kinds `AttributeProto.AttributeType` names.
public enum AttributeValue: Sendable {
    case float(Float)
    case int(Int64)
    case string(String)
    case tensor(TensorProto)
    case graph(GraphProto)
    case floats([Float])
    case ints([Int64])
    case strings([String])
    case tensors([TensorProto])
    case graphs([GraphProto])
    /// A kind this reader does not decode (sparse tensors, type protos, unknown future kinds), or
    /// `0` when the attribute carries no value at all. `kind` is the `AttributeType` number.
    case unsupported(kind: Int32)
}
