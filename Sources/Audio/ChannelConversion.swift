/// How a file's channels become the channels a model wants, as demucs does it.
///
/// Mirrors `demucs.audio.convert_audio_channels` (demucs 4.0.1): equal counts pass through;
/// one wanted channel is the mean of all source channels; a mono source is copied to every
/// wanted channel; more source channels than wanted keep the first ones; anything else
/// (say stereo to four channels) is refused, as demucs refuses it.
enum ChannelConversion: Equatable {
    case keep
    case average
    case duplicateMono
    case takeFirst

    /// The conversion from `source` channels to `target` channels, or `nil` when demucs has none.
    init?(source: Int, target: Int) {
        if source == target {
            self = .keep
        } else if target == 1 {
            self = .average
        } else if source == 1 {
            self = .duplicateMono
        } else if source > target {
            self = .takeFirst
        } else {
            return nil
        }
    }

    /// Converts interleaved frames of `source` channels to `target` planar channels.
    func apply(_ interleaved: [Float], source: Int, target: Int) -> [[Float]] {
        let frames = interleaved.count / source
        if self == .average {
            return [(0..<frames).map { frame in
                var sum: Float = 0
                for c in 0..<source { sum += interleaved[frame * source + c] }
                return sum / Float(source)
            }]
        }
        // .keep, .takeFirst and .duplicateMono all read source channel min(c, source - 1).
        return (0..<target).map { c in
            let from = min(c, source - 1)
            return (0..<frames).map { interleaved[$0 * source + from] }
        }
    }
}
