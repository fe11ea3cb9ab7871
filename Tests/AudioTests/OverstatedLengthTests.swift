import Foundation
import XCTest
@testable import Audio

/// Files that declare far more audio than they hold: a stream pads a damaged end with a little silence, but
/// never turns a lying header into hours of it.
final class OverstatedLengthTests: XCTestCase {
    /// An MP3 of a tenth of a second whose Xing header says 2³¹ − 1 MPEG frames (15,000 hours): libsndfile
    /// reports that length, and the stream ends with the audio instead, settling `frames` on it.
    func testAnMP3WhoseXingHeaderClaimsThousandsOfHoursEndsWithItsAudio() throws {
        try XCTSkipUnless(canEncode(.mp3(bitrateKbps: 320)), "\(sndfileVersion) cannot encode MP3")
        let folder = try TemporaryFolder()
        let path = folder.file("liar.mp3")
        let tone = sine(frequency: 440, sampleRate: 44100, frames: 4410, amplitude: 0.3)
        try writeFile(path, [tone, tone], sampleRate: 44100, format: .mp3(bitrateKbps: 320))
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let tag = try XCTUnwrap(bytes.range(of: Data("Xing".utf8)) ?? bytes.range(of: Data("Info".utf8)),
                                "LAME writes a Xing/Info header")
        let count = tag.upperBound + 4  // after the flags: the frame count, big-endian
        bytes.replaceSubrange(count..<count + 4, with: [0x7f, 0xff, 0xff, 0xff])
        try bytes.write(to: URL(fileURLWithPath: path))

        let stream = try AudioStream(path: path)
        XCTAssertGreaterThan(stream.frames, 44100 * 3600 * 1000, "the header's claim")
        let first = try readAll(stream, chunk: 65536)
        XCTAssertLessThan(first[0].count, 44100, "about the tenth of a second the file holds")
        XCTAssertEqual(stream.frames, first[0].count)
        XCTAssertEqual(stream.paddedFrames, 0)
        try stream.rewind()
        XCTAssertEqual(try readAll(stream, chunk: 1000), first, "a second pass gives the same")
    }
}
