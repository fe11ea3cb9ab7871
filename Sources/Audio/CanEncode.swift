import CSndFile

/// The linked libsndfile's version, e.g. `libsndfile-1.2.0`.
public var sndfileVersion: String { String(cString: sf_version_string()) }

/// Whether this libsndfile can encode `format` (for clear CLI errors before any work).
///
/// Encodes a moment of silence at 44.1 kHz stereo into a discarding in-memory sink, so the
/// answer reflects the encoders libsndfile was really built with. For MP3 the bitrate must
/// also be one MPEG-1 Layer III allows (32–320 kbps from the standard table).
public func canEncode(_ format: AudioFileFormat) -> Bool {
    if case .mp3(let kbps) = format, !MP3Bitrate.allowed(sampleRate: 44100).contains(kbps) { return false }
    let sink = DiscardingSink()
    var io = SF_VIRTUAL_IO(
        get_filelen: { DiscardingSink.from($0).length },
        seek: { offset, whence, user in DiscardingSink.from(user).seek(offset, whence) },
        read: { _, _, _ in 0 },
        write: { _, count, user in DiscardingSink.from(user).write(count) },
        tell: { DiscardingSink.from($0).position })
    var info = SF_INFO(frames: 0, samplerate: 44100, channels: 2, format: format.sndfileFormat, sections: 0, seekable: 0)
    return withExtendedLifetime(sink) {
        guard let handle = sf_open_virtual(&io, Int32(SFM_WRITE), &info, Unmanaged.passUnretained(sink).toOpaque())
        else { return false }
        var ok = true
        if case .mp3(let kbps) = format {
            ok = MP3Bitrate.apply(kbps: kbps, sampleRate: 44100, to: handle)
        }
        let silence = [Int32](repeating: 0, count: 2 * 4608)
        ok = ok && sf_writef_int(handle, silence, 4608) == 4608
        return sf_close(handle) == 0 && ok
    }
}

/// A virtual file for libsndfile that counts bytes and keeps none.
private final class DiscardingSink {
    var position: sf_count_t = 0
    var length: sf_count_t = 0

    static func from(_ pointer: UnsafeMutableRawPointer?) -> DiscardingSink {
        Unmanaged<DiscardingSink>.fromOpaque(pointer!).takeUnretainedValue()
    }

    func seek(_ offset: sf_count_t, _ whence: Int32) -> sf_count_t {
        switch whence {
        case SEEK_CUR: position += offset
        case SEEK_END: position = length + offset
        default: position = offset
        }
        return position
    }

    func write(_ count: sf_count_t) -> sf_count_t {
        position += count
        length = max(length, position)
        return count
    }
}
