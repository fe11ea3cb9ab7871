/// A tensor: name, element type, shape, and a handle on its data (`TensorProto` in `onnx.proto`).
///
/// Reading a model validates every tensor's shape and, for data stored in the file, that the data
/// holds exactly as many elements as the shape says. External data is only located and checked
/// when `payload()` is called.
public struct TensorProto: Sendable {
    /// The tensor's name (may be empty for attribute values).
    public var name: String
    /// The element type.
    public private(set) var dataType: TensorDataType
    /// The shape; every entry is non-negative. Empty for a scalar.
    public private(set) var dims: [Int]
    /// The product of `dims` (1 for a scalar), known to fit in `Int`.
    public private(set) var elementCount: Int
    let content: TensorContent

    init(name: String, dataType: TensorDataType, dims: [Int], elementCount: Int, content: TensorContent) {
        self.name = name
        self.dataType = dataType
        self.dims = dims
        self.elementCount = elementCount
        self.content = content
    }

    /// A tensor with the given dense little-endian `payload`, for tests and tensors made in memory.
    ///
    /// Throws `ONNXError.invalidTensor` if a dim is negative, their product overflows, or
    /// `payload` does not hold exactly `elementCount` elements of `dataType`.
    public init(name: String, dataType: TensorDataType, dims: [Int], payload: ByteView) throws(ONNXError) {
        let count: Int
        switch Self.elementCount(of: dims) {
        case let .success(product): count = product
        case let .failure(failure): throw .invalidTensor(name: name, reason: failure.description)
        }
        guard let expected = dataType.byteCount(elements: count) else {
            throw .invalidTensor(name: name, reason: "\(dataType) tensors have no fixed-width payload")
        }
        guard payload.count == expected else {
            throw .invalidTensor(name: name,
                                 reason: "payload holds \(payload.count) bytes, but dims \(dims) of \(dataType) need \(expected)")
        }
        self.init(name: name, dataType: dataType, dims: dims, elementCount: count, content: .bytes(payload))
    }

    /// Element bytes, little-endian, densely packed: `elementCount * byteWidth` bytes (sub-byte
    /// types packed as in `raw_data`, rounded up to whole bytes).
    ///
    /// Zero-copy for `raw_data` and external data, and for `float_data`/`double_data` stored as
    /// a single packed run. Other typed fields (`int32_data` for int32, int16, int8, uint8,
    /// uint16, bool, float16, bfloat16 and float8 types; `int64_data`; `uint64_data` for uint32
    /// and uint64; unpacked `float_data`/`double_data`) are converted into new storage on every
    /// call. Throws `ONNXError` if the tensor has no data, is a string tensor, or its external
    /// data cannot be read or has the wrong size.
    public func payload() throws(ONNXError) -> ByteView {
        guard let byteCount = dataType.byteCount(elements: elementCount) else {
            throw .invalidTensor(name: name, reason: "\(dataType) tensors have no fixed-width payload")
        }
        switch content {
        case let .bytes(view):
            return view
        case let .typed(values):
            guard let width = dataType.byteWidth, let expected = TypedField.field(for: dataType) else {
                throw .invalidTensor(name: name, reason: "\(values.field.rawValue) for \(dataType) is not supported; store it in raw_data")
            }
            let perValue = width / expected.valuesPerElement
            return values.dense(elementWidth: perValue)
        case let .external(reference):
            return try reference.bytes(tensor: name, byteCount: byteCount)
        case .none where byteCount == 0:
            return ByteView(copying: [])
        case .none:
            throw .invalidTensor(name: name, reason: "has \(elementCount) elements but no data")
        case .strings:
            throw .invalidTensor(name: name, reason: "holds string_data but is a \(dataType) tensor")
        }
    }

    /// The elements of a `string` tensor, each as the bytes stored (UTF-8 by convention).
    public func stringElements() throws(ONNXError) -> [ByteView] {
        guard dataType == .string else {
            throw .invalidTensor(name: name, reason: "is a \(dataType) tensor, not a string tensor")
        }
        switch content {
        case let .strings(views):
            return views
        case .none where elementCount == 0:
            return []
        default:
            throw .invalidTensor(name: name, reason: "has \(elementCount) strings but no string_data")
        }
    }

    /// Whether the data lives in a file next to the model (`data_location` is `EXTERNAL`).
    public var isExternal: Bool {
        if case .external = content { return true }
        return false
    }

    /// The product of `dims`, or why there is none (a negative dim, or overflow).
    static func elementCount(of dims: [Int]) -> Result<Int, DimsFailure> {
        var product = 1
        var overflowed = false
        for dim in dims {
            guard dim >= 0 else { return .failure(DimsFailure("dims \(dims) has a negative entry")) }
            let (next, overflow) = product.multipliedReportingOverflow(by: dim)
            overflowed = overflowed || overflow
            product = next
        }
        // A zero dim makes the product 0 even if an earlier partial product overflowed.
        if dims.contains(0) { return .success(0) }
        if overflowed { return .failure(DimsFailure("the product of dims \(dims) overflows")) }
        return .success(product)
    }
}

/// Why a list of dims does not describe a tensor.
struct DimsFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
