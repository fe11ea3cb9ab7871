import Audio

/// Writes separated stems to audio files with demucs's clipping rules, streaming.
///
/// `rescale` needs each stem's peak before its first sample is written, so blocks first go, as raw float32, to a
/// hidden temporary file beside each output (`SpoolFile`); `finish()` then encodes every stem under a temporary
/// name and, once all are complete, renames them into place. `cancel()` — and any failure, a full disk
/// included — removes every temporary file, so an output path only ever holds a complete file (an earlier
/// run's, or this one's).
public final class StemFileSink: StemSink {
    public let outputs: [StemOutput]
    private let sampleRate: Int
    private let channels: Int
    private let format: AudioFileFormat
    private let clip: ClipMode
    private var spools: [SpoolFile] = []
    private var peaks: [Float]
    private var frames = 0

    /// Prepares the spool files; fails, naming the output and the reason, when its folder cannot be written.
    public init(outputs: [StemOutput], sampleRate: Int, channels: Int, format: AudioFileFormat, clip: ClipMode) throws {
        self.outputs = outputs
        self.sampleRate = sampleRate
        self.channels = channels
        self.format = format
        self.clip = clip
        peaks = Array(repeating: 0, count: outputs.count)
        do {
            for output in outputs { spools.append(try SpoolFile(for: output.path)) }
        } catch {
            cancel()
            throw error
        }
    }

    deinit { cancel() }

    public func write(stems: [[[Float]]], mix: [[Float]]) throws {
        for (index, output) in outputs.enumerated() {
            let block = output.samples(stems: stems, mix: mix)
            let count = block.first?.count ?? 0
            var interleaved = [Float](repeating: 0, count: count * channels)
            for c in 0..<channels {
                for t in 0..<count {
                    interleaved[t * channels + c] = block[c][t]
                    peaks[index] = max(peaks[index], abs(block[c][t]))
                }
            }
            try spools[index].append(interleaved)
        }
        frames += stems.first?.first?.count ?? 0
    }

    /// Encodes every stem, then moves them all into place; checks `cancel` between chunks (throwing
    /// `SeparationError.cancelled`). On any failure no new file is left under an output's name.
    public func finish(cancel flag: CancellationFlag? = nil) throws {
        let chunk = 1 << 16
        var writers: [AudioFileWriter] = []
        do {
            for (index, output) in outputs.enumerated() {
                let spool = spools[index]
                try spool.rewind()
                let writer = try AudioFileWriter(path: output.path, sampleRate: sampleRate, channels: channels,
                                                 format: format)
                writers.append(writer)
                let transform = clip.transform(peak: peaks[index])
                var remaining = frames
                while remaining > 0 {
                    if flag?.isCancelled == true { throw SeparationError.cancelled }
                    let n = min(chunk, remaining)
                    let interleaved = try spool.readSamples(n * channels)
                    var planar = [[Float]](repeating: [Float](repeating: 0, count: n), count: channels)
                    for t in 0..<n {
                        for c in 0..<channels { planar[c][t] = transform(interleaved[t * channels + c]) }
                    }
                    try writer.write(planar)
                    remaining -= n
                }
                spool.remove()
            }
            for writer in writers { try writer.finish() }
        } catch {
            for writer in writers { writer.cancel() }
            cancel()
            throw error
        }
        spools = []
    }

    /// Removes every temporary file; final outputs already in place stay.
    public func cancel() {
        for spool in spools { spool.remove() }
        spools = []
    }
}
