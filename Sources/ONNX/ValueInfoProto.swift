/// One dimension of a declared shape (`TensorShapeProto.Dimension`).
public enum Dimension: Sendable, Equatable {
    /// A known size.
    case fixed(Int)
    /// A named size, such as `"batch"`, bound when the model runs.
    case symbolic(String)
    /// Neither value nor name given (or a negative value, which some exporters write for "unknown").
    case unknown
}

/// The declared name, element type and shape of a graph input, output or intermediate value
/// (`ValueInfoProto` in `onnx.proto`). Only tensor types are decoded.
public struct ValueInfoProto: Sendable {
    /// The value's name.
    public var name: String
    /// The element type, or `nil` if it is not a tensor, undeclared, or of an unknown type.
    public var elementType: TensorDataType?
    /// The shape, or `nil` if the rank is not declared (or the value is not a tensor).
    public var shape: [Dimension]?

    /// A declared value made in memory, for tests and tools.
    public init(name: String, elementType: TensorDataType?, shape: [Dimension]?) {
        self.name = name
        self.elementType = elementType
        self.shape = shape
    }
}

extension ValueInfoProto {
    /// Reads a `ValueInfoProto` message, looking into `TypeProto.tensor_type` only.
    init(from message: WireReader) throws(ONNXError) {
        var reader = message
        self.init(name: "", elementType: nil, shape: nil)
        while let tag = try reader.readTag() {
            switch tag.field {
            case 1: name = try reader.string(tag, "name")
            case 2:
                let type = try reader.message(tag, "type")
                try within("type") { () throws(ONNXError) in try readType(type) }
            default: try reader.skip(tag)  // doc_string, metadata_props
            }
        }
    }

    /// Reads a `TypeProto`, keeping element type and shape of a `tensor_type`.
    private mutating func readType(_ message: WireReader) throws(ONNXError) {
        var reader = message
        while let tag = try reader.readTag() {
            guard tag.field == 1 else {
                try reader.skip(tag)  // sequence, map, optional, sparse, opaque types; denotation
                continue
            }
            var tensor = try reader.message(tag, "tensor_type")
            try within("tensor_type") { () throws(ONNXError) in
                while let tag = try tensor.readTag() {
                    switch tag.field {
                    case 1:
                        let raw = try tensor.int32(tag, "elem_type")
                        elementType = raw == 0 ? nil : TensorDataType(rawValue: raw)
                    case 2:
                        let shapeMessage = try tensor.message(tag, "shape")
                        shape = try within("shape") { () throws(ONNXError) in try Self.readShape(shapeMessage) }
                    default: try tensor.skip(tag)
                    }
                }
            }
        }
    }

    /// Reads a `TensorShapeProto`.
    private static func readShape(_ message: WireReader) throws(ONNXError) -> [Dimension] {
        var reader = message
        var dims: [Dimension] = []
        while let tag = try reader.readTag() {
            guard tag.field == 1 else {
                try reader.skip(tag)
                continue
            }
            let index = dims.count
            var dim = try reader.message(tag, "dim[\(index)]")
            var dimension = Dimension.unknown
            try within("dim[\(index)]") { () throws(ONNXError) in
                while let tag = try dim.readTag() {
                    switch tag.field {
                    case 1:
                        let value = try dim.int64(tag, "dim_value")
                        dimension = value >= 0 ? .fixed(Int(value)) : .unknown
                    case 2: dimension = .symbolic(try dim.string(tag, "dim_param"))
                    default: try dim.skip(tag)  // denotation
                    }
                }
            }
            dims.append(dimension)
        }
        return dims
    }
}
