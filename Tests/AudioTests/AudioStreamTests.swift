import XCTest
@testable import Audio

/// `AudioStream`: chunking, rewinding, pass-through at the model's rate.
final class AudioStreamTests: XCTestCase {
    func testSameRateIsPassedThroughUnchanged() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("a.wav")
        let planar = [noise(count: 9000, range: 1, seed: 1), noise(count: 9000, range: 1, seed: 2)]
        try writeFile(path, planar, sampleRate: 44100, format: .wavFloat32)
        let stream = try AudioStream(path: path)
        XCTAssertEqual(stream.path, path)
        XCTAssertEqual(stream.frames, 9000)
        XCTAssertEqual(try readAll(stream, chunk: 4000), planar)
        XCTAssertEqual(try stream.read(maxFrames: 100), [[], []])
    }

    func testChunkedReadsEqualOneReadAndRewindRestarts() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("b.flac")
        let planar = [noise(count: 30_001, range: 0.9, seed: 5), noise(count: 30_001, range: 0.9, seed: 6)]
        try writeFile(path, planar, sampleRate: 48000, format: .flac16)
        let stream = try AudioStream(path: path)
        let whole = try stream.read(maxFrames: 1_000_000)
        XCTAssertEqual(whole[0].count, stream.frames)
        XCTAssertEqual(try stream.read(maxFrames: 10), [[], []])
        for chunk in [1000, 4096, 7777] {
            try stream.rewind()
            XCTAssertEqual(try readAll(stream, chunk: chunk), whole, "chunks of \(chunk)")
        }
        try stream.rewind()
        _ = try stream.read(maxFrames: 5000)  // rewind mid-stream too
        try stream.rewind()
        XCTAssertEqual(try readAll(stream, chunk: 20_000), whole)
    }

    func testEmptyFileStreamsNothing() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("empty.wav")
        try writeTinyWAV(path, sampleRate: 48000, channels: 1, samples: [])
        let reader = try AudioFileReader(path: path)
        XCTAssertEqual(reader.frames, 0)
        XCTAssertEqual(try reader.read(maxFrames: 1000), [])
        let stream = try AudioStream(path: path)
        XCTAssertEqual(stream.frames, 0)
        XCTAssertEqual(try stream.read(maxFrames: 1000), [[], []])
    }
}
