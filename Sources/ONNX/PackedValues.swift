/// How the values of a repeated numeric field are encoded, packed or not.
enum ScalarEncoding {
    case varint, fixed32, fixed64

    var wireType: WireType {
        switch self {
        case .varint: return .varint
        case .fixed32: return .fixed32
        case .fixed64: return .fixed64
        }
    }
}

/// The occurrences of one repeated numeric field of a tensor, left in place in the buffer.
///
/// Each occurrence is recorded as the byte range of its values in packed encoding: a packed
/// occurrence contributes its whole payload, an unpacked one the bytes of its single value (which
/// is the same thing as a packed run of one). Values are validated and counted as they are
/// recorded, so converting them later cannot fail.
struct PackedValues: Sendable {
    let encoding: ScalarEncoding
    private(set) var chunks: [Range<Int>] = []
    private(set) var count = 0
    /// Where the first occurrence's key starts, for error messages.
    private(set) var offset = 0

    init(_ encoding: ScalarEncoding) {
        self.encoding = encoding
    }

    /// Reads one occurrence of the field whose key is `tag` from `reader`.
    mutating func append(_ tag: Tag, from reader: inout WireReader,
                         _ field: @autoclosure () -> String) throws(ONNXError) {
        if chunks.isEmpty { offset = tag.offset }
        if tag.wireType == .lengthDelimited {
            let range = try reader.readLengthDelimited(field())
            count += try Self.countValues(in: reader.reader(for: range), encoding, tag, field())
            if !range.isEmpty { chunks.append(range) }
            return
        }
        guard tag.wireType == encoding.wireType else {
            throw .malformed(field: field(), offset: tag.offset,
                             reason: "wire type \(tag.wireType.name) where \(encoding.wireType.name) was expected")
        }
        let start = reader.position
        switch encoding {
        case .varint: _ = try reader.readVarint(field())
        case .fixed32: _ = try reader.readFixed32(field())
        case .fixed64: _ = try reader.readFixed64(field())
        }
        chunks.append(start..<reader.position)
        count += 1
    }

    /// Number of values in a packed payload, checking that it is well formed.
    private static func countValues(in packed: WireReader, _ encoding: ScalarEncoding, _ tag: Tag,
                                    _ field: @autoclosure () -> String) throws(ONNXError) -> Int {
        let length = packed.end - packed.position
        switch encoding {
        case .fixed32, .fixed64:
            let width = encoding == .fixed32 ? 4 : 8
            guard length % width == 0 else {
                throw .malformed(field: field(), offset: tag.offset,
                                 reason: "packed payload of \(length) bytes is not a multiple of \(width)")
            }
            return length / width
        case .varint:
            var reader = packed
            var count = 0
            while !reader.isAtEnd {
                _ = try reader.readVarint(field())
                count += 1
            }
            return count
        }
    }
}
