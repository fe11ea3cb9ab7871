/// Float to integer PCM exactly as demucs 4.0.1 writes its outputs.
///
/// demucs saves WAV and FLAC through `torchaudio.save`, which (with torchaudio's soundfile
/// backend) hands the float tensor to python-soundfile; soundfile turns libsndfile's clipping on
/// (`SFC_SET_CLIPPING`), and libsndfile 1.2 then converts differently per container:
///
/// - WAV: `lrintf(x · 2³¹)` saturated to Int32, then the top `bits` kept (an arithmetic shift,
///   so in effect a floor of `x · 2^(bits−1)`): 1.0 → 32767, −1.0 → −32768, 0.99 → 32440.
/// - FLAC: `lrintf(x · 2^(bits−1))` (round half to even) clamped to the integer range.
/// - MP3: `i16_pcm` from `demucs/audio.py`, `(wav.clamp_(-1, 1) * (2**15 - 1)).short()`: clamp, scale
///   by 32767 in float32, truncate toward zero.
///
/// Checked against `save_audio` of demucs 4.0.1 (torch 2.4.1, torchaudio 2.4.1, soundfile 0.14,
/// libsndfile 1.2.2) on 700 000 values per case, with no difference. NaN, which demucs never
/// produces on sane input, becomes 0.
enum PCMQuantizer: Equatable {
    case wav(bits: Int)
    case flac(bits: Int)
    case mp3

    /// Bits per sample in the file.
    var bits: Int {
        switch self {
        case .wav(let bits), .flac(let bits): return bits
        case .mp3: return 16
        }
    }

    /// The `bits`-bit integer sample for `x`.
    func sample(_ x: Float) -> Int32 {
        switch self {
        case .wav(let bits): return wavSample(x) >> (32 - bits)
        case .flac(let bits): return flacSample(x, bits: bits)
        case .mp3: return Int32(mp3Sample(x))
        }
    }

    /// The sample left-justified in an `Int32` (a 16-bit `q` becomes `q << 16`): the layout
    /// `sf_writef_int` stores unchanged in every integer format.
    func leftJustified(_ x: Float) -> Int32 {
        sample(x) << (32 - bits)
    }
}

/// libsndfile's clipping float → Int32 conversion for WAV: `lrintf(x · 2³¹)`, saturated.
private func wavSample(_ x: Float) -> Int32 {
    let scaled = x * 2_147_483_648  // 2³¹: exact in float32
    if scaled >= 2_147_483_648 { return .max }
    if scaled <= -2_147_483_648 { return .min }
    if scaled.isNaN { return 0 }
    return Int32(scaled.rounded(.toNearestOrEven))
}

/// libsndfile's clipping float → FLAC conversion: `lrintf(x · 2^(bits−1))`, clamped.
private func flacSample(_ x: Float, bits: Int) -> Int32 {
    let limit = Float(1 << (bits - 1))
    let scaled = (x * limit).rounded(.toNearestOrEven)
    if scaled >= limit - 1 { return Int32(limit) - 1 }
    if scaled <= -limit { return -Int32(limit) }
    if scaled.isNaN { return 0 }
    return Int32(scaled)
}

/// demucs `i16_pcm`: `(wav.clamp_(-1, 1) * (2**15 - 1)).short()`.
private func mp3Sample(_ x: Float) -> Int16 {
    if x.isNaN { return 0 }
    return Int16((min(max(x, -1), 1) * 32767).rounded(.towardZero))
}
