/// How stems are kept inside [-1, 1] before they are written, as demucs's `prevent_clip` (`demucs/audio.py`).
public enum ClipMode: String, Sendable, CaseIterable {
    /// Divide the whole stem by `max(1.01 · peak, 1)` (demucs's default).
    case rescale
    /// Clamp every sample to [-0.99, 0.99].
    case clamp
    /// Leave samples as they are (integer formats still saturate at full scale).
    case none

    /// The transform for a stem whose largest absolute sample is `peak`.
    func transform(peak: Float) -> (Float) -> Float {
        switch self {
        case .rescale:
            let divisor = Swift.max(Float(1.01) * peak, 1)
            return { $0 / divisor }
        case .clamp:
            return { Swift.min(Swift.max($0, -0.99), 0.99) }
        case .none:
            return { $0 }
        }
    }
}
