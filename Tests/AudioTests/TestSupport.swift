import Foundation
import XCTest
@testable import Audio

/// A fresh folder under the system's temporary folder, removed with its contents on `deinit`.
final class TemporaryFolder {
    let path: String

    init() throws {
        path = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("audio-tests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// `name` inside the folder.
    func file(_ name: String) -> String { path + "/" + name }

    /// The names in the folder, hidden ones included, sorted.
    func contents() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: path).sorted() }
}

/// Writes a canonical 16-bit PCM WAV byte by byte, without libsndfile, with any header values.
func writeTinyWAV(_ path: String, sampleRate: Int, channels: Int, samples: [Int16]) throws {
    var data = Data()
    func append<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) } }
    data.append(contentsOf: Array("RIFF".utf8)); append(UInt32(36 + samples.count * 2))
    data.append(contentsOf: Array("WAVEfmt ".utf8)); append(UInt32(16)); append(UInt16(1))
    append(UInt16(channels)); append(UInt32(sampleRate)); append(UInt32(sampleRate * channels * 2))
    append(UInt16(channels * 2)); append(UInt16(16))
    data.append(contentsOf: Array("data".utf8)); append(UInt32(samples.count * 2))
    for sample in samples { append(sample) }
    try data.write(to: URL(fileURLWithPath: path))
}

/// `frames` samples of `amplitude · sin(2π · frequency · n / sampleRate + phase)`.
func sine(frequency: Double, sampleRate: Int, frames: Int, amplitude: Double, phase: Double = 0) -> [Float] {
    (0..<frames).map { Float(amplitude * sin(2 * Double.pi * frequency * Double($0) / Double(sampleRate) + phase)) }
}

/// Deterministic noise in [-range, range] (a small LCG, so tests do not depend on the system RNG).
func noise(count: Int, range: Float, seed: UInt64) -> [Float] {
    var state = seed
    return (0..<count).map { _ in
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return (Float(state >> 40) / Float(1 << 24) * 2 - 1) * range
    }
}

/// Writes planar float samples with `AudioFileWriter` in one go.
func writeFile(_ path: String, _ planar: [[Float]], sampleRate: Int, format: AudioFileFormat) throws {
    let writer = try AudioFileWriter(path: path, sampleRate: sampleRate, channels: planar.count, format: format)
    try writer.write(planar)
    try writer.finish()
}

/// Everything left in a reader, interleaved, read in chunks of `chunk` frames.
func readAll(_ reader: AudioFileReader, chunk: Int = 65536) throws -> [Float] {
    var all: [Float] = []
    while case let part = try reader.read(maxFrames: chunk), !part.isEmpty { all += part }
    return all
}

/// Everything left in a stream, planar, read in chunks of `chunk` frames.
func readAll(_ stream: AudioStream, chunk: Int = 65536) throws -> [[Float]] {
    var all = [[Float]](repeating: [], count: stream.channels)
    while case let part = try stream.read(maxFrames: chunk), !part[0].isEmpty {
        for c in part.indices { all[c] += part[c] }
    }
    return all
}

/// A file of the shared test data (`../shared/testdata` beside the repository), or a skip when absent.
func testdata(_ name: String, file: StaticString = #filePath) throws -> String {
    let repository = URL(fileURLWithPath: "\(file)").resolvingSymlinksInPath().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    let path = repository.deletingLastPathComponent().appendingPathComponent("shared/testdata/\(name)").path
    try XCTSkipUnless(FileManager.default.fileExists(atPath: path), "test data \(path) is absent")
    return path
}

/// Asserts that `body` throws an `AudioError` whose path is `path` and whose reason contains `reason`.
func assertAudioError(_ body: @autoclosure () throws -> some Any, path: String, reason: String,
                      file: StaticString = #filePath, line: UInt = #line) {
    do {
        _ = try body()
        XCTFail("no error thrown", file: file, line: line)
    } catch let error as AudioError {
        XCTAssertEqual(error.path, path, file: file, line: line)
        XCTAssertTrue(error.reason.contains(reason), "reason “\(error.reason)” lacks “\(reason)”", file: file, line: line)
        XCTAssertEqual(error.description, "\(path): \(error.reason)", file: file, line: line)
    } catch {
        XCTFail("unexpected error \(error)", file: file, line: line)
    }
}
