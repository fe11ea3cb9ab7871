/// Where `apply_model` runs the model over a track: one *pass* per (model, shift), each split into overlapping
/// segments, exactly as demucs 4.0.1 (`demucs/apply.py`) does it.
///
/// All positions are in track samples. A pass starts at `origin` (0 without shifts; `offset − maxShift` with a
/// random shift offset, so it may be negative) and covers up to the track's end. Segment `k` starts at
/// `origin + k · stride` and keeps `min(segment, length − start)` samples; the model sees the `segment`-long
/// window centred on them, read from the track with zeros outside it.
public struct SegmentPlan: Sendable, Equatable {
    /// One model evaluation.
    public struct Job: Sendable, Equatable {
        /// Index of the pass (model × shift) this job belongs to.
        public var pass: Int
        /// First track sample the job's output is kept for.
        public var start: Int
        /// Number of output samples kept (≤ segment).
        public var length: Int
        /// First track sample of the model's input window (`start − (segment − length) / 2`).
        public var windowStart: Int
        /// Offset into the model's output of the first kept sample (`(segment − length) / 2`).
        public var outputOffset: Int
    }

    public let trackLength: Int
    public let segment: Int
    public let stride: Int
    /// Start of each pass in track samples.
    public let passOrigins: [Int]
    /// Every job, ordered by `start` (then pass), so that outputs become final in track order.
    public let jobs: [Job]

    /// Plans passes with the given origins over a track of `trackLength` samples.
    ///
    /// `stride` is `Int((1 − overlap) · segment)` as demucs computes it.
    public init(trackLength: Int, segment: Int, overlap: Double, passOrigins: [Int]) {
        precondition(segment > 0 && trackLength > 0)
        self.trackLength = trackLength
        self.segment = segment
        stride = Self.stride(segment: segment, overlap: overlap)
        self.passOrigins = passOrigins
        var jobs: [Job] = []
        for (pass, origin) in passOrigins.enumerated() {
            var k = 0
            while k * stride < trackLength - origin {
                let start = origin + k * stride
                let length = min(segment, trackLength - start)
                let pad = (segment - length) / 2
                jobs.append(Job(pass: pass, start: start, length: length, windowStart: start - pad, outputOffset: pad))
                k += 1
            }
        }
        self.jobs = jobs.sorted { ($0.start, $0.pass) < ($1.start, $1.pass) }
    }

    /// How many segments a pass starting at `origin` has: `⌈(trackLength − origin) / stride⌉`.
    public static func segmentCount(trackLength: Int, segment: Int, overlap: Double, origin: Int) -> Int {
        let stride = stride(segment: segment, overlap: overlap)
        return (trackLength - origin + stride - 1) / stride
    }

    /// Samples between segment starts, `int((1 − overlap) · segment)` as demucs computes it.
    public static func stride(segment: Int, overlap: Double) -> Int {
        max(1, Int((1 - overlap) * Double(segment)))
    }

    /// demucs's transition weight for one segment: a triangle `1 … L/2, L − L/2 … 1` divided by its maximum
    /// (transition power 1). A job keeping `n` samples uses its first `n` values.
    public static func triangleWeight(segment: Int) -> [Float] {
        let half = segment / 2
        let peak = Float(max(half, segment - half))
        return (0..<segment).map { i in Float(i < half ? i + 1 : segment - i) / peak }
    }
}
