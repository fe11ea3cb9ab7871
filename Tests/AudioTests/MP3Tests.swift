import Foundation
import XCTest
@testable import Audio

/// MP3 through libsndfile's LAME encoder and mpg123 decoder, when this libsndfile has them.
final class MP3Tests: XCTestCase {
    private func requireMP3() throws {
        try XCTSkipUnless(canEncode(.mp3(bitrateKbps: 320)), "\(sndfileVersion) cannot encode MP3; MP3 tests skipped")
    }

    func testBitrateValidation() throws {
        try requireMP3()
        XCTAssertTrue(canEncode(.mp3(bitrateKbps: 128)))
        XCTAssertFalse(canEncode(.mp3(bitrateKbps: 300)))
        let folder = try TemporaryFolder()
        let path = folder.file("x.mp3")
        assertAudioError(try AudioFileWriter(path: path, sampleRate: 44100, channels: 2, format: .mp3(bitrateKbps: 300)),
                         path: path, reason: "32, 40, 48")
    }

    func testEncodeDecodeAtTwoBitrates() throws {
        try requireMP3()
        let folder = try TemporaryFolder()
        let frames = 2 * 44100
        let tone = sine(frequency: 1000, sampleRate: 44100, frames: frames, amplitude: 0.5)
        var sizes: [Int: Int] = [:]
        for (kbps, minimumSNR) in [(320, 60.0), (128, 20.0)] {
            let path = folder.file("tone\(kbps).mp3")
            try writeFile(path, [tone, tone], sampleRate: 44100, format: .mp3(bitrateKbps: kbps))
            sizes[kbps] = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int
            let stream = try AudioStream(path: path)
            XCTAssertEqual(stream.source.formatName, "MP3")
            XCTAssertEqual(stream.frames, frames, "LAME's info tag makes the length exact")
            let out = try readAll(stream)
            var error = 0.0, power = 0.0
            for n in 2000..<(frames - 2000) {
                let reference = Double(PCMQuantizer.mp3.sample(tone[n])) / 32767
                error += pow(Double(out[0][n]) - reference, 2)
                power += reference * reference
            }
            XCTAssertGreaterThan(10 * log10(power / error), minimumSNR, "SNR at \(kbps) kbps")
        }
        let seconds = Double(frames) / 44100
        for (kbps, size) in sizes {
            XCTAssertEqual(Double(size) * 8 / 1000 / seconds, Double(kbps), accuracy: Double(kbps) * 0.1, "\(kbps) kbps")
        }
    }
}
