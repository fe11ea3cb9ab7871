import CSndFile

/// A short human name for a libsndfile format code: `WAV 16-bit`, `FLAC 24-bit`, `Ogg Vorbis`, `MP3`.
///
/// Containers and encodings this table does not know fall back to libsndfile's own names.
func describeFormat(_ format: Int32) -> String {
    let major = format & Int32(SF_FORMAT_TYPEMASK)
    let sub = format & Int32(SF_FORMAT_SUBMASK)
    switch Int(sub) {
    case SF_FORMAT_MPEG_LAYER_I: return "MP1"
    case SF_FORMAT_MPEG_LAYER_II: return "MP2"
    case SF_FORMAT_MPEG_LAYER_III: return "MP3"
    default: break
    }
    let container: String
    switch Int(major) {
    case SF_FORMAT_WAV, SF_FORMAT_WAVEX: container = "WAV"
    case SF_FORMAT_RF64: container = "RF64"
    case SF_FORMAT_W64: container = "W64"
    case SF_FORMAT_AIFF: container = "AIFF"
    case SF_FORMAT_FLAC: container = "FLAC"
    case SF_FORMAT_OGG: container = "Ogg"
    case SF_FORMAT_CAF: container = "CAF"
    default: container = formatInfoName(major, command: SFC_GET_FORMAT_MAJOR)
    }
    let encoding: String
    switch Int(sub) {
    case SF_FORMAT_PCM_S8, SF_FORMAT_PCM_U8: encoding = "8-bit"
    case SF_FORMAT_PCM_16: encoding = "16-bit"
    case SF_FORMAT_PCM_24: encoding = "24-bit"
    case SF_FORMAT_PCM_32: encoding = "32-bit"
    case SF_FORMAT_FLOAT: encoding = "32-bit float"
    case SF_FORMAT_DOUBLE: encoding = "64-bit float"
    case SF_FORMAT_VORBIS: encoding = "Vorbis"
    case SF_FORMAT_OPUS: encoding = "Opus"
    default: encoding = formatInfoName(sub, command: SFC_GET_FORMAT_SUBTYPE)
    }
    return "\(container) \(encoding)"
}

/// libsndfile's description of one major format or subtype code.
private func formatInfoName(_ code: Int32, command: Int) -> String {
    let count = command == SFC_GET_FORMAT_MAJOR ? SFC_GET_FORMAT_MAJOR_COUNT : SFC_GET_FORMAT_SUBTYPE_COUNT
    var total: Int32 = 0
    sf_command(nil, Int32(count), &total, Int32(MemoryLayout<Int32>.size))
    for index in 0..<total {
        var info = SF_FORMAT_INFO(format: index, name: nil, extension: nil)
        sf_command(nil, Int32(command), &info, Int32(MemoryLayout<SF_FORMAT_INFO>.size))
        if info.format == code, let name = info.name { return String(cString: name) }
    }
    return "format 0x\(String(code, radix: 16))"
}
