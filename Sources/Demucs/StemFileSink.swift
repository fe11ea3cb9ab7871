import Audio
import Foundation

/// Writes separated stems to audio files with demucs's clipping rules, streaming.
///
/// `rescale` needs each stem's peak before its first sample is written, so blocks first go, as raw float32, to a
/// hidden temporary file beside each output; `finish()` then encodes every stem into its final file (itself
/// written under a temporary name and renamed when complete). `cancel()` — and any failure — removes every
/// temporary file, so an output path only ever holds a complete file.
public final class StemFileSink: StemSink {
    public let outputs: [StemOutput]
    private let sampleRate: Int
    private let channels: Int
    private let format: AudioFileFormat
    private let clip: ClipMode
    private var spools: [FileHandle] = []
    private var spoolPaths: [String] = []
    private var peaks: [Float]
    private var frames = 0

    /// Prepares the spool files; fails, naming the folder, when it cannot be written.
    public init(outputs: [StemOutput], sampleRate: Int, channels: Int, format: AudioFileFormat, clip: ClipMode) throws {
        self.outputs = outputs
        self.sampleRate = sampleRate
        self.channels = channels
        self.format = format
        self.clip = clip
        peaks = Array(repeating: 0, count: outputs.count)
        for output in outputs {
            let folder = (output.path as NSString).deletingLastPathComponent
            let spool = (folder as NSString).appendingPathComponent(
                ".\((output.path as NSString).lastPathComponent).spool-\(UUID().uuidString.prefix(8))")
            guard FileManager.default.createFile(atPath: spool, contents: nil),
                  let handle = FileHandle(forWritingAtPath: spool) else {
                cancel()
                throw AudioError(path: folder.isEmpty ? "." : folder, reason: "cannot write here")
            }
            spoolPaths.append(spool)
            spools.append(handle)
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
            do {
                try spools[index].write(contentsOf: interleaved.withUnsafeBytes { Data($0) })
            } catch {
                throw AudioError(path: spoolPaths[index], reason: "cannot be written (\(error.localizedDescription))")
            }
        }
        frames += stems.first?.first?.count ?? 0
    }

    /// Encodes every stem into its final file. Each appears under its name only once complete.
    public func finish() throws {
        let chunk = 1 << 16
        for (index, output) in outputs.enumerated() {
            try spools[index].close()
            guard let reader = FileHandle(forReadingAtPath: spoolPaths[index]) else {
                throw AudioError(path: spoolPaths[index], reason: "cannot be read back")
            }
            defer { try? reader.close() }
            let writer = try AudioFileWriter(path: output.path, sampleRate: sampleRate, channels: channels, format: format)
            let transform = clip.transform(peak: peaks[index])
            var remaining = frames
            while remaining > 0 {
                let n = min(chunk, remaining)
                guard let data = try reader.read(upToCount: n * channels * 4), data.count == n * channels * 4 else {
                    writer.cancel()
                    throw AudioError(path: spoolPaths[index], reason: "ended early")
                }
                var planar = [[Float]](repeating: [Float](repeating: 0, count: n), count: channels)
                data.withUnsafeBytes { raw in
                    for t in 0..<n {
                        for c in 0..<channels {
                            planar[c][t] = transform(raw.loadUnaligned(fromByteOffset: (t * channels + c) * 4, as: Float.self))
                        }
                    }
                }
                try writer.write(planar)
                remaining -= n
            }
            try writer.finish()
            try? FileManager.default.removeItem(atPath: spoolPaths[index])
        }
        spoolPaths = []
    }

    /// Removes every temporary file; final outputs already finished stay.
    public func cancel() {
        for handle in spools { try? handle.close() }
        for path in spoolPaths { try? FileManager.default.removeItem(atPath: path) }
        spools = []
        spoolPaths = []
    }
}
