import XCTest
@testable import Audio

/// Real music from `../shared/testdata` (skipped when absent).
final class SharedTestdataTests: XCTestCase {
    func testMusdbMixture() throws {
        let path = try testdata("musdb-preview-80s-rock/mixture.flac")
        let reader = try AudioFileReader(path: path)
        XCTAssertEqual(reader.formatName, "FLAC 24-bit")
        XCTAssertEqual(reader.sampleRate, 44100)
        XCTAssertEqual(reader.channels, 2)
        let interleaved = try readAll(reader)
        XCTAssertEqual(interleaved.count, 2 * reader.frames)
        let stream = try AudioStream(path: path)
        XCTAssertEqual(stream.frames, reader.frames)
        let planar = try readAll(stream, chunk: 343_980)
        XCTAssertEqual(planar[0], stride(from: 0, to: interleaved.count, by: 2).map { interleaved[$0] })
        XCTAssertEqual(planar[1], stride(from: 1, to: interleaved.count, by: 2).map { interleaved[$0] })
    }

    func testSong48kResamplesToTheRuleAndKeepsItsLevel() throws {
        let path = try testdata("there-aint-nothin-cc0-48k.flac")
        let stream = try AudioStream(path: path)
        XCTAssertEqual(stream.source.sampleRate, 48000)
        XCTAssertEqual(stream.frames, stream.source.frames * 44100 / 48000)
        // The first 10 s: the level of the resampled audio matches the source's.
        let source = try AudioFileReader(path: path)
        let original = try source.read(maxFrames: 480_000)
        let resampled = try stream.read(maxFrames: 441_000)
        let rms = { (x: ArraySlice<Float>) in (x.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(x.count)).squareRoot() }
        let sourceLeft = stride(from: 48_000 * 2, to: 48_000 * 2 * 9, by: 2).map { original[$0] }
        XCTAssertEqual(20 * log10(rms(resampled[0][44100..<(44100 * 9)]) / rms(sourceLeft[...])), 0, accuracy: 0.1)
    }
}
