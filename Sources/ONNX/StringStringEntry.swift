/// A key/value pair (`StringStringEntryProto`), as used by `external_data` and `metadata_props`.
enum StringStringEntry {
    /// Reads one entry; missing fields are empty strings.
    static func decode(_ message: WireReader) throws(ONNXError) -> (key: String, value: String) {
        var reader = message
        var key = ""
        var value = ""
        while let tag = try reader.readTag() {
            switch tag.field {
            case 1: key = try reader.string(tag, "key")
            case 2: value = try reader.string(tag, "value")
            default: try reader.skip(tag)
            }
        }
        return (key, value)
    }
}
