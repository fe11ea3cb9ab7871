extension TensorProto {
    /// Reads a `TensorProto` message and checks that its shape and stored data agree.
    init(from message: WireReader, context: DecodeContext) throws(ONNXError) {
        var fields = TensorFields(start: message.position)
        var reader = message
        while let tag = try reader.readTag() {
            try fields.read(tag, from: &reader, context: context)
        }
        let dataType = try fields.dataType()
        let dims = fields.dims.map { Int(truncatingIfNeeded: $0) }
        let elementCount: Int
        switch Self.elementCount(of: dims) {
        case let .success(product): elementCount = product
        case let .failure(failure): throw .malformed(field: "dims", offset: fields.dimsOffset, reason: failure.description)
        }
        let content = try fields.content(dataType: dataType, dims: dims, elementCount: elementCount, context: context)
        self.init(name: fields.name, dataType: dataType, dims: dims, elementCount: elementCount, content: content)
    }
}

/// The fields of one `TensorProto` as read, before they are checked against each other.
private struct TensorFields {
    let start: Int
    var name = ""
    var rawType: Int32 = 0
    var dataTypeOffset: Int
    var dims: [Int64] = []
    var dimsOffset: Int
    var raw: (range: Range<Int>, offset: Int)?
    var floats = PackedValues(.fixed32)
    var int32s = PackedValues(.varint)
    var int64s = PackedValues(.varint)
    var doubles = PackedValues(.fixed64)
    var uint64s = PackedValues(.varint)
    var strings: [ByteView] = []
    var stringsOffset = 0
    var externalEntries: [(key: String, value: String)] = []
    var location: Int32 = 0
    var locationOffset: Int

    init(start: Int) {
        self.start = start
        dataTypeOffset = start
        dimsOffset = start
        locationOffset = start
    }

    /// Reads the field whose key is `tag`.
    mutating func read(_ tag: Tag, from reader: inout WireReader, context: DecodeContext) throws(ONNXError) {
        switch tag.field {
        case 1:
            if dims.isEmpty { dimsOffset = tag.offset }
            try reader.varints(tag, "dims", into: &dims)
        case 2:
            dataTypeOffset = tag.offset
            rawType = try reader.int32(tag, "data_type")
        case 4: try floats.append(tag, from: &reader, "float_data")
        case 5: try int32s.append(tag, from: &reader, "int32_data")
        case 6:
            if strings.isEmpty { stringsOffset = tag.offset }
            strings.append(context.buffer[try reader.bytes(tag, "string_data[\(strings.count)]")])
        case 7: try int64s.append(tag, from: &reader, "int64_data")
        case 8: name = try reader.string(tag, "name")
        case 9: raw = (try reader.bytes(tag, "raw_data"), tag.offset)
        case 10: try doubles.append(tag, from: &reader, "double_data")
        case 11: try uint64s.append(tag, from: &reader, "uint64_data")
        case 13:
            let index = externalEntries.count
            let entry = try reader.message(tag, "external_data[\(index)]")
            externalEntries.append(try within("external_data[\(index)]") { () throws(ONNXError) in
                try StringStringEntry.decode(entry)
            })
        case 14:
            locationOffset = tag.offset
            location = try reader.int32(tag, "data_location")
        default: try reader.skip(tag)  // segment, doc_string, metadata_props, future fields
        }
    }

    /// The element type, which must be one `onnx.proto` defines.
    func dataType() throws(ONNXError) -> TensorDataType {
        guard let type = TensorDataType(rawValue: rawType) else {
            throw .malformed(field: "data_type", offset: dataTypeOffset, reason: "unknown data type \(rawType)")
        }
        return type
    }

    /// Where the data is, checked to hold exactly `elementCount` elements of `dataType` (except
    /// external data, which is checked when it is read).
    func content(dataType: TensorDataType, dims: [Int], elementCount: Int,
                 context: DecodeContext) throws(ONNXError) -> TensorContent {
        let typed = [(TypedField.floatData, floats), (.int32Data, int32s), (.int64Data, int64s),
                     (.doubleData, doubles), (.uint64Data, uint64s)].filter { !$0.1.chunks.isEmpty }
        var present = typed.map(\.0.rawValue)
        if raw != nil { present.append("raw_data") }
        if !strings.isEmpty { present.append("string_data") }
        if location == 1 { present.append("external data") }
        guard present.count <= 1 else {
            throw .malformed(field: "", offset: start,
                             reason: "holds data in more than one way: \(present.joined(separator: ", "))")
        }
        guard location == 0 || location == 1 else {
            throw .malformed(field: "data_location", offset: locationOffset, reason: "unknown data location \(location)")
        }

        if let raw {
            guard let expected = dataType.byteCount(elements: elementCount) else {
                throw .malformed(field: "raw_data", offset: raw.offset, reason: "a \(dataType) tensor cannot hold raw_data")
            }
            guard raw.range.count == expected else {
                throw .malformed(field: "raw_data", offset: raw.offset,
                                 reason: "holds \(raw.range.count) bytes, but dims \(dims) of \(dataType) need \(expected)")
            }
            return .bytes(context.buffer[raw.range])
        }
        if let (field, values) = typed.first {
            if let expected = TypedField.field(for: dataType) {
                guard expected.field == field else {
                    throw .malformed(field: field.rawValue, offset: values.offset,
                                     reason: "a \(dataType) tensor cannot hold \(field.rawValue)")
                }
                let (needed, overflow) = elementCount.multipliedReportingOverflow(by: expected.valuesPerElement)
                guard !overflow, values.count == needed else {
                    let need = overflow ? "more than Int.max" : String(needed)
                    throw .malformed(field: field.rawValue, offset: values.offset,
                                     reason: "holds \(values.count) values, but dims \(dims) of \(dataType) need \(need)")
                }
            } else if !(field == .int32Data && dataType.bitWidth.map({ $0 < 8 }) == true) {
                // Sub-byte types in int32_data are let through here; payload() reports them unsupported.
                throw .malformed(field: field.rawValue, offset: values.offset,
                                 reason: "a \(dataType) tensor cannot hold \(field.rawValue)")
            }
            return .typed(TypedValues(field: field, values: values, buffer: context.buffer))
        }
        if !strings.isEmpty {
            guard dataType == .string else {
                throw .malformed(field: "string_data", offset: stringsOffset,
                                 reason: "a \(dataType) tensor cannot hold string_data")
            }
            guard strings.count == elementCount else {
                throw .malformed(field: "string_data", offset: stringsOffset,
                                 reason: "holds \(strings.count) strings, but dims \(dims) need \(elementCount)")
            }
            return .strings(strings)
        }
        if location == 1 {
            return .external(ExternalDataReference(entries: externalEntries, files: context.externalFiles))
        }
        return .none
    }
}
