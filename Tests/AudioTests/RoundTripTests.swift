import XCTest
@testable import Audio

/// Write with `AudioFileWriter`, read back with `AudioFileReader`: integer formats hold exactly
/// the demucs integers (read as `q / 2^(bits−1)`), float WAV holds the floats unchanged.
final class RoundTripTests: XCTestCase {
    /// Noise beyond full scale plus the golden edge values, two channels that differ.
    private func signal() -> [[Float]] {
        let edges = PCMQuantizationTests.golden.map { Float(bitPattern: $0.0) }
        let left = noise(count: 10_000, range: 1.2, seed: 1) + edges + noise(count: 3000, range: 1e-4, seed: 2)
        let right = noise(count: left.count, range: 0.8, seed: 3)
        return [left, right]
    }

    private func check(_ format: AudioFileFormat, name: String) throws {
        let folder = try TemporaryFolder()
        let path = folder.file("out.\(format.fileExtension)")
        let input = signal()
        let writer = try AudioFileWriter(path: path, sampleRate: 44100, channels: 2, format: format)
        for start in stride(from: 0, to: input[0].count, by: 4000) {  // several chunks
            let end = min(start + 4000, input[0].count)
            try writer.write(input.map { Array($0[start..<end]) })
        }
        try writer.finish()
        XCTAssertEqual(writer.framesWritten, input[0].count)

        let reader = try AudioFileReader(path: path)
        XCTAssertEqual(reader.formatName, name)
        XCTAssertEqual(reader.sampleRate, 44100)
        XCTAssertEqual(reader.channels, 2)
        XCTAssertEqual(reader.frames, input[0].count)
        let output = try readAll(reader, chunk: 3001)
        XCTAssertEqual(output.count, 2 * input[0].count)
        var mismatches = 0
        for frame in 0..<input[0].count {
            for c in 0..<2 {
                let expected: Float
                if let quantizer = format.quantizer {
                    expected = Float(quantizer.sample(input[c][frame])) / Float(1 << (quantizer.bits - 1))
                } else {
                    expected = input[c][frame]
                }
                if output[frame * 2 + c] != expected { mismatches += 1 }
            }
        }
        XCTAssertEqual(mismatches, 0, "\(format)")
    }

    func testWAV16() throws { try check(.wav16, name: "WAV 16-bit") }
    func testWAV24() throws { try check(.wav24, name: "WAV 24-bit") }
    func testWAVFloat32() throws { try check(.wavFloat32, name: "WAV 32-bit float") }
    func testFLAC16() throws { try check(.flac16, name: "FLAC 16-bit") }
    func testFLAC24() throws { try check(.flac24, name: "FLAC 24-bit") }

    func testChunkedReadsEqualOneRead() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("a.flac")
        try writeFile(path, signal(), sampleRate: 44100, format: .flac24)
        let reader = try AudioFileReader(path: path)
        let whole = try reader.read(maxFrames: 1_000_000)
        XCTAssertTrue(try reader.read(maxFrames: 10).isEmpty)
        XCTAssertEqual(whole.count, 2 * reader.frames)
        for chunk in [1, 777, 4096] {
            try reader.rewind()
            XCTAssertEqual(try readAll(reader, chunk: chunk), whole, "chunks of \(chunk)")
        }
    }
}
