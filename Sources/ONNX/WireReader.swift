/// A bounds-checked cursor over protobuf wire-format bytes.
///
/// Positions are absolute offsets into the whole buffer (the model file), so errors can say
/// exactly where they happened. A reader for a nested message shares the buffer but stops at the
/// message's end. Nothing is copied: strings are decoded straight from the buffer, and byte
/// fields come back as ranges.
///
/// Every read takes the name of the field being read as an autoclosure, built only for an error.
struct WireReader {
    private let base: UnsafeRawPointer?
    /// Size of the whole buffer: a length past it means the bytes are cut short (truncated);
    /// a length past `end` but inside it means the length is wrong (malformed).
    private let bufferCount: Int
    private(set) var position: Int
    let end: Int

    /// A reader over all of `buffer`.
    init(_ buffer: UnsafeRawBufferPointer) {
        base = buffer.baseAddress.map { UnsafeRawPointer($0) }
        bufferCount = buffer.count
        position = 0
        end = buffer.count
    }

    private init(base: UnsafeRawPointer?, bufferCount: Int, range: Range<Int>) {
        self.base = base
        self.bufferCount = bufferCount
        position = range.lowerBound
        end = range.upperBound
    }

    /// A reader over `range` of the same buffer (a nested message or packed field).
    func reader(for range: Range<Int>) -> WireReader {
        WireReader(base: base, bufferCount: bufferCount, range: range)
    }

    var isAtEnd: Bool { position >= end }

    // MARK: Raw values

