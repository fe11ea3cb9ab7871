/// The mean and standard deviation of a track's mono mix, which demucs uses to normalise the input
/// (`ref = wav.mean(0); wav = (wav − ref.mean()) / ref.std()`, then the inverse on the output).
public struct MixStatistics: Sendable, Equatable {
    public var mean: Float
    /// PyTorch's default, unbiased (N − 1) standard deviation.
    public var std: Float

    public init(mean: Float, std: Float) {
        self.mean = mean
        self.std = std
    }

    /// Reads `source` once from the start and leaves it rewound.
    ///
    /// Digital silence (std 0) would make demucs divide by zero and output NaN; a std below 1e-8 is raised to
    /// 1e-8 (what later demucs versions add), so silence separates to silence. A NaN or infinite sample (a
    /// damaged float file) would turn every stem into NaN, so it is an error naming the frame. `cancel` is
    /// checked between chunks, so a long track's first pass stops promptly too.
    public init(of source: AudioSource, chunk: Int = 1 << 16, cancel: CancellationFlag? = nil) throws {
        try source.rewind()
        var sum = 0.0, sumSquares = 0.0, count = 0
        // Shifted sums keep precision for signals far from zero.
        var pivot: Double?
        while true {
            if cancel?.isCancelled == true { throw SeparationError.cancelled }
            let block = try source.read(maxFrames: chunk)
            guard let first = block.first, !first.isEmpty else { break }
            for i in first.indices {
                var mono: Float = 0
                for channel in block { mono += channel[i] }
                mono /= Float(block.count)
                guard mono.isFinite else { throw SeparationError.nonFiniteSample(frame: count + i) }
                let value = Double(mono)
                let p = pivot ?? value
                pivot = p
                sum += value - p
                sumSquares += (value - p) * (value - p)
            }
            count += first.count
        }
        try source.rewind()
        guard count > 0 else { throw SeparationError.emptyInput("the track") }
        let shiftedMean = sum / Double(count)
        let variance = count > 1 ? max(0, (sumSquares - shiftedMean * sum) / Double(count - 1)) : 0
        mean = Float(shiftedMean + (pivot ?? 0))
        std = Float(max(variance.squareRoot(), 1e-8))
    }
}
