/// A decoded track converted to the model's sample rate and channel count, streamed in chunks.
///
/// Channels follow demucs (`convert_audio_channels`): mono is copied to every output channel,
/// extra channels are dropped (the first `channels` kept), and a single output channel is the
/// mean of all. Rates differing from `sampleRate` go through libsoxr (see `Resampler`).
///
/// Length rule: the stream delivers exactly `frames = ⌊source.frames × sampleRate / source.sampleRate⌋`
/// frames, the length demucs gets from `julius.resample_frac` (floor of `length × new_sr / old_sr`).
/// soxr's own output (rounded half up) is cut to that length, at most one frame shorter. If the
/// decoder stops before the length the file declares (a damaged file), the missing end is filled
/// with silence and counted in `paddedFrames` — up to `maximumPaddingSeconds`: a file that declares
/// more than that beyond its audio (an MP3 whose Xing header claims 15,000 hours in 5 kB) ends where
/// its audio ends, and `frames` becomes that length once a read reaches it. Memory stays bounded:
/// only the current chunk and the resampler's state are held, whatever the track's length.
public final class AudioStream {
    /// The file being decoded.
    public let source: AudioFileReader
    /// The file, as given to `init`.
    public var path: String { source.path }
    /// Output frames per second.
    public let sampleRate: Int
    /// Output channels.
    public let channels: Int
    /// Frames the stream delivers in all (see the length rule above): the declared length, until a read finds
    /// the audio ending more than `maximumPaddingSeconds` short of it.
    public private(set) var frames: Int
    /// Frames of silence added so far because the decoder stopped early; 0 for sound files.
    public private(set) var paddedFrames = 0

    /// Most silence, in seconds, added at the end of a file whose audio stops before its declared length.
    public static let maximumPaddingSeconds = 10

    private let conversion: ChannelConversion
    private var resampler: Resampler?
    private var pending: [[Float]]
    private var delivered = 0
    private var sourceFinished = false

    /// Opens `path` for `sampleRate` Hz and `channels` channels.
    ///
    /// Throws an `AudioError` naming `path` when the file cannot be opened (see `AudioFileReader`)
    /// or when its channels cannot become `channels` (a stereo file asked for four channels).
    public init(path: String, sampleRate: Int = 44100, channels: Int = 2) throws {
        precondition(sampleRate > 0 && channels > 0, "sampleRate and channels must be positive")
        source = try AudioFileReader(path: path)
        self.sampleRate = sampleRate
        self.channels = channels
        guard let conversion = ChannelConversion(source: source.channels, target: channels) else {
            throw AudioError(path: path, reason: "has \(source.channels) channels, which cannot become \(channels) "
                + "(only mono is duplicated, as in demucs)")
        }
        self.conversion = conversion
        let (scaled, overflow) = source.frames.multipliedReportingOverflow(by: sampleRate)
        guard !overflow else {
            throw AudioError(path: path, reason: "declares an implausible length of \(source.frames) frames")
        }
        frames = scaled / source.sampleRate
        pending = Array(repeating: [], count: channels)
        resampler = try makeResampler()
    }

    /// The next chunk, planar: `channels` arrays of up to `maxFrames` samples each; empty arrays at the end.
    public func read(maxFrames: Int) throws -> [[Float]] {
        precondition(maxFrames > 0, "maxFrames must be positive")
        let wanted = min(maxFrames, frames - delivered)
        while pending[0].count < wanted && !sourceFinished {
            try pull(atLeast: wanted - pending[0].count)
        }
        let decoded = delivered + pending[0].count
        if sourceFinished, frames - decoded > Self.maximumPaddingSeconds * sampleRate {
            frames = decoded  // the declared length is not believable: end with the audio
        }
        let count = min(wanted, frames - delivered)
        let available = min(count, pending[0].count)
        let chunk = (0..<channels).map { c in
            Array(pending[c][0..<available]) + [Float](repeating: 0, count: count - available)
        }
        for c in 0..<channels { pending[c].removeFirst(available) }
        delivered += count
        paddedFrames += count - available
        return chunk
    }

    /// Starts again from the first frame, with a fresh resampler.
    public func rewind() throws {
        try source.rewind()
        resampler = try makeResampler()
        pending = Array(repeating: [], count: channels)
        delivered = 0
        paddedFrames = 0
        sourceFinished = false
    }

    /// Most interleaved samples decoded at once (4 MB of floats), whatever the file's channel count and rate.
    private static let maximumDecodedSamples = 1 << 20

    /// Decodes, converts and resamples enough source frames for about `needed` more output frames (or as many
    /// as `maximumDecodedSamples` allows; `read` calls again until it has enough).
    private func pull(atLeast needed: Int) throws {
        let wanted = max(4096, needed * source.sampleRate / sampleRate + 64)
        let sourceFrames = max(1, min(wanted, Self.maximumDecodedSamples / source.channels))
        let interleaved = try source.read(maxFrames: sourceFrames)
        sourceFinished = interleaved.isEmpty
        let converted = conversion.apply(interleaved, source: source.channels, target: channels)
        let output: [[Float]]
        do {
            output = try resampler?.process(converted, last: sourceFinished) ?? converted
        } catch let error as AudioError {
            throw AudioError(path: source.path, reason: error.reason)
        }
        for c in 0..<channels { pending[c].append(contentsOf: output[c]) }
    }

    private func makeResampler() throws -> Resampler? {
        guard source.sampleRate != sampleRate else { return nil }
        do {
            return try Resampler(from: source.sampleRate, to: sampleRate, channels: channels)
        } catch let error as AudioError {
            throw AudioError(path: source.path, reason: error.reason)
        }
    }
}
