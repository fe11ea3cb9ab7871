/// The decoded fields of a `ModelProto`, and how to tell a damaged model from something that was
/// never a model.
struct ModelFields {
    var irVersion: Int64
    var producerName = ""
    var producerVersion = ""
    var domain = ""
    var modelVersion: Int64 = 0
    var docString = ""
    var metadata: [String: String] = [:]
    var opsetImports: [OperatorSetID] = []
    var graph: GraphProto

    /// Decodes `buffer` as a `ModelProto`.
    ///
    /// Protobuf writers emit fields in field-number order, so a real ONNX file starts with
    /// `ir_version` (field 1). A failure before `ir_version` has been read therefore means the
    /// bytes are not ONNX (`notONNX`); after it, the model is damaged (`truncated`/`malformed`,
    /// with a path from `ModelProto`). Bytes that decode but lack `ir_version` or `graph` are
    /// not ONNX either.
    static func decode(_ buffer: ByteView, path: String?,
                       externalFiles: ExternalDataFiles) throws(ONNXError) -> ModelFields {
        guard !buffer.isEmpty else { throw .notONNX(path: path, reason: "the file is empty") }
        let context = DecodeContext(buffer: buffer, externalFiles: externalFiles)
        var partial = Partial()
        let failure = buffer.withUnsafeBytes { bytes -> ONNXError? in
            do throws(ONNXError) {
                try partial.read(WireReader(bytes), context: context)
                return nil
            } catch {
                return error.nested(in: "ModelProto")
            }
        }
        if let failure {
            guard partial.irVersion != nil else {
                throw .notONNX(path: path, reason: "it does not parse as an ONNX ModelProto (\(failure))")
            }
            throw failure
        }
        guard let irVersion = partial.irVersion else {
            throw .notONNX(path: path, reason: "it parses as protobuf but has no ir_version")
        }
        guard let graph = partial.graph else {
            throw .notONNX(path: path, reason: "it has an ir_version but no graph")
        }
        return ModelFields(irVersion: irVersion, producerName: partial.producerName,
                           producerVersion: partial.producerVersion, domain: partial.domain,
                           modelVersion: partial.modelVersion, docString: partial.docString,
                           metadata: partial.metadata, opsetImports: partial.opsetImports, graph: graph)
    }

    /// The fields read so far; the required ones are optional until the end.
    private struct Partial {
        var irVersion: Int64?
        var producerName = ""
        var producerVersion = ""
        var domain = ""
        var modelVersion: Int64 = 0
        var docString = ""
        var metadata: [String: String] = [:]
        var metadataCount = 0
        var opsetImports: [OperatorSetID] = []
        var graph: GraphProto?

        mutating func read(_ message: WireReader, context: DecodeContext) throws(ONNXError) {
            var reader = message
            while let tag = try reader.readTag() {
                switch tag.field {
                case 1: irVersion = try reader.int64(tag, "ir_version")
                case 2: producerName = try reader.string(tag, "producer_name")
                case 3: producerVersion = try reader.string(tag, "producer_version")
                case 4: domain = try reader.string(tag, "domain")
                case 5: modelVersion = try reader.int64(tag, "model_version")
                case 6: docString = try reader.string(tag, "doc_string")
                case 7:
                    let sub = try reader.message(tag, "graph")
                    graph = try within("graph") { () throws(ONNXError) in
                        try GraphProto(from: sub, context: context, depth: 1)
                    }
                case 8:
                    let index = opsetImports.count
                    let sub = try reader.message(tag, "opset_import[\(index)]")
                    opsetImports.append(try within("opset_import[\(index)]") { () throws(ONNXError) in
                        try OperatorSetID(from: sub)
                    })
                case 14:
                    let index = metadataCount
                    metadataCount += 1
                    let sub = try reader.message(tag, "metadata_props[\(index)]")
                    let entry = try within("metadata_props[\(index)]") { () throws(ONNXError) in
                        try StringStringEntry.decode(sub)
                    }
                    metadata[entry.key] = entry.value
                default: try reader.skip(tag)  // training_info, functions, configuration, future fields
                }
            }
        }
    }
}
