/// ZigZag encoding of signed integers (protobuf `sint32`/`sint64`): 0, -1, 1, -2, … map to 0, 1, 2, 3, ….
///
/// `onnx.proto` declares no `sint` fields; this is here so the wire layer is complete.
enum ZigZag {
    /// The signed value whose ZigZag encoding is `value`.
    static func decode(_ value: UInt64) -> Int64 {
        Int64(bitPattern: (value >> 1) ^ (0 &- (value & 1)))
    }

    /// The ZigZag encoding of `value`.
    static func encode(_ value: Int64) -> UInt64 {
        UInt64(bitPattern: (value << 1) ^ (value >> 63))
    }
}
