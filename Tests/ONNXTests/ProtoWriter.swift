/// A tiny protobuf encoder for hand-making test inputs, including deliberately odd encodings.
struct ProtoWriter {
    var bytes: [UInt8] = []

    static func build(_ body: (inout ProtoWriter) -> Void) -> [UInt8] {
        var writer = ProtoWriter()
        body(&writer)
        return writer.bytes
    }

    mutating func varint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7f) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    mutating func tag(_ field: Int, _ wireType: UInt8) {
        varint(UInt64(field) << 3 | UInt64(wireType))
    }

    /// An `int64`/`int32`/enum field (negative values take 10 bytes, as protobuf writes them).
    mutating func int(_ field: Int, _ value: Int64) {
        tag(field, 0)
        varint(UInt64(bitPattern: value))
    }

    mutating func fixed32(_ field: Int, _ value: UInt32) {
        tag(field, 5)
        appendLittleEndian(value)
    }

    mutating func fixed64(_ field: Int, _ value: UInt64) {
        tag(field, 1)
        appendLittleEndian(value)
    }

    mutating func float(_ field: Int, _ value: Float) { fixed32(field, value.bitPattern) }

    mutating func double(_ field: Int, _ value: Double) { fixed64(field, value.bitPattern) }

    mutating func bytes(_ field: Int, _ value: [UInt8]) {
        tag(field, 2)
        varint(UInt64(value.count))
        bytes += value
    }

    mutating func string(_ field: Int, _ value: String) { bytes(field, Array(value.utf8)) }

    mutating func message(_ field: Int, _ body: (inout ProtoWriter) -> Void) {
        bytes(field, ProtoWriter.build(body))
    }

    mutating func packedVarints(_ field: Int, _ values: [Int64]) {
        bytes(field, ProtoWriter.build { w in values.forEach { w.varint(UInt64(bitPattern: $0)) } })
    }

    mutating func packedFixed32(_ field: Int, _ values: [UInt32]) {
        bytes(field, ProtoWriter.build { w in values.forEach { w.appendLittleEndian($0) } })
    }

    mutating func packedFixed64(_ field: Int, _ values: [UInt64]) {
        bytes(field, ProtoWriter.build { w in values.forEach { w.appendLittleEndian($0) } })
    }

    mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
    }
}
