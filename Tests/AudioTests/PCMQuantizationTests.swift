import XCTest
@testable import Audio

/// The quantisers against integers demucs 4.0.1 wrote (`save_audio(..., clip="none")` through
/// torchaudio 2.4.1 / soundfile 0.14 / libsndfile 1.2.2, and `demucs.audio.i16_pcm` for MP3).
final class PCMQuantizationTests: XCTestCase {
    /// (float32 bits, WAV 16, WAV 24, FLAC 16, FLAC 24, i16_pcm)
    static let golden: [(UInt32, Int32, Int32, Int32, Int32, Int32)] = [
        (0x0000_0000, 0, 0, 0, 0, 0),  // 0
        (0x3F80_0000, 32767, 8388607, 32767, 8388607, 32767),  // 1
        (0xBF80_0000, -32768, -8388608, -32768, -8388608, -32767),  // -1
        (0x3F7D_70A4, 32440, 8304722, 32440, 8304722, 32439),  // 0.99
        (0xBF7D_70A4, -32441, -8304722, -32440, -8304722, -32439),  // -0.99
        (0x3F99_999A, 32767, 8388607, 32767, 8388607, 32767),  // 1.2
        (0xBF99_999A, -32768, -8388608, -32768, -8388608, -32767),  // -1.2
        (0x3780_0000, 0, 128, 0, 128, 0),  // 0.5 / 32768
        (0xB780_0000, -1, -128, 0, -128, 0),  // -0.5 / 32768
        (0x3840_0000, 1, 384, 2, 384, 1),  // 1.5 / 32768
        (0xB840_0000, -2, -384, -2, -384, -1),  // -1.5 / 32768
        (0x38A0_0000, 2, 640, 2, 640, 2),  // 2.5 / 32768
        (0x37B3_3333, 0, 179, 1, 179, 0),  // 0.7 / 32768
        (0xB719_999A, -1, -77, 0, -77, 0),  // -0.3 / 32768
        (0x3780_0100, 0, 128, 1, 128, 0),  // 0.5 / 32767
        (0xB780_0100, -1, -129, -1, -128, 0),  // -0.5 / 32767
        (0x3F7F_FD33, 32766, 8388249, 32767, 8388250, 32765),  // 32766.6 / 32768
        (0xBF7F_FF33, -32768, -8388506, -32768, -8388506, -32766),  // -32767.6 / 32768
        (0x3380_0000, 0, 0, 0, 0, 0),  // 0.5 / 2^23
        (0xB380_0000, -1, -1, 0, 0, 0),  // -0.5 / 2^23
        (0x3440_0000, 0, 1, 0, 2, 0),  // 1.5 / 2^23
        (0xB440_0000, -1, -2, 0, -2, 0),  // -1.5 / 2^23
        (0x34A0_0000, 0, 2, 0, 2, 0),  // 2.5 / 2^23
        (0x3319_999A, 0, 0, 0, 0, 0),  // 0.3 / 2^23
        (0xB3B3_3333, -1, -1, 0, -1, 0),  // -0.7 / 2^23
        (0x3DFC_D6EA, 4045, 1035630, 4045, 1035631, 4045),  // 0.123456789
        (0xBF7C_D6EA, -32364, -8285045, -32363, -8285045, -32362),  // -0.987654321
        (0x0DA2_4260, 0, 0, 0, 0, 0),  // 1e-30
        (0x37FF_FF9A, 1, 256, 1, 256, 0),  // 65535.6 / 2^31: lrintf before the shift
        (0xB800_0033, -1, -256, -1, -256, 0),  // -65536.4 / 2^31
        (0x3E80_0000, 8192, 2097152, 8192, 2097152, 8191),  // 0.25
        (0xBF40_0000, -24576, -6291456, -24576, -6291456, -24575),  // -0.75
    ]

    func testMatchesDemucs() {
        for (bits, wav16, wav24, flac16, flac24, mp3) in Self.golden {
            let x = Float(bitPattern: bits)
            XCTAssertEqual(PCMQuantizer.wav(bits: 16).sample(x), wav16, "WAV 16 of \(x)")
            XCTAssertEqual(PCMQuantizer.wav(bits: 24).sample(x), wav24, "WAV 24 of \(x)")
            XCTAssertEqual(PCMQuantizer.flac(bits: 16).sample(x), flac16, "FLAC 16 of \(x)")
            XCTAssertEqual(PCMQuantizer.flac(bits: 24).sample(x), flac24, "FLAC 24 of \(x)")
            XCTAssertEqual(PCMQuantizer.mp3.sample(x), mp3, "i16_pcm of \(x)")
        }
    }

    func testInfinitiesSaturateAndNaNIsZero() {
        for quantizer in [PCMQuantizer.wav(bits: 16), .wav(bits: 24), .flac(bits: 16), .flac(bits: 24), .mp3] {
            let top = Int32(1) << (quantizer.bits - 1)
            XCTAssertEqual(quantizer.sample(.infinity), top - 1)
            XCTAssertEqual(quantizer.sample(-.infinity), quantizer == .mp3 ? -(top - 1) : -top)
            XCTAssertEqual(quantizer.sample(.nan), 0)
        }
    }

    func testLeftJustified() {
        XCTAssertEqual(PCMQuantizer.wav(bits: 16).leftJustified(-1), Int32.min)
        XCTAssertEqual(PCMQuantizer.wav(bits: 24).leftJustified(0.25), 2097152 << 8)
        XCTAssertEqual(PCMQuantizer.mp3.leftJustified(0.25), 8191 << 16)
    }
}
