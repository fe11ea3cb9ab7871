import ArgumentParser
import Audio
import Demucs
import Engine
import Foundation

/// `swdemucs run song.flac`: separate tracks into stem files, as `demucs` does.
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Separate audio files into stems.",
        discussion: """
            Writes {out}/{model}/{track}/{stem}.{ext} for each track, with demucs's defaults: \
            shifts 1 (seeded, so runs repeat exactly), overlap 0.25, 16-bit WAV, clip mode rescale.
            """)

    @Argument(help: "Audio files to separate (anything libsndfile reads: WAV, FLAC, OGG, MP3, AIFF, ...).")
    var tracks: [String]

    @Option(name: [.short, .long], help: "Model bundle: htdemucs, htdemucs_ft, htdemucs_6s, or a bundle folder.")
    var name = "htdemucs"

    @Option(help: "Folder searched first for model bundles (then $SWDEMUCS_MODELS, ./Weights, the user cache).")
    var models: String?

    @Option(name: [.short, .long], help: "Output folder.")
    var out = "separated"

    @Option(help: "Output file name template with {track}, {trackext}, {stem}, {ext}.")
    var filename = "{track}/{stem}.{ext}"

    @Option(help: "Random time shifts averaged per model (0 turns the shift trick off).")
    var shifts = 1

    @Option(help: "Overlap between segments.")
    var overlap = 0.25

    @Option(help: "Seed of the shift offsets, as Python's random.seed(SEED) before demucs's apply_model.")
    var seed: UInt64 = 0

    @Option(name: .customLong("two-stems"), help: "Write only STEM and its complement (no_STEM).")
    var twoStems: String?

    @Option(name: .customLong("other-method"),
            help: "With --two-stems: 'add' sums the other stems (no_STEM), 'minus' subtracts STEM from the mix (minus_STEM, runs only the models STEM needs), 'none' writes STEM only.")
    var otherMethod: OtherMethod = .add

    @Option(help: "Comma-separated stems to write (e.g. vocals,drums); only the models they need run.")
    var stems: String?

    @Flag(help: "Write 24-bit integer samples.")
    var int24 = false

    @Flag(help: "Write 32-bit float WAV.")
    var float32 = false

    @Flag(help: "Write FLAC.")
    var flac = false

    @Flag(help: "Write MP3.")
    var mp3 = false

    @Option(name: .customLong("mp3-bitrate"), help: "MP3 bitrate in kbps.")
    var mp3Bitrate = 320

    @Option(name: .customLong("clip-mode"), help: "Keeping stems inside [-1, 1]: rescale, clamp or none.")
    var clipMode: ClipMode = .rescale

    @Option(name: [.short, .long], help: "Threads for the matrix products (default: all cores).")
    var jobs: Int?

    @Flag(help: "No progress display.")
    var quiet = false

    enum OtherMethod: String, ExpressibleByArgument, CaseIterable { case add, minus, none }

    func validate() throws {
        if float32 && int24 { throw ValidationError("--int24 and --float32 exclude each other") }
        if flac && mp3 { throw ValidationError("--flac and --mp3 exclude each other") }
        if float32 && (flac || mp3) { throw ValidationError("--float32 writes WAV; it excludes --flac and --mp3") }
        if twoStems != nil && stems != nil { throw ValidationError("--two-stems and --stems exclude each other") }
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        if shifts < 0 { throw ValidationError("--shifts must not be negative") }
        if !(0..<1).contains(overlap) { throw ValidationError("--overlap must be in [0, 1)") }
        for key in filename.matches(of: /\{([^}]*)\}/).map({ String($0.1) })
        where !["track", "trackext", "stem", "ext"].contains(key) {
            throw ValidationError("--filename uses {\(key)}; the template knows {track}, {trackext}, {stem}, {ext}")
        }
    }

    private var format: AudioFileFormat {
        if mp3 { return .mp3(bitrateKbps: mp3Bitrate) }
        if flac { return int24 ? .flac24 : .flac16 }
        if float32 { return .wavFloat32 }
        return int24 ? .wav24 : .wav16
    }

    func run() throws {
        if let jobs { ComputeThreads.set(jobs) }
        guard canEncode(format) else {
            throw ValidationError("this libsndfile (\(sndfileVersion)) cannot write \(format)")
        }
        let bundle = try BundleLocator(modelsDirectory: models).locate(name)
        let wanted = try selectedStems(bundle)
        let options = SeparationOptions(shifts: shifts, overlap: overlap, seed: seed, stems: wanted)
        let modelName = (name as NSString).lastPathComponent
        let folders = OutputFolders()
        defer { folders.removeEmpty() }
        // Ctrl-C before the first track (the models take seconds to load) stops at once: nothing is written yet
        // but the folders made below, removed first. `_exit` skips exit handlers, which could wait on the
        // loader's BLAS threads.
        let interrupt = InterruptHandler {
            folders.removeEmpty()
            FileHandle.standardError.write(Data("swdemucs: interrupted; no partial files were left\n".utf8))
            _exit(130)
        }
        defer { interrupt.restore() }
        let separator: Separator
        let progress = ProgressDisplay(enabled: !quiet && isatty(STDERR_FILENO) != 0)
        let started = Date()
        do {
            // Every output folder is made and proved writable before the models load.
            let stems = wanted ?? bundle.sources
            for folder in Set(tracks.flatMap { track in
                plannedOutputs(for: track, stems: stems, modelName: modelName).map { ($0.path as NSString).deletingLastPathComponent }
            }).sorted() {
                try folders.prepare(folder)
            }
            progress.note("loading \(bundle.name) (\(bundle.members(contributingTo: wanted).count) of \(bundle.members.count) model(s))")
            separator = try Separator(bundle: bundle, members: bundle.members(contributingTo: wanted))
        }
        // From here on, Ctrl-C lets the run stop at its next check (between two nodes at the latest) and clean up.
        let cancel = CancellationFlag()
        interrupt.replaceHandler { cancel.cancel() }
        let destination = ((out as NSString).appendingPathComponent(modelName) as NSString).standardizingPath
        progress.note(String(format: "loaded in %.1f s; writing to ", Date().timeIntervalSince(started)) + destination)
        let inputs = Set(tracks.map(resolvedPath))
        var failures = 0
        for track in tracks {
            do {
                try separate(track, with: separator, options: options, modelName: modelName, progress: progress,
                             inputs: inputs, cancel: cancel)
            } catch SeparationError.cancelled {
                progress.finishLine()
                FileHandle.standardError.write(Data("swdemucs: interrupted; no partial files were left\n".utf8))
                throw ExitCode(130)
            } catch {
                progress.finishLine()
                // Audio errors already start with the file's name.
                let message = "\(error)"
                let line = message.hasPrefix(track + ":") ? message : "\(track): \(message)"
                FileHandle.standardError.write(Data("swdemucs: \(line)\n".utf8))
                failures += 1
            }
        }
        if failures > 0 { throw ExitCode.failure }
    }

    /// The stems to separate, checked against the model: nil for all.
    private func selectedStems(_ bundle: ModelBundle) throws -> [String]? {
        let requested: [String]
        if let twoStems {
            requested = [twoStems]
        } else if let stems {
            requested = stems.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        } else {
            return nil
        }
        for stem in requested where !bundle.sources.contains(stem) {
            throw SeparationError.unknownStem(stem, available: bundle.sources)
        }
        if twoStems != nil && otherMethod == .add { return nil }
        return requested
    }

    private func separate(_ track: String, with separator: Separator, options: SeparationOptions, modelName: String,
                          progress: ProgressDisplay, inputs: Set<String>, cancel: CancellationFlag) throws {
        let bundle = separator.bundle
        let outputs = try checkedOutputs(for: track, stems: separator.outputStems(options), modelName: modelName,
                                         inputs: inputs)
        let input = try AudioStream(path: track, sampleRate: bundle.sampleRate, channels: bundle.audioChannels)
        let sink = try StemFileSink(outputs: outputs, sampleRate: bundle.sampleRate, channels: bundle.audioChannels,
                                    format: format, clip: clipMode)
        let name = (track as NSString).lastPathComponent
        progress.start(name, seconds: Double(input.frames) / Double(bundle.sampleRate))
        do {
            try separator.separate(input, into: sink, options: options, cancel: cancel) { progress.update($0) }
            progress.note("\(name): writing \(outputs.count) stem(s)")
            try sink.finish(cancel: cancel)
        } catch {
            sink.cancel()
            throw error
        }
        progress.done(name, outputs: outputs.map(\.path))
    }

    /// The files a run writes for `track` when the separator gives `stems`, as the options name them.
    private func plannedOutputs(for track: String, stems: [String], modelName: String) -> [StemOutput] {
        let file = (track as NSString).lastPathComponent
        func path(_ stem: String) -> String {
            let relative = filename.replacingOccurrences(of: "{track}", with: (file as NSString).deletingPathExtension)
                .replacingOccurrences(of: "{trackext}", with: (file as NSString).pathExtension)
                .replacingOccurrences(of: "{stem}", with: stem)
                .replacingOccurrences(of: "{ext}", with: format.fileExtension)
            return ((out as NSString).appendingPathComponent(modelName) as NSString).appendingPathComponent(relative)
        }
        guard let twoStems else {
            return stems.enumerated().map { StemOutput(name: $1, path: path($1), source: .stem($0)) }
        }
        let index = stems.firstIndex(of: twoStems)!
        var outputs = [StemOutput(name: twoStems, path: path(twoStems), source: .stem(index))]
        switch otherMethod {
        case .add: outputs.append(StemOutput(name: "no_" + twoStems, path: path("no_" + twoStems), source: .sumExcept(index)))
        case .minus: outputs.append(StemOutput(name: "minus_" + twoStems, path: path("minus_" + twoStems), source: .mixMinus(index)))
        case .none: break
        }
        return outputs
    }

    /// The files to write for `track`, refusing any that would overwrite one of the run's `inputs` (resolved
    /// paths of every track, so a later track cannot be replaced by an earlier one's stems either).
    private func checkedOutputs(for track: String, stems: [String], modelName: String,
                                inputs: Set<String>) throws -> [StemOutput] {
        let outputs = plannedOutputs(for: track, stems: stems, modelName: modelName)
        var seen = Set<String>()
        for output in outputs {
            let resolved = resolvedPath(output.path)
            if inputs.contains(resolved) {
                let input = resolved == resolvedPath(track) ? "the input \(track)" : "another input track"
                throw ValidationError("output \(output.path) would overwrite \(input); change --out or --filename")
            }
            if !seen.insert(resolved).inserted {
                throw ValidationError("--filename '\(filename)' gives two stems the same file \(output.path); use {stem}")
            }
        }
        return outputs
    }
}

/// `path` made absolute, with symbolic links resolved: two paths naming one file resolve alike.
private func resolvedPath(_ path: String) -> String {
    URL(fileURLWithPath: path).resolvingSymlinksInPath().standardizedFileURL.path
}

extension ClipMode: ExpressibleByArgument {}
