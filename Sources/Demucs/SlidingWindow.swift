/// The part of a sequentially read track that the separator still needs, addressable by track position.
///
/// Positions before 0 and from `frames` on read as zeros, which is how demucs pads segments at the track ends.
final class SlidingWindow {
    private let source: AudioSource
    let frames: Int
    let channels: Int
    /// Track position of `buffer[c][0]`.
    private var start = 0
    private var buffer: [[Float]]
    private static let chunk = 1 << 16

    init(source: AudioSource, channels: Int) {
        self.source = source
        frames = source.frames
        self.channels = channels
        buffer = Array(repeating: [], count: channels)
    }

    /// Planar samples of `[from, from + count)`; `from` must not precede what was discarded.
    func samples(from: Int, count: Int) throws -> [[Float]] {
        let end = min(from + count, frames)
        while start + buffer[0].count < end {
            let block = try source.read(maxFrames: Self.chunk)
            guard block.count == channels, !block[0].isEmpty else {
                throw SeparationError.emptyInput("the track ended at frame \(start + buffer[0].count) of \(frames); it")
            }
            for c in 0..<channels { buffer[c].append(contentsOf: block[c]) }
        }
        precondition(from >= start || from + count <= 0 || from < 0, "window moved backwards")
        return (0..<channels).map { c in
            var out = [Float](repeating: 0, count: count)
            let lo = max(from, 0, start), hi = min(from + count, start + buffer[c].count)
            if lo < hi {
                for t in lo..<hi { out[t - from] = buffer[c][t - start] }
            }
            return out
        }
    }

    /// Forgets samples before track position `position`.
    func discard(before position: Int) {
        let drop = min(max(0, position - start), buffer[0].count)
        guard drop > 0 else { return }
        for c in 0..<channels { buffer[c].removeFirst(drop) }
        start += drop
    }
}
