/// An operator set the model uses: a domain and its version (`OperatorSetIdProto` in `onnx.proto`).
public struct OperatorSetID: Sendable, Equatable {
    /// The domain; `""` (or `"ai.onnx"`) is the default ONNX domain.
    public var domain: String
    /// The operator set version, for example 17.
    public var version: Int64

    /// An operator set import made in memory.
    public init(domain: String, version: Int64) {
        self.domain = domain
        self.version = version
    }
}

extension OperatorSetID {
    /// Reads an `OperatorSetIdProto` message.
    init(from message: WireReader) throws(ONNXError) {
        var reader = message
        self.init(domain: "", version: 0)
        while let tag = try reader.readTag() {
            switch tag.field {
            case 1: domain = try reader.string(tag, "domain")
            case 2: version = try reader.int64(tag, "version")
            default: try reader.skip(tag)
            }
        }
    }
}
