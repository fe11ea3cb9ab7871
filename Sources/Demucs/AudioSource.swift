import Audio

/// A track the separator reads sequentially, once for its statistics and once to separate it.
///
/// Samples are planar (one array per channel) at the model's sample rate and channel count.
public protocol AudioSource: AnyObject {
    /// Frames the source delivers in all; certain once one pass has read to the end (an `AudioStream` whose file
    /// declares far more than its audio holds settles on the real length then).
    var frames: Int { get }
    /// The next chunk of at most `maxFrames` frames per channel; empty arrays at the end.
    func read(maxFrames: Int) throws -> [[Float]]
    /// Starts again from the first frame.
    func rewind() throws
}

/// An `AudioSource` over samples already in memory.
public final class BufferedAudio: AudioSource {
    public let samples: [[Float]]
    private var position = 0

    /// Wraps planar samples (every channel the same length).
    public init(_ samples: [[Float]]) {
        precondition(Set(samples.map(\.count)).count <= 1, "channels differ in length")
        self.samples = samples
    }

    public var frames: Int { samples.first?.count ?? 0 }

    public func read(maxFrames: Int) -> [[Float]] {
        let end = min(frames, position + maxFrames)
        defer { position = end }
        return samples.map { Array($0[position..<end]) }
    }

    public func rewind() { position = 0 }
}

/// Receives the separated stems in track order, block by block.
public protocol StemSink: AnyObject {
    /// `stems[s][c]` holds the next samples of stem `s` (in the separator's `outputStems` order), channel `c`;
    /// `mix[c]` holds the input samples of the same span.
    func write(stems: [[[Float]]], mix: [[Float]]) throws
}

/// A `StemSink` that keeps everything in memory.
public final class BufferedStems: StemSink {
    /// `stems[s][c]`: all samples of stem `s`, channel `c`.
    public private(set) var stems: [[[Float]]] = []

    public init() {}

    public func write(stems block: [[[Float]]], mix: [[Float]]) {
        if stems.isEmpty { stems = block.map { $0.map { _ in [] } } }
        for s in block.indices {
            for c in block[s].indices { stems[s][c].append(contentsOf: block[s][c]) }
        }
    }
}

/// A decoded, resampled audio file is a source the separator can read.
extension AudioStream: AudioSource {}
