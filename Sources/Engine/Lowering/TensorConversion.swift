import ONNX

extension DataType {
    /// The engine type that holds values of an ONNX element type, or nil for types it cannot compute with
    /// (strings, complex numbers, bfloat16).
    init?(onnx type: TensorDataType) {
        switch type {
        case .float, .double, .float16: self = .float32
        case .int8, .uint8, .int16, .uint16, .int32, .int64, .uint32, .uint64: self = .int64
        case .bool: self = .bool
        default: return nil
        }
    }
}

extension Tensor {
    /// Copies an ONNX tensor into engine storage, widening or narrowing its elements to the engine type.
    init(_ proto: TensorProto) throws {
        guard let type = DataType(onnx: proto.dataType), let width = proto.dataType.byteWidth else {
            throw EngineError.model("tensor '\(proto.name)' has element type \(proto.dataType), which the engine does not support")
        }
        try checkedElementCount(proto.dims, type, value: proto.name)
        let payload: ByteView
        do {
            payload = try proto.payload()
        } catch {
            throw EngineError.model("\(error)")
        }
        guard payload.count == proto.elementCount * width else {
            throw EngineError.model("tensor '\(proto.name)' holds \(payload.count) bytes, expected \(proto.elementCount * width)")
        }
        self.init(zeros: type, shape: proto.dims)
        let count = proto.elementCount
        let destination = rawPointer
        payload.withUnsafeBytes { source in
            guard count > 0, let base = source.baseAddress else { return }
            switch proto.dataType {
            case .float, .int64:
                destination.copyMemory(from: base, byteCount: count * width)
            case .bool:
                convert(source, count, destination, UInt8.self) { $0 != 0 }
            case .uint8:
                convert(source, count, destination, UInt8.self) { Int64($0) }
            case .double:
                convert(source, count, destination, Double.self) { Float($0) }
            case .float16:
                convert(source, count, destination, UInt16.self) { Float(halfBits: $0) }
            case .int8:
                convert(source, count, destination, Int8.self) { Int64($0) }
            case .int16:
                convert(source, count, destination, Int16.self) { Int64($0) }
            case .uint16:
                convert(source, count, destination, UInt16.self) { Int64($0) }
            case .int32:
                convert(source, count, destination, Int32.self) { Int64($0) }
            case .uint32:
                convert(source, count, destination, UInt32.self) { Int64($0) }
            case .uint64:
                convert(source, count, destination, UInt64.self) { Int64(truncatingIfNeeded: $0) }
            default:
                break
            }
        }
        payload.releaseResidentPages()
    }
}

/// Reads `count` little-endian `Source` values (unaligned) and stores `transform` of each densely at `destination`.
private func convert<Source, Target>(_ source: UnsafeRawBufferPointer, _ count: Int,
                                     _ destination: UnsafeMutableRawPointer, _: Source.Type,
                                     _ transform: (Source) -> Target) {
    let out = destination.assumingMemoryBound(to: Target.self)
    for i in 0..<count {
        out[i] = transform(source.loadUnaligned(fromByteOffset: i * MemoryLayout<Source>.size, as: Source.self))
    }
}

extension Float {
    /// The value of an IEEE 754 half-precision bit pattern.
    init(halfBits bits: UInt16) {
        let sign = UInt32(bits >> 15) << 31
        let exponent = Int(bits >> 10) & 0x1f
        let fraction = UInt32(bits & 0x3ff)
        if exponent == 0 {
            let magnitude = Float(fraction) * 0x1p-24
            self = sign != 0 ? -magnitude : magnitude
        } else if exponent == 31 {
            self = Float(bitPattern: sign | 0x7f80_0000 | (fraction << 13))
        } else {
            self = Float(bitPattern: sign | UInt32(exponent + 112) << 23 | (fraction << 13))
        }
    }
}
