import Foundation

/// Audio files made byte by byte for the hostile-input tests, including headers no encoder would write.
enum HostileAudio {
    /// A canonical 44-byte-header WAV: `format` 1 (integer PCM) or 3 (IEEE float), `channels` and `rate`
    /// exactly as given (0 Hz and 4 GHz included), followed by `data`. `declaredBytes` replaces the data chunk's
    /// length (to claim more than the file holds).
    static func wav(rate: UInt32, channels: UInt16, bits: UInt16 = 16, format: UInt16 = 1, data: [UInt8],
                    declaredBytes: UInt32? = nil) -> [UInt8] {
        let blockAlign = channels &* (bits / 8)
        let length = declaredBytes ?? UInt32(data.count)
        var bytes = Array("RIFF".utf8) + le(UInt32(36) &+ length) + Array("WAVEfmt ".utf8) + le(UInt32(16))
        bytes += le(format) + le(channels) + le(rate) + le(rate &* UInt32(blockAlign)) + le(blockAlign) + le(bits)
        return bytes + Array("data".utf8) + le(length) + data
    }

    /// 16-bit WAV of interleaved `samples` (`channels` per frame) at 44.1 kHz.
    static func pcm16(_ samples: [Int16], channels: UInt16 = 2, rate: UInt32 = 44100) -> [UInt8] {
        wav(rate: rate, channels: channels, data: samples.flatMap { le(UInt16(bitPattern: $0)) })
    }

    /// 32-bit float WAV of interleaved stereo `samples` at 44.1 kHz (NaN and infinities stored as given).
    static func float32(_ samples: [Float]) -> [UInt8] {
        wav(rate: 44100, channels: 2, bits: 32, format: 3, data: samples.flatMap { le($0.bitPattern) })
    }

    /// The header of an RF64 file (64-bit sizes) of 16-bit stereo at 44.1 kHz declaring `frames` frames;
    /// the caller extends the file to its full length (sparse, so it costs no disk).
    static func rf64Header(frames: UInt64) -> [UInt8] {
        let dataBytes = frames * 4
        var bytes = Array("RF64".utf8) + le(UInt32.max) + Array("WAVEds64".utf8) + le(UInt32(28))
        bytes += le(dataBytes + 72) + le(dataBytes) + le(frames) + le(UInt32(0))
        bytes += Array("fmt ".utf8) + le(UInt32(16)) + le(UInt16(1)) + le(UInt16(2)) + le(UInt32(44100))
        bytes += le(UInt32(44100 * 4)) + le(UInt16(4)) + le(UInt16(16))
        return bytes + Array("data".utf8) + le(UInt32.max)
    }

    /// A stereo 16-bit sine of `frames` frames at 44.1 kHz, a quarter of full scale.
    static func sine(frames: Int) -> [UInt8] {
        pcm16((0..<frames).flatMap { t -> [Int16] in
            let value = Int16(8000 * sin(Double(t) * 0.05))
            return [value, value]
        })
    }

    private static func le<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.littleEndian) { Array($0) }
    }
}
