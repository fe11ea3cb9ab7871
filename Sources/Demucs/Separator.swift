import Audio
import Engine
import Foundation

/// Separates whole tracks into stems the way demucs 4.0.1's `separate.py` + `apply_model` do: normalise by the
/// mono mix's mean and std, run every (model, shift) pass over overlapping segments with triangular weights,
/// average shifts, weight the bag, and undo the normalisation.
///
/// The track is read twice (statistics, then separation) and streamed: memory holds about two segments of
/// audio per pass, whatever the track's length. Load a separator once and use it for many tracks; one
/// separation runs at a time per separator.
public final class Separator: @unchecked Sendable {
    public let bundle: ModelBundle
    /// Loaded models by bag member index.
    private let models: [Int: ModelRunner]

    /// Loads the bundle's models (only `members`, when given: e.g. `bundle.members(contributingTo: stems)`).
    /// Models of one bag share one activation arena.
    public init(bundle: ModelBundle, members: [Int]? = nil) throws {
        self.bundle = bundle
        let wanted = members ?? Array(bundle.members.indices)
        let loaded = try Session.loadSharingMemory(wanted.map { bundle.members[$0].path })
        let runners = try zip(wanted, loaded).map { index, session in
            try ModelRunner(session: session, path: bundle.members[index].path, sources: bundle.sources.count,
                            channels: bundle.audioChannels, length: bundle.segmentSamples)
        }
        models = Dictionary(uniqueKeysWithValues: zip(wanted, runners))
    }

    /// The stems a separation with `options` produces, in order.
    public func outputStems(_ options: SeparationOptions) -> [String] { options.stems ?? bundle.sources }

    /// Separates planar samples held in memory (at the bundle's sample rate and channel count) and returns
    /// `stems[s][c]` in `outputStems(options)` order.
    public func separate(_ samples: [[Float]], options: SeparationOptions = SeparationOptions(),
                         cancel: CancellationFlag? = nil,
                         progress: ((SeparationProgress) -> Void)? = nil) throws -> [[[Float]]] {
        let sink = BufferedStems()
        try separate(BufferedAudio(samples), into: sink, options: options, cancel: cancel, progress: progress)
        return sink.stems
    }

    /// Decodes an audio file (anything libsndfile reads), converts it to the model's rate and channels as
    /// demucs does, and returns each stem's planar samples by name.
    public func separate(file path: String, options: SeparationOptions = SeparationOptions(),
                         cancel: CancellationFlag? = nil,
                         progress: ((SeparationProgress) -> Void)? = nil) throws -> [String: [[Float]]] {
        let input = try AudioStream(path: path, sampleRate: bundle.sampleRate, channels: bundle.audioChannels)
        let sink = BufferedStems()
        try separate(input, into: sink, options: options, cancel: cancel, progress: progress)
        return Dictionary(uniqueKeysWithValues: zip(outputStems(options), sink.stems))
    }

