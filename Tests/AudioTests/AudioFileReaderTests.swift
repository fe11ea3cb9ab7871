import Foundation
import XCTest
@testable import Audio

/// Opening files that are not usable audio gives one clear line naming the file.
final class AudioFileReaderTests: XCTestCase {
    func testMissingFile() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("nothing.flac")
        assertAudioError(try AudioFileReader(path: path), path: path, reason: "no such file")
    }

    func testFolder() throws {
        let folder = try TemporaryFolder()
        assertAudioError(try AudioFileReader(path: folder.path), path: folder.path, reason: "is a folder")
    }

    func testTextFileNamedWAV() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("notes.wav")
        try "This is not audio, just some text.\n".write(toFile: path, atomically: false, encoding: .utf8)
        assertAudioError(try AudioFileReader(path: path), path: path, reason: "cannot decode as audio")
    }

    func testCorruptFLAC() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("corrupt.flac")
        try writeFile(path, [noise(count: 20_000, range: 0.5, seed: 1)], sampleRate: 44100, format: .flac16)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        for i in 4..<min(60, bytes.count) { bytes[i] ^= 0x5A }  // damage the STREAMINFO block
        try bytes.write(to: URL(fileURLWithPath: path))
        assertAudioError(try AudioFileReader(path: path), path: path, reason: "cannot decode as audio")
    }

    func testTruncatedFLACFailsWhileDecoding() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("cut.flac")
        try writeFile(path, [noise(count: 50_000, range: 0.5, seed: 1)], sampleRate: 44100, format: .flac16)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: path))
        let reader = try AudioFileReader(path: path)
        assertAudioError(try readAll(reader, chunk: 4096), path: path, reason: "decoding failed")
    }

    /// Damage inside the audio frames: libsndfile either reports it or stops early; the stream
    /// then still delivers its declared length, the end filled with silence.
    func testDamagedFLACStreamKeepsItsLength() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("damaged.flac")
        try writeFile(path, [sine(frequency: 440, sampleRate: 44100, frames: 100_000, amplitude: 0.3)],
                      sampleRate: 44100, format: .flac16)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        for i in (bytes.count / 2)..<(bytes.count / 2 + 2000) { bytes[i] ^= 0xA5 }
        try bytes.write(to: URL(fileURLWithPath: path))
        let stream = try AudioStream(path: path)
        do {
            let out = try readAll(stream, chunk: 8192)
            XCTAssertEqual(out[0].count, 100_000)
            XCTAssertEqual(out[0].suffix(stream.paddedFrames), ArraySlice(repeating: 0, count: stream.paddedFrames))
        } catch let error as AudioError {
            XCTAssertEqual(error.path, path)
        }
    }

    func testTruncatedWAVHeader() throws {
        let folder = try TemporaryFolder()
        let full = folder.file("full.wav")
        try writeTinyWAV(full, sampleRate: 44100, channels: 2, samples: [1, 2, 3, 4])
        let path = folder.file("cut.wav")
        try Data(contentsOf: URL(fileURLWithPath: full)).prefix(20).write(to: URL(fileURLWithPath: path))
        assertAudioError(try AudioFileReader(path: path), path: path, reason: "cannot decode as audio")
    }

    func testAbsurdSampleRates() throws {
        let folder = try TemporaryFolder()
        for rate in [0, 1_000_000] {
            let path = folder.file("rate\(rate).wav")
            try writeTinyWAV(path, sampleRate: rate, channels: 1, samples: [1, 2, 3])
            do {
                _ = try AudioFileReader(path: path)
                XCTFail("\(rate) Hz accepted")
            } catch let error as AudioError {
                XCTAssertEqual(error.path, path)
            }
        }
    }

    func testZeroChannels() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("none.wav")
        try writeTinyWAV(path, sampleRate: 44100, channels: 0, samples: [])
        do {
            _ = try AudioFileReader(path: path)
            XCTFail("0 channels accepted")
        } catch let error as AudioError {
            XCTAssertEqual(error.path, path)
        }
    }

    func testTinyWAVDecodesAsLibsndfileNormalises() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("tiny.wav")
        try writeTinyWAV(path, sampleRate: 22050, channels: 2, samples: [0, 1, -32768, 32767, 16384, -1])
        let reader = try AudioFileReader(path: path)
        XCTAssertEqual(reader.formatName, "WAV 16-bit")
        XCTAssertEqual(reader.frames, 3)
        XCTAssertEqual(try reader.read(maxFrames: 10), [0, 1, -32768, 32767, 16384, -1].map { Float($0) / 32768 })
    }
}
