import Foundation

/// How to separate, with demucs's defaults.
public struct SeparationOptions: Sendable {
    /// Random time shifts averaged per model (demucs `--shifts`, default 1; 0 disables the shift trick).
    public var shifts = 1
    /// Overlap between segments (demucs `--overlap`, default 0.25).
    public var overlap = 0.25
    /// Seed of the shift offsets: the same as Python's `random.seed(seed)` before `apply_model`.
    public var seed: UInt64 = 0
    /// The sources to produce, or nil for all. Bag members that weigh none of them are not run.
    public var stems: [String]?

    public init(shifts: Int = 1, overlap: Double = 0.25, seed: UInt64 = 0, stems: [String]? = nil) {
        self.shifts = shifts
        self.overlap = overlap
        self.seed = seed
        self.stems = stems
    }
}

/// Where a separation is, reported after every model evaluation.
public struct SeparationProgress: Sendable {
    /// Model evaluations done and planned.
    public var segmentsDone: Int, segmentsTotal: Int
    /// Frames of finished output written to the sink, and the track's length in frames.
    public var framesDone: Int, trackFrames: Int
}

/// A flag another thread (a signal handler, a UI) sets to stop a separation between two model evaluations.
public final class CancellationFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var cancelled = false

    public init() {}

    public func cancel() { lock.withLock { cancelled = true } }

    public var isCancelled: Bool { lock.withLock { cancelled } }
}