    /// Separates a streamed track into `sink`, which receives finished stems in track order.
    public func separate(_ source: AudioSource, into sink: StemSink, options: SeparationOptions = SeparationOptions(),
                         cancel: CancellationFlag? = nil, progress: ((SeparationProgress) -> Void)? = nil) throws {
        let stems = outputStems(options)
        let stemSources = try stems.map { stem in
            guard let index = bundle.sources.firstIndex(of: stem) else {
                throw SeparationError.unknownStem(stem, available: bundle.sources)
            }
            return index
        }
        guard options.shifts >= 0, options.shifts <= 100 else { throw SeparationError.invalidOption("--shifts must be 0 to 100") }
        guard options.overlap >= 0, options.overlap < 1 else { throw SeparationError.invalidOption("--overlap must be in [0, 1)") }
        let used = bundle.members(contributingTo: stems)
        for member in used where models[member] == nil {
            throw SeparationError.invalidOption("model \(member + 1) of the bag is needed for \(stems.joined(separator: ", ")) but was not loaded")
        }
        guard source.frames > 0 else { throw SeparationError.emptyInput("the track") }
        let statistics = try MixStatistics(of: source, cancel: cancel)
        // Read after a whole pass: a file that declares far more than it holds has its real length by now.
        let frames = source.frames

        // Passes: one per (model, shift), offsets drawn in demucs's order for every model of the bag. Between two
        // draws demucs runs the previous pass, and every HTDemucs forward calls `random.randrange(1)` (the
        // positional embedding's shift), which consumes draws too: replay those so the offsets stay identical.
        var random = PythonRandom(seed: options.seed)
        let maxShift = Int(0.5 * Double(bundle.sampleRate))
        var passMember: [Int] = [], origins: [Int] = []
        for member in bundle.members.indices {
            var drawn = [0]
            if options.shifts > 0 {
                drawn = (0..<options.shifts).map { _ in
                    let origin = random.randint(0, maxShift) - maxShift
                    let forwards = SegmentPlan.segmentCount(trackLength: frames, segment: bundle.segmentSamples,
                                                            overlap: options.overlap, origin: origin)
                    for _ in 0..<forwards { _ = random.randrange(1) }
                    return origin
                }
            }
            guard used.contains(member) else { continue }
            for origin in drawn {
                passMember.append(member)
                origins.append(origin)
            }
        }
        let plan = SegmentPlan(trackLength: frames, segment: bundle.segmentSamples, overlap: options.overlap,
                               passOrigins: origins)
        let weight = SegmentPlan.triangleWeight(segment: plan.segment)
        let channels = bundle.audioChannels, segment = plan.segment
        let window = SlidingWindow(source: source, channels: channels)
        let accumulators = PassAccumulators(passes: origins.count, rows: stems.count * channels,
                                            start: origins.min() ?? 0)
        let combine = BagCombination(bundle: bundle, passMember: passMember, stemSources: stemSources,
                                     shifts: options.shifts, channels: channels)
        var emitted = 0
        for (index, job) in plan.jobs.enumerated() {
            if cancel?.isCancelled == true { throw SeparationError.cancelled }
            let raw = try window.samples(from: job.windowStart, count: segment)
            var input = [Float](repeating: 0, count: channels * segment)
            let inside = max(0, -job.windowStart)..<min(segment, frames - job.windowStart)
            for c in 0..<channels {
                for t in inside { input[c * segment + t] = (raw[c][t] - statistics.mean) / statistics.std }
            }
            let model = models[passMember[job.pass]]!
            let output: [Float]
            do {
                output = try model.stems(input, shouldStop: { cancel?.isCancelled == true })
            } catch EngineError.stopped {
                throw SeparationError.cancelled
            }
            accumulators.add(pass: job.pass, at: job.start, length: job.length, weight: weight) { row, j in
                let (stem, c) = row.quotientAndRemainder(dividingBy: channels)
                return output[(stemSources[stem] * channels + c) * segment + job.outputOffset + j]
            }
            // Every job still to come starts at or after the next job's start: what lies before is final.
            let finalEnd = index + 1 < plan.jobs.count ? min(plan.jobs[index + 1].start, frames) : frames
            if finalEnd > emitted {
                let estimates = accumulators.take(from: emitted, to: finalEnd)
                let stemsBlock = combine(estimates).map { $0.map { $0.map { $0 * statistics.std + statistics.mean } } }
                try sink.write(stems: stemsBlock, mix: try window.samples(from: emitted, count: finalEnd - emitted))
                emitted = finalEnd
            }
            let nextWindow = index + 1 < plan.jobs.count ? plan.jobs[index + 1].windowStart : frames
            window.discard(before: min(emitted, nextWindow))
            progress?(SeparationProgress(segmentsDone: index + 1, segmentsTotal: plan.jobs.count,
                                         framesDone: emitted, trackFrames: frames))
        }
    }
}