    /// Reads a base-128 varint of at most 10 bytes whose value fits in 64 bits.
    @inline(__always)
    mutating func readVarint(_ field: @autoclosure () -> String) throws(ONNXError) -> UInt64 {
        let start = position
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < end else { throw truncation(field(), at: start) }
            let byte = base.unsafelyUnwrapped.load(fromByteOffset: position, as: UInt8.self)
            position += 1
            if shift == 63 {
                if byte >= 0x80 {
                    throw .malformed(field: field(), offset: start, reason: "varint longer than 10 bytes")
                }
                if byte > 1 {
                    throw .malformed(field: field(), offset: start, reason: "varint overflows 64 bits")
                }
            }
            result |= UInt64(byte & 0x7f) << shift
            if byte < 0x80 { return result }
            shift += 7
        }
    }

    /// Reads a little-endian 32-bit value.
    mutating func readFixed32(_ field: @autoclosure () -> String) throws(ONNXError) -> UInt32 {
        let start = try advance(by: 4, field())
        return UInt32(littleEndian: base.unsafelyUnwrapped.loadUnaligned(fromByteOffset: start, as: UInt32.self))
    }

    /// Reads a little-endian 64-bit value.
    mutating func readFixed64(_ field: @autoclosure () -> String) throws(ONNXError) -> UInt64 {
        let start = try advance(by: 8, field())
        return UInt64(littleEndian: base.unsafelyUnwrapped.loadUnaligned(fromByteOffset: start, as: UInt64.self))
    }

    /// Reads a length prefix and returns the range of the bytes it announces, then skips them.
    mutating func readLengthDelimited(_ field: @autoclosure () -> String) throws(ONNXError) -> Range<Int> {
        let start = position
        let length = try readVarint(field())
        let available = end - position
        guard length <= UInt64(available) else {
            if end == bufferCount { throw .truncated(field: field(), offset: start) }
            throw .malformed(field: field(), offset: start,
                             reason: "length \(length) overruns the enclosing message (\(available) bytes left)")
        }
        let lower = position
        position += Int(length)
        return lower..<position
    }

    /// Reads a field key; `nil` at the end of the message.
    mutating func readTag() throws(ONNXError) -> Tag? {
        guard position < end else { return nil }
        let start = position
        let key = try readVarint("field key")
        let fieldNumber = key >> 3
        guard fieldNumber >= 1 && fieldNumber <= 0x1fff_ffff else {
            throw .malformed(field: "", offset: start, reason: "invalid field number \(fieldNumber)")
        }
        let rawType = UInt8(key & 7)
        guard let wireType = WireType(rawValue: rawType) else {
            let kind = rawType == 3 || rawType == 4 ? "group wire type \(rawType) (unsupported)"
                                                    : "invalid wire type \(rawType)"
            throw .malformed(field: "", offset: start, reason: "\(kind) for field \(fieldNumber)")
        }
        return Tag(field: Int(fieldNumber), wireType: wireType, offset: start)
    }

    /// Skips the value of a field this reader does not use.
    mutating func skip(_ tag: Tag) throws(ONNXError) {
        let field = "field \(tag.field)"
        switch tag.wireType {
        case .varint: _ = try readVarint(field)
        case .fixed64: _ = try advance(by: 8, field)
        case .lengthDelimited: _ = try readLengthDelimited(field)
        case .fixed32: _ = try advance(by: 4, field)
        }
    }

    // MARK: Typed fields

    /// Reads an `int64` (or enum, or `uint64` bit pattern) field.
    mutating func int64(_ tag: Tag, _ field: @autoclosure () -> String) throws(ONNXError) -> Int64 {
        try expect(tag, .varint, field())
        return Int64(bitPattern: try readVarint(field()))
    }

    /// Reads an `int32` or enum field (stored as a sign-extended varint, truncated as protobuf does).
    mutating func int32(_ tag: Tag, _ field: @autoclosure () -> String) throws(ONNXError) -> Int32 {
        try expect(tag, .varint, field())
        return Int32(truncatingIfNeeded: try readVarint(field()))
    }

    /// Reads a `float` field.
    mutating func float(_ tag: Tag, _ field: @autoclosure () -> String) throws(ONNXError) -> Float {
        try expect(tag, .fixed32, field())
        return Float(bitPattern: try readFixed32(field()))
    }

    /// Reads a `bytes` field as the range it occupies.
    mutating func bytes(_ tag: Tag, _ field: @autoclosure () -> String) throws(ONNXError) -> Range<Int> {
        try expect(tag, .lengthDelimited, field())
        return try readLengthDelimited(field())
    }

    /// Reads a `string` field, which must be valid UTF-8.
    mutating func string(_ tag: Tag, _ field: @autoclosure () -> String) throws(ONNXError) -> String {
        let range = try bytes(tag, field())
        guard let string = decodeUTF8(range) else {
            throw .malformed(field: field(), offset: tag.offset, reason: "not valid UTF-8")
        }
        return string
    }

    /// Reads an embedded message field and returns a reader over its bytes.
    mutating func message(_ tag: Tag, _ field: @autoclosure () -> String) throws(ONNXError) -> WireReader {
        reader(for: try bytes(tag, field()))
    }

    /// Reads one occurrence of a repeated varint field, packed or not, appending its values.
    mutating func varints(_ tag: Tag, _ field: @autoclosure () -> String,
                          into values: inout [Int64]) throws(ONNXError) {
        if tag.wireType == .lengthDelimited {
            var packed = reader(for: try readLengthDelimited(field()))
            while !packed.isAtEnd { values.append(Int64(bitPattern: try packed.readVarint(field()))) }
        } else {
            values.append(try int64(tag, field()))
        }
    }

    /// Reads one occurrence of a repeated `float` field, packed or not, appending its values.
    mutating func floats(_ tag: Tag, _ field: @autoclosure () -> String,
                         into values: inout [Float]) throws(ONNXError) {
        if tag.wireType == .lengthDelimited {
            var packed = reader(for: try readLengthDelimited(field()))
            guard (packed.end - packed.position) % 4 == 0 else {
                throw .malformed(field: field(), offset: tag.offset,
                                 reason: "packed floats of \(packed.end - packed.position) bytes, not a multiple of 4")
            }
            while !packed.isAtEnd { values.append(Float(bitPattern: try packed.readFixed32(field()))) }
        } else {
            values.append(try float(tag, field()))
        }
    }

    /// Decodes the bytes at `range` as UTF-8; `nil` if they are not valid UTF-8.
    func decodeUTF8(_ range: Range<Int>) -> String? {
        guard let base, !range.isEmpty else { return "" }
        let bytes = UnsafeBufferPointer(start: (base + range.lowerBound).assumingMemoryBound(to: UInt8.self),
                                        count: range.count)
        var union: UInt8 = 0
        for byte in bytes { union |= byte }
        let string = String(decoding: bytes, as: UTF8.self)
        // Decoding repairs invalid sequences, so the result equals the input exactly when it was valid.
        if union < 0x80 || string.utf8.elementsEqual(bytes) { return string }
        return nil
    }

    // MARK: Helpers

    /// Checks `count` bytes are available, moves past them, and returns where they start.
    private mutating func advance(by count: Int, _ field: @autoclosure () -> String) throws(ONNXError) -> Int {
        let start = position
        guard end - position >= count else { throw truncation(field(), at: start) }
        position += count
        return start
    }

    /// Throws unless a known field arrived with the wire type its declaration implies.
    private func expect(_ tag: Tag, _ wireType: WireType, _ field: @autoclosure () -> String) throws(ONNXError) {
        guard tag.wireType == wireType else {
            throw .malformed(field: field(), offset: tag.offset,
                             reason: "wire type \(tag.wireType.name) where \(wireType.name) was expected")
        }
    }

    /// A truncation error for an item starting at `offset`, or a malformed one if the enclosing
    /// message ends before the buffer does (the bytes are there, the message is too short).
    private func truncation(_ field: String, at offset: Int) -> ONNXError {
        if end != bufferCount {
            return .malformed(field: field, offset: offset, reason: "value overruns the enclosing message")
        }
        return .truncated(field: field, offset: offset)
    }
}
