/// How an HT-Demucs ONNX export divides `HTDemucs.forward` between the graph and the code around it (see
/// "Export styles" in Tools/README.md). With `C` audio channels, `T` samples per segment, `S` sources, and the
/// spectrogram's `Fq = n_fft / 2` bins in `F = ⌈T / hop⌉` frames (`hop = n_fft / 4`):
public enum ExportStyle: String, Sendable, CaseIterable {
    /// The whole forward in the graph, STFT and iSTFT as convolutions: mix `(1, C, T)` → stems `(1, S, C, T)`.
    case convSTFT = "conv-stft"
    /// The STFT in the graph as the ONNX `STFT` operator: mix `(1, C, T)` → the spectral branch x
    /// `(1, S, 2C, Fq, F)` and the time branch xt `(1, S, C, T)`; the complex-as-channels mask, the iSTFT and
    /// `xt + x` run outside.
    case stftOp = "stft-op"
    /// No STFT in the graph: mix `(1, C, T)` and its complex-as-channels spectrogram z `(1, 2C, Fq, F)`
    /// (`_magnitude(_spec(mix))`, computed outside) → x and xt as for `stftOp`.
    case externalSTFT = "external-stft"

    /// The inputs and outputs the style's graph has, for messages.
    public var signature: String {
        switch self {
        case .convSTFT: "mix (1, C, T) → stems (1, S, C, T)"
        case .stftOp: "mix (1, C, T) → x (1, S, 2C, Fq, F), xt (1, S, C, T)"
        case .externalSTFT: "mix (1, C, T), z (1, 2C, Fq, F) → x (1, S, 2C, Fq, F), xt (1, S, C, T)"
        }
    }
}
