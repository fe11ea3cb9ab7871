/// One operator application in a graph (`NodeProto` in `onnx.proto`).
public struct NodeProto: Sendable {
    /// The node's name; may be empty.
    public var name: String
    /// The operator, for example `"Conv"`.
    public var opType: String
    /// The operator set domain; `""` (or `"ai.onnx"`) is the default ONNX domain.
    public var domain: String
    /// Names of the input values; `""` marks an omitted optional input.
    public var inputs: [String]
    /// Names of the output values; `""` marks an omitted optional output.
    public var outputs: [String]
    /// The attributes, in file order.
    public var attributes: [AttributeProto]

    /// A node made in memory, for tests and tools.
    public init(name: String = "", opType: String, domain: String = "", inputs: [String],
                outputs: [String], attributes: [AttributeProto] = []) {
        self.name = name
        self.opType = opType
        self.domain = domain
        self.inputs = inputs
        self.outputs = outputs
        self.attributes = attributes
    }

    /// The value of the first attribute called `name`, if any.
    public func attribute(_ name: String) -> AttributeValue? {
        attributes.first { $0.name == name }?.value
    }
}

extension NodeProto {
    /// Reads a `NodeProto` message; graphs in its attributes are read at `depth + 1`.
    init(from message: WireReader, context: DecodeContext, depth: Int) throws(ONNXError) {
        var reader = message
        self.init(opType: "", inputs: [], outputs: [])
        while let tag = try reader.readTag() {
            switch tag.field {
            case 1: inputs.append(try reader.string(tag, "input[\(inputs.count)]"))
            case 2: outputs.append(try reader.string(tag, "output[\(outputs.count)]"))
            case 3: name = try reader.string(tag, "name")
            case 4: opType = try reader.string(tag, "op_type")
            case 5:
                let index = attributes.count
                let sub = try reader.message(tag, "attribute[\(index)]")
                attributes.append(try within("attribute[\(index)]") { () throws(ONNXError) in
                    try AttributeProto(from: sub, context: context, depth: depth)
                })
            case 7: domain = try reader.string(tag, "domain")
            default: try reader.skip(tag)  // doc_string, overload, metadata_props, device_configurations
            }
        }
    }
}
