import CSndFile

/// An output file format: what `AudioFileWriter` can write, as demucs' `--int24`, `--float32`,
/// `--flac` and `--mp3` options choose it.
public enum AudioFileFormat: Sendable, Hashable, CustomStringConvertible {
    /// WAV, 16-bit integer PCM (demucs' default).
    case wav16
    /// WAV, 24-bit integer PCM (`--int24`).
    case wav24
    /// WAV, 32-bit IEEE float (`--float32`), samples stored unchanged.
    case wavFloat32
    /// FLAC, 16-bit (`--flac`).
    case flac16
    /// FLAC, 24-bit (`--flac --int24`).
    case flac24
    /// MPEG-1 Layer III at a constant bitrate (`--mp3 --mp3-bitrate`, demucs default 320 kbps).
    case mp3(bitrateKbps: Int)

    /// The file name extension, without the dot: `wav`, `flac` or `mp3`.
    public var fileExtension: String {
        switch self {
        case .wav16, .wav24, .wavFloat32: return "wav"
        case .flac16, .flac24: return "flac"
        case .mp3: return "mp3"
        }
    }

    public var description: String {
        switch self {
        case .wav16: return "WAV 16-bit"
        case .wav24: return "WAV 24-bit"
        case .wavFloat32: return "WAV 32-bit float"
        case .flac16: return "FLAC 16-bit"
        case .flac24: return "FLAC 24-bit"
        case .mp3(let kbps): return "MP3 \(kbps) kbps"
        }
    }

    /// The libsndfile format code (container | encoding).
    var sndfileFormat: Int32 {
        switch self {
        case .wav16: return Int32(SF_FORMAT_WAV | SF_FORMAT_PCM_16)
        case .wav24: return Int32(SF_FORMAT_WAV | SF_FORMAT_PCM_24)
        case .wavFloat32: return Int32(SF_FORMAT_WAV | SF_FORMAT_FLOAT)
        case .flac16: return Int32(SF_FORMAT_FLAC | SF_FORMAT_PCM_16)
        case .flac24: return Int32(SF_FORMAT_FLAC | SF_FORMAT_PCM_24)
        case .mp3: return Int32(SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III)
        }
    }

    /// How float samples become integers, or `nil` for float files.
    var quantizer: PCMQuantizer? {
        switch self {
        case .wav16: return .wav(bits: 16)
        case .wav24: return .wav(bits: 24)
        case .wavFloat32: return nil
        case .flac16: return .flac(bits: 16)
        case .flac24: return .flac(bits: 24)
        case .mp3: return .mp3
        }
    }

    /// Most channels the format holds (FLAC stops at 8, MP3 at 2).
    var maximumChannels: Int {
        switch self {
        case .wav16, .wav24, .wavFloat32: return 1024
        case .flac16, .flac24: return 8
        case .mp3: return 2
        }
    }
}
