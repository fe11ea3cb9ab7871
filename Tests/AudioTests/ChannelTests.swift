import XCTest
@testable import Audio

/// Channel conversion as `demucs.audio.convert_audio_channels` does it.
final class ChannelTests: XCTestCase {
    func testMonoIsCopiedToBothChannels() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("mono.wav")
        let mono = noise(count: 5000, range: 0.9, seed: 7)
        try writeFile(path, [mono], sampleRate: 44100, format: .wavFloat32)
        let stream = try AudioStream(path: path)
        XCTAssertEqual(stream.source.channels, 1)
        XCTAssertEqual(stream.frames, 5000)
        let out = try readAll(stream, chunk: 1234)
        XCTAssertEqual(out, [mono, mono])
    }

    func testSixChannelsKeepTheFirstTwo() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("six.wav")
        let planar = (0..<6).map { noise(count: 3000, range: 0.5, seed: UInt64($0)) }
        try writeFile(path, planar, sampleRate: 44100, format: .wavFloat32)
        let stream = try AudioStream(path: path, sampleRate: 44100, channels: 2)
        XCTAssertEqual(stream.source.channels, 6)
        XCTAssertEqual(try readAll(stream), Array(planar[0..<2]))
    }

    func testOneChannelIsTheMean() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("three.wav")
        let planar = (0..<3).map { noise(count: 100, range: 0.5, seed: UInt64($0)) }
        try writeFile(path, planar, sampleRate: 44100, format: .wavFloat32)
        let out = try readAll(AudioStream(path: path, channels: 1))
        XCTAssertEqual(out, [(0..<100).map { (planar[0][$0] + planar[1][$0] + planar[2][$0]) / 3 }])
    }

    func testStereoCannotBecomeFourChannels() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("stereo.wav")
        try writeFile(path, [[0, 0], [0, 0]], sampleRate: 44100, format: .wav16)
        assertAudioError(try AudioStream(path: path, channels: 4), path: path, reason: "cannot become 4")
    }
}
