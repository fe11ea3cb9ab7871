/// Where a tensor's element data is, as found in the file (or given by hand).
enum TensorContent: Sendable {
    /// No data field at all.
    case none
    /// Dense little-endian bytes: `raw_data`, or a payload made in memory.
    case bytes(ByteView)
    /// One of the typed fields (`float_data`, `int32_data`, `int64_data`, `double_data`, `uint64_data`).
    case typed(TypedValues)
    /// `string_data`, one view per element.
    case strings([ByteView])
    /// Bytes in a file next to the model.
    case external(ExternalDataReference)
}

/// Which typed `TensorProto` field holds a tensor's values.
enum TypedField: String, Sendable {
    case floatData = "float_data"
    case int32Data = "int32_data"
    case int64Data = "int64_data"
    case doubleData = "double_data"
    case uint64Data = "uint64_data"

    /// The typed field that `onnx.proto` prescribes for `type`, and how many values make one element.
    static func field(for type: TensorDataType) -> (field: TypedField, valuesPerElement: Int)? {
        switch type {
        case .float: return (.floatData, 1)
        case .complex64: return (.floatData, 2)
        case .double: return (.doubleData, 1)
        case .complex128: return (.doubleData, 2)
        case .int64: return (.int64Data, 1)
        case .uint32, .uint64: return (.uint64Data, 1)
        case .int32, .int16, .int8, .uint16, .uint8, .bool, .float16, .bfloat16,
             .float8e4m3fn, .float8e4m3fnuz, .float8e5m2, .float8e5m2fnuz, .float8e8m0:
            return (.int32Data, 1)
        case .uint4, .int4, .float4e2m1, .uint2, .int2, .float6e2m3, .float6e3m2, .string, .undefined:
            return nil
        }
    }
}

/// The values of a typed field, still in the buffer, validated and counted when read.
struct TypedValues: Sendable {
    let field: TypedField
    let values: PackedValues
    /// The whole buffer the chunk ranges of `values` refer to.
    let buffer: ByteView

    /// The values as `count` dense little-endian elements of `elementWidth` bytes each.
    ///
    /// Fixed-width fields stored in one packed run come back as a view of the file; everything
    /// else (several runs, unpacked values, varints) is converted into new storage. Varints are
    /// truncated to `elementWidth` bytes, which is how `onnx.proto` stores narrow types in
    /// `int32_data` (and `uint32` in `uint64_data`).
    func dense(elementWidth: Int) -> ByteView {
        if values.encoding != .varint {
            if values.chunks.count == 1 { return buffer[values.chunks[0]] }
            return buffer.withUnsafeBytes { source in
                let total = values.chunks.reduce(0) { $0 + $1.count }
                return ByteView(owner: OwnedBytes(count: total) { destination in
                    var written = 0
                    for chunk in values.chunks {
                        UnsafeMutableRawBufferPointer(rebasing: destination[written..<written + chunk.count])
                            .copyMemory(from: UnsafeRawBufferPointer(rebasing: source[chunk]))
                        written += chunk.count
                    }
                })
            }
        }
        return buffer.withUnsafeBytes { source in
            ByteView(owner: OwnedBytes(count: values.count * elementWidth) { destination in
                var index = 0
                for chunk in values.chunks {
                    var reader = WireReader(source).reader(for: chunk)
                    while !reader.isAtEnd && index < values.count {
                        // Validated when the field was read, so this cannot fail.
                        let value = (try? reader.readVarint("")) ?? 0
                        let at = index * elementWidth
                        switch elementWidth {
                        case 1: destination.storeBytes(of: UInt8(truncatingIfNeeded: value), toByteOffset: at, as: UInt8.self)
                        case 2: destination.storeBytes(of: UInt16(truncatingIfNeeded: value).littleEndian, toByteOffset: at, as: UInt16.self)
                        case 4: destination.storeBytes(of: UInt32(truncatingIfNeeded: value).littleEndian, toByteOffset: at, as: UInt32.self)
                        default: destination.storeBytes(of: value.littleEndian, toByteOffset: at, as: UInt64.self)
                        }
                        index += 1
                    }
                }
            })
        }
    }
}
