/// The low three bits of a protobuf tag: how the field's value is laid out on the wire.
///
/// The group wire types (3 and 4) are deprecated, unused by ONNX and rejected as malformed.
enum WireType: UInt8, Sendable {
    case varint = 0
    case fixed64 = 1
    case lengthDelimited = 2
    case fixed32 = 5

    /// The name used in error messages.
    var name: String {
        switch self {
        case .varint: return "varint"
        case .fixed64: return "fixed64"
        case .lengthDelimited: return "length-delimited"
        case .fixed32: return "fixed32"
        }
    }
}

/// A decoded field key: field number, wire type, and where the key starts.
struct Tag {
    let field: Int
    let wireType: WireType
    let offset: Int
}
