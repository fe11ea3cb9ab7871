/// A computation graph: nodes in file order plus its constants and declared interface
/// (`GraphProto` in `onnx.proto`). Sparse initializers and quantization annotations are not read.
public struct GraphProto: Sendable {
    /// The graph's name.
    public var name: String
    /// The nodes, in file order (which ONNX requires to be topological).
    public var nodes: [NodeProto]
    /// Constant tensors, by name; they may also appear among the inputs.
    public var initializers: [TensorProto]
    /// Declared inputs.
    public var inputs: [ValueInfoProto]
    /// Declared outputs.
    public var outputs: [ValueInfoProto]
    /// Declared types and shapes of intermediate values (often empty).
    public var valueInfo: [ValueInfoProto]

    /// A graph made in memory, for tests and tools.
    public init(name: String = "", nodes: [NodeProto], initializers: [TensorProto] = [],
                inputs: [ValueInfoProto], outputs: [ValueInfoProto], valueInfo: [ValueInfoProto] = []) {
        self.name = name
        self.nodes = nodes
        self.initializers = initializers
        self.inputs = inputs
        self.outputs = outputs
        self.valueInfo = valueInfo
    }
}

extension GraphProto {
    /// Reads a `GraphProto` message nested `depth` graphs deep (the main graph is at depth 1).
    init(from message: WireReader, context: DecodeContext, depth: Int) throws(ONNXError) {
        guard depth <= DecodeContext.maxGraphDepth else {
            throw .malformed(field: "", offset: message.position,
                             reason: "graphs nested more than \(DecodeContext.maxGraphDepth) deep")
        }
        var reader = message
        self.init(nodes: [], inputs: [], outputs: [])
        while let tag = try reader.readTag() {
            switch tag.field {
            case 1:
                let index = nodes.count
                let sub = try reader.message(tag, "node[\(index)]")
                nodes.append(try within("node[\(index)]") { () throws(ONNXError) in
                    try NodeProto(from: sub, context: context, depth: depth)
                })
            case 2: name = try reader.string(tag, "name")
            case 5:
                let index = initializers.count
                let sub = try reader.message(tag, "initializer[\(index)]")
                initializers.append(try within("initializer[\(index)]") { () throws(ONNXError) in
                    try TensorProto(from: sub, context: context)
                })
            case 11: inputs.append(try Self.valueInfo(tag, &reader, "input[\(inputs.count)]"))
            case 12: outputs.append(try Self.valueInfo(tag, &reader, "output[\(outputs.count)]"))
            case 13: valueInfo.append(try Self.valueInfo(tag, &reader, "value_info[\(valueInfo.count)]"))
            default: try reader.skip(tag)  // doc_string, sparse_initializer, quantization_annotation, metadata_props
            }
        }
    }

    /// Reads one `ValueInfoProto` field, naming it `field` in errors.
    private static func valueInfo(_ tag: Tag, _ reader: inout WireReader,
                                  _ field: @autoclosure () -> String) throws(ONNXError) -> ValueInfoProto {
        let sub = try reader.message(tag, field())
        return try within(field()) { () throws(ONNXError) in try ValueInfoProto(from: sub) }
    }
}
