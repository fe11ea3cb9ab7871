/// An ONNX model: its metadata, the operator sets it imports, and its main graph
/// (`ModelProto` in `onnx.proto`). Training info and local functions are not read.
///
/// Reading a file maps it and decodes the structure; weights stay in the mapping and are reached
/// through `TensorProto.payload()`, whose views keep the mapping alive after the model is gone.
public final class ModelProto: Sendable {
    /// The file the model was read from; `nil` for models made or read in memory.
    public let path: String?
    /// The ONNX IR version the file declares.
    public let irVersion: Int64
    /// The tool that wrote the model, for example `"pytorch"`.
    public let producerName: String
    /// The version of that tool.
    public let producerVersion: String
    /// The model's domain (reverse-DNS name), often empty.
    public let domain: String
    /// The model's own version number.
    public let modelVersion: Int64
    /// The model's documentation string.
    public let docString: String
    /// Free-form key/value metadata (`metadata_props`); for a repeated key the last value wins.
    public let metadata: [String: String]
    /// The operator sets the model imports.
    public let opsetImports: [OperatorSetID]
    /// The main graph.
    public let graph: GraphProto

    /// Maps the file at `path` read-only and decodes it.
    ///
    /// External tensor data is looked for relative to the file's directory. Throws
    /// `ONNXError.io` if the file cannot be read, `.notONNX` if it is not an ONNX model, and
    /// `.truncated` or `.malformed` (naming the field and byte offset) if it is a damaged one.
    public convenience init(contentsOf path: String) throws(ONNXError) {
        let file = try MappedFile(path: path)
        try self.init(decoding: ByteView(owner: file), path: path, baseDirectory: Self.directory(of: path))
    }

    /// Decodes a model held in memory (the bytes are copied once); for tests and embedded models.
    ///
    /// External data, if any, is looked for relative to `baseDirectory`; with `nil` it cannot be read.
    public convenience init(bytes: [UInt8], baseDirectory: String?) throws(ONNXError) {
        try self.init(decoding: ByteView(copying: bytes), path: nil, baseDirectory: baseDirectory)
    }

    /// A model made in memory around `graph`, for tests and tools.
    public convenience init(graph: GraphProto, opsetImports: [OperatorSetID], irVersion: Int64 = 8,
                            producerName: String = "", producerVersion: String = "", domain: String = "",
                            modelVersion: Int64 = 0, docString: String = "", metadata: [String: String] = [:]) {
        self.init(ModelFields(irVersion: irVersion, producerName: producerName, producerVersion: producerVersion,
                              domain: domain, modelVersion: modelVersion, docString: docString, metadata: metadata,
                              opsetImports: opsetImports, graph: graph),
                  path: nil)
    }

    private convenience init(decoding buffer: ByteView, path: String?, baseDirectory: String?) throws(ONNXError) {
        let files = ExternalDataFiles(baseDirectory: baseDirectory)
        self.init(try ModelFields.decode(buffer, path: path, externalFiles: files), path: path)
    }

    private init(_ fields: ModelFields, path: String?) {
        self.path = path
        irVersion = fields.irVersion
        producerName = fields.producerName
        producerVersion = fields.producerVersion
        domain = fields.domain
        modelVersion = fields.modelVersion
        docString = fields.docString
        metadata = fields.metadata
        opsetImports = fields.opsetImports
        graph = fields.graph
    }

    /// Version of the default ONNX domain ("" or "ai.onnx") this model imports, if any.
    ///
    /// For another `domain`, the version imported for exactly that domain.
    public func opsetVersion(domain: String = "") -> Int64? {
        func isDefault(_ name: String) -> Bool { name.isEmpty || name == "ai.onnx" }
        return opsetImports.last { isDefault(domain) ? isDefault($0.domain) : $0.domain == domain }?.version
    }

    /// The directory part of `path` ("." if it has none).
    private static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}
