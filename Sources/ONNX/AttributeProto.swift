/// A named attribute of a node (`AttributeProto` in `onnx.proto`).
public struct AttributeProto: Sendable {
    /// The attribute's name, for example `"axis"`.
    public var name: String
    /// The attribute's value.
    public var value: AttributeValue
    /// Inside a function body, the name of the caller's attribute this one refers to; it then has no value.
    public var refAttrName: String?

    /// An attribute made in memory, for tests and tools.
    public init(name: String, value: AttributeValue, refAttrName: String? = nil) {
        self.name = name
        self.value = value
        self.refAttrName = refAttrName
    }
}

extension AttributeProto {
    /// Reads an `AttributeProto` message. Nested graphs are read at `depth + 1`.
    ///
    /// The kind comes from `type` when it is present and non-zero; otherwise (IR version 1 files)
    /// it is inferred from whichever value field is present.
    init(from message: WireReader, context: DecodeContext, depth: Int) throws(ONNXError) {
        var reader = message
        var name = ""
        var refAttrName: String?
        var kind: Int32 = 0
        var f: Float?
        var i: Int64?
        var s: String?
        var t: TensorProto?
        var g: GraphProto?
        var floats: [Float] = []
        var ints: [Int64] = []
        var strings: [String] = []
        var tensors: [TensorProto] = []
        var graphs: [GraphProto] = []
        var otherKinds: [Int32] = []

        while let tag = try reader.readTag() {
            switch tag.field {
            case 1: name = try reader.string(tag, "name")
            case 2: f = try reader.float(tag, "f")
            case 3: i = try reader.int64(tag, "i")
            case 4: s = try reader.string(tag, "s")
            case 5:
                let sub = try reader.message(tag, "t")
                t = try within("t") { () throws(ONNXError) in try TensorProto(from: sub, context: context) }
            case 6:
                let sub = try reader.message(tag, "g")
                g = try within("g") { () throws(ONNXError) in
                    try GraphProto(from: sub, context: context, depth: depth + 1)
                }
            case 7: try reader.floats(tag, "floats", into: &floats)
            case 8: try reader.varints(tag, "ints", into: &ints)
            case 9: strings.append(try reader.string(tag, "strings[\(strings.count)]"))
            case 10:
                let index = tensors.count
                let sub = try reader.message(tag, "tensors[\(index)]")
                tensors.append(try within("tensors[\(index)]") { () throws(ONNXError) in
                    try TensorProto(from: sub, context: context)
                })
            case 11:
                let index = graphs.count
                let sub = try reader.message(tag, "graphs[\(index)]")
                graphs.append(try within("graphs[\(index)]") { () throws(ONNXError) in
                    try GraphProto(from: sub, context: context, depth: depth + 1)
                })
            // Kinds noted but not decoded: tp, type_protos, sparse_tensor, sparse_tensors.
            case 14: try reader.skip(tag); otherKinds.append(13)
            case 15: try reader.skip(tag); otherKinds.append(14)
            case 22: try reader.skip(tag); otherKinds.append(11)
            case 23: try reader.skip(tag); otherKinds.append(12)
            case 20: kind = try reader.int32(tag, "type")
            case 21: refAttrName = try reader.string(tag, "ref_attr_name")
            default: try reader.skip(tag)  // doc_string, future fields
            }
        }

        if kind == 0 {
            // No discriminator: take the first value field present, in declaration order.
            kind = f != nil ? 1 : i != nil ? 2 : s != nil ? 3 : t != nil ? 4 : g != nil ? 5
                : !floats.isEmpty ? 6 : !ints.isEmpty ? 7 : !strings.isEmpty ? 8
                : !tensors.isEmpty ? 9 : !graphs.isEmpty ? 10 : otherKinds.first ?? 0
        }
        let value: AttributeValue
        switch kind {
        case 1: value = .float(f ?? 0)
        case 2: value = .int(i ?? 0)
        case 3: value = .string(s ?? "")
        case 4:
            guard let t else {
                throw .malformed(field: "t", offset: message.position, reason: "attribute '\(name)' has type TENSOR but no t")
            }
            value = .tensor(t)
        case 5:
            guard let g else {
                throw .malformed(field: "g", offset: message.position, reason: "attribute '\(name)' has type GRAPH but no g")
            }
            value = .graph(g)
        case 6: value = .floats(floats)
        case 7: value = .ints(ints)
        case 8: value = .strings(strings)
        case 9: value = .tensors(tensors)
        case 10: value = .graphs(graphs)
        default: value = .unsupported(kind: kind)
        }
        self.init(name: name, value: value, refAttrName: refAttrName)
    }
}
