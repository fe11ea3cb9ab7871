import Engine

/// One model of a bundle, ready to turn a mix segment into final stems whatever its export style: the style is
/// recognised from the graph's inputs and outputs (names are not needed), and what the style leaves outside the
/// graph — the spectrogram of the mix, the complex-as-channels mask, the iSTFT and the sum of the branches — runs
/// here with `Spectrogram`, as demucs 4.0.1's `HTDemucs.forward` does it.
public struct ModelRunner: Sendable {
    public let session: Session
    public let style: ExportStyle
    /// Sources, audio channels and samples of a segment.
    public let sources: Int, channels: Int, length: Int
    /// The spectrogram the style computes outside the graph (nil for `convSTFT`).
    public let spectrogram: Spectrogram?
    /// Graph input of the mix's spectrogram (external-stft); every other input is the mix.
    private let spectrumInput: Int?
    /// Graph output of the stems (conv-stft) or of the spectral branch, and of the time branch.
    private let spectralOutput: Int, timeOutput: Int?

    /// Recognises the style of `session`, the model in file `path`, for segments of `length` samples of
    /// `channels` channels separated into `sources` sources; throws `SeparationError.bundle` naming the file and
    /// what it found when the graph fits no style.
    public init(session: Session, path: String, sources: Int, channels: Int, length: Int) throws {
        self.session = session
        self.sources = sources
        self.channels = channels
        self.length = length
        let inputs = session.inputs, outputs = session.outputs
        func find(_ values: [(name: String, dataType: DataType, shape: [Int])], _ test: ([Int]) -> Bool) -> Int? {
            values.firstIndex { $0.dataType == .float32 && test($0.shape) }
        }
        let mix = find(inputs) { $0 == [1, channels, length] }
        let stems = find(outputs) { $0 == [1, sources, channels, length] }
        let spectral = find(outputs) { $0.count == 5 && Array($0[..<3]) == [1, sources, 2 * channels] }
        let spectrogram = spectral.flatMap { index -> Spectrogram? in
            let shape = outputs[index].shape
            guard let spectrogram = Spectrogram(fftSize: 2 * shape[3], length: length),
                  spectrogram.frames == shape[4] else { return nil }
            return spectrogram
        }
        let spectrum = spectrogram.flatMap { s in find(inputs) { $0 == [1, 2 * channels, s.bins, s.frames] } }
        switch (inputs.count, outputs.count, mix, stems, spectrogram, spectrum) {
        case (1, 1, .some, .some, _, _):
            style = .convSTFT
        case (1, 2, .some, .some, .some, _):
            style = .stftOp
        case (2, 2, .some, .some, .some, .some):
            style = .externalSTFT
        default:
            func describe(_ values: [(name: String, dataType: DataType, shape: [Int])]) -> String {
                values.isEmpty ? "nothing" : values.map { "\($0.name) \($0.dataType) \($0.shape)" }.joined(separator: ", ")
            }
            let styles = ExportStyle.allCases.map { "\($0.rawValue): \($0.signature)" }.joined(separator: "; ")
            throw SeparationError.bundle(
                path: path,
                reason: "is not an HT-Demucs export swdemucs can run: it takes \(describe(inputs)) and gives "
                    + "\(describe(outputs)); expected, with C = \(channels) channels, T = \(length) samples, "
                    + "S = \(sources) sources and Fq = n_fft/2 bins in F = ⌈T / (n_fft/4)⌉ frames, one of — \(styles)")
        }
        spectrumInput = style == .externalSTFT ? spectrum : nil
        spectralOutput = style == .convSTFT ? stems! : spectral!
        timeOutput = style == .convSTFT ? nil : stems
        self.spectrogram = style == .convSTFT ? nil : spectrogram
    }

    /// The final stems of one mix segment: `mix` is `[channels, length]`, the result `[sources, channels, length]`.
    /// `shouldStop` is passed to `Session.run` (which then throws `EngineError.stopped`).
    public func stems(_ mix: [Float], shouldStop: (() -> Bool)? = nil) throws -> [Float] {
        var feeds = [Tensor](repeating: Tensor(shape: [1, channels, length], floats: mix), count: session.inputs.count)
        if let spectrumInput, let spectrogram {
            feeds[spectrumInput] = Tensor(shape: session.inputs[spectrumInput].shape,
                                          floats: spectrogram.analyse(mix, channels: channels))
        }
        let outputs = try session.run(feeds, shouldStop: shouldStop)
        let spectral = outputs[spectralOutput].floats()
        guard let timeOutput, let spectrogram else { return spectral }
        // HTDemucs.forward: zout = self._mask(z, x); x = self._ispec(zout, length); x = xt + x.
        var stems = outputs[timeOutput].floats()
        let fromSpectrum = spectrogram.synthesise(spectral, channels: sources * channels)
        for i in stems.indices { stems[i] += fromSpectrum[i] }
        return stems
    }
}
