#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CSndFile

/// Decodes an audio file (anything libsndfile reads: WAV, FLAC, Ogg Vorbis/Opus, MP3, AIFF, …) in chunks.
///
/// Samples come out as interleaved float32 with libsndfile's normalisation (integer PCM divided by
/// 2^(bits−1), so 16-bit `q` reads as `q / 32768`; float files pass through unchanged). Only one
/// chunk is in memory at a time, so a long track costs no more than a short one.
public final class AudioFileReader {
    /// The file, as given to `init`.
    public let path: String
    /// Frames per second, as the file declares it.
    public let sampleRate: Int
    /// Interleaved channels per frame.
    public let channels: Int
    /// Frames in the file as libsndfile reports them (0 for an empty file; an estimate for some MP3s).
    public let frames: Int
    /// A short description such as `FLAC 16-bit`, `WAV 32-bit float` or `MP3`.
    public let formatName: String

    /// Highest sample rate accepted; anything above is taken for a corrupt header.
    public static let maximumSampleRate = 768_000
    /// Lowest sample rate accepted: below it a header is taken for corrupt, and a small file would resample
    /// to days of audio (a 1 Hz file becomes 44,100 times longer).
    public static let minimumSampleRate = 1_000

    private let handle: OpaquePointer

    /// Opens `path` for decoding.
    ///
    /// Throws an `AudioError` naming `path` when the file is missing, a folder, not a regular file (a
    /// pipe or device, which could block or be read only once), unreadable, not audio libsndfile knows,
    /// or declares no channels or a sample rate outside 1 kHz to 768 kHz.
    public init(path: String) throws {
        self.path = path
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw AudioError(path: path, reason: errno == ENOENT ? "no such file" : systemMessage(errno))
        }
        guard status.st_mode & S_IFMT != S_IFDIR else {
            throw AudioError(path: path, reason: "is a folder, not an audio file")
        }
        guard status.st_mode & S_IFMT == S_IFREG else {
            throw AudioError(path: path, reason: "is not a regular file (a pipe, device or socket); "
                + "the track is read twice, so it must be a file")
        }
        var info = SF_INFO()
        guard let handle = sf_open(path, Int32(SFM_READ), &info) else {
            throw AudioError(path: path, reason: "cannot decode as audio (\(openFailure(sndfileMessage(nil))))")
        }
        self.handle = handle
        sampleRate = Int(info.samplerate)
        channels = Int(info.channels)
        frames = Int(info.frames)
        formatName = describeFormat(info.format)
        guard channels > 0 else {
            sf_close(handle)
            throw AudioError(path: path, reason: "declares \(channels) audio channels")
        }
        guard sampleRate >= Self.minimumSampleRate, sampleRate <= Self.maximumSampleRate else {
            sf_close(handle)
            throw AudioError(path: path, reason: "declares an implausible sample rate of \(sampleRate) Hz "
                + "(swdemucs reads 1 kHz to 768 kHz)")
        }
        guard frames >= 0 else {
            sf_close(handle)
            throw AudioError(path: path, reason: "declares a negative length of \(frames) frames")
        }
    }

    deinit { sf_close(handle) }

    /// Reads up to `maxFrames` frames as interleaved float32 (`frames × channels` values); empty at the end.
    ///
    /// Throws when the decoder reports an error (a damaged stream), naming the file.
    public func read(maxFrames: Int) throws -> [Float] {
        precondition(maxFrames > 0, "maxFrames must be positive")
        let (capacity, overflow) = maxFrames.multipliedReportingOverflow(by: channels)
        precondition(!overflow, "maxFrames × channels overflows")
        var got: sf_count_t = 0
        let samples = [Float](unsafeUninitializedCapacity: capacity) { buffer, count in
            got = sf_readf_float(handle, buffer.baseAddress, sf_count_t(maxFrames))
            count = Int(max(got, 0)) * channels
        }
        if got < maxFrames, sf_error(handle) != SF_ERR_NO_ERROR {
            throw AudioError(path: path, reason: "decoding failed (libsndfile: \(sndfileMessage(handle)))")
        }
        return samples
    }

    /// Goes back to the first frame.
    public func rewind() throws {
        guard sf_seek(handle, 0, SEEK_SET) == 0 else {
            throw AudioError(path: path, reason: "cannot seek back to the start (libsndfile: \(sndfileMessage(handle)))")
        }
    }
}

/// libsndfile's reason for refusing to open a regular file, reworded where its own words mislead.
///
/// libsndfile reports a header declaring 0 Hz, a rate beyond 2³¹ − 1 or no channels as an internal
/// error ("SF_INFO struct incomplete"), and an unrecognised `.mp3` as a missing or irregular file.
private func openFailure(_ message: String) -> String {
    if message.contains("SF_INFO struct incomplete") {
        return "its header declares an impossible sample rate, channel count or length"
    }
    if message.contains("does not exist or is not a regular file") {
        return "libsndfile: format not recognised"
    }
    return "libsndfile: \(message)"
}
