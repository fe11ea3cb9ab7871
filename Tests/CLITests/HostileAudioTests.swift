import Audio
import Foundation
import XCTest

/// `swdemucs run` on audio files that are empty, damaged, absurd or merely extreme: each either separates
/// correctly or fails with one line naming the file, and nothing crashes or hangs. Files are made on the fly;
/// each group runs in one invocation (the tiny model loads once, and refusals need no forward pass).
final class HostileAudioTests: XCTestCase {
    private var scratch: URL!
    private let bundle = fixturesDirectory.appendingPathComponent("tiny-htdemucs").path

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("swdemucs-hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: scratch)
    }

    /// Writes `bytes` to `name` in the scratch folder and returns its path.
    private func file(_ name: String, _ bytes: [UInt8]) throws -> String {
        let url = scratch.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    /// All planar samples of an audio file.
    private func readAudio(_ path: String) throws -> [[Float]] {
        let reader = try AudioFileReader(path: path)
        let interleaved = try reader.read(maxFrames: max(reader.frames, 1))
        return (0..<reader.channels).map { c in
            stride(from: c, to: interleaved.count, by: reader.channels).map { interleaved[$0] }
        }
    }

    func testUnusableFilesAreRefusedWithOneLineEach() throws {
        let pipe = scratch.appendingPathComponent("pipe.wav").path
        XCTAssertEqual(mkfifo(pipe, 0o644), 0)
        let folder = scratch.appendingPathComponent("folder.wav")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let nanSamples = (0..<2000).map { $0 == 1001 ? Float.nan : 0.1 }
        let infSamples = (0..<2000).map { $0 == 64 ? -Float.infinity : 0.1 }
        // name → words its line must hold
        let cases: [(String, [String])] = [
            (try file("empty.wav", []), ["cannot decode as audio"]),
            (try file("noise.wav", (0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 7919 &+ 13) }), ["cannot decode"]),
            (try file("text.flac", Array(String(repeating: "not audio at all\n", count: 50).utf8)), ["cannot decode"]),
            (try file("no-frames.wav", HostileAudio.wav(rate: 44100, channels: 2, data: [])), ["no audio samples"]),
            (try file("zero-hertz.wav", HostileAudio.wav(rate: 0, channels: 2, data: [0, 0, 0, 0])),
             ["impossible sample rate"]),
            (try file("four-gigahertz.wav", HostileAudio.wav(rate: 4_000_000_000, channels: 2, data: [0, 0, 0, 0])),
             ["impossible sample rate"]),
            (try file("one-hertz.wav", HostileAudio.pcm16([100, 100], rate: 1)), ["implausible sample rate of 1 Hz"]),
            (try file("megahertz.wav", HostileAudio.pcm16([100, 100], rate: 1_000_000)),
             ["implausible sample rate of 1000000 Hz"]),
            (try file("no-channels.wav", HostileAudio.wav(rate: 44100, channels: 0, data: [0, 0])), ["hannel"]),
            (try file("nan.wav", HostileAudio.float32(nanSamples)), ["frame 500", "NaN"]),
            (try file("infinity.wav", HostileAudio.float32(infSamples)), ["frame 32", "infinite"]),
            (try file("one-sample-48k.wav", HostileAudio.pcm16([100], channels: 1, rate: 48000)), ["no audio samples"]),
            (pipe, ["not a regular file"]),
            (folder.path, ["is a folder"]),
            (scratch.appendingPathComponent("missing.wav").path, ["no such file"]),
        ]
        let out = scratch.appendingPathComponent("out")
        let result = try swdemucs(["run"] + cases.map(\.0) + ["-n", bundle, "-o", out.path, "--quiet"])
        XCTAssertEqual(result.status, 1, result.standardError)
        let lines = result.standardError.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, cases.count, result.standardError)
        for (path, words) in cases {
            let name = (path as NSString).lastPathComponent
            let line = lines.first { $0.hasPrefix("swdemucs: \(path): ") }
            XCTAssertNotNil(line, "\(name): no line of its own in\n\(result.standardError)")
            for word in words {
                XCTAssertTrue(line?.contains(word) == true, "\(name): '\(word)' missing from \(line ?? "")")
            }
            XCTAssertEqual(line?.components(separatedBy: path).count, 2, "\(name): the path is named once: \(line ?? "")")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path), "no folder is left behind by failed tracks")
    }

    func testExtremeButValidFilesSeparate() throws {
        let frames = 4410
        let silence = try file("silence.wav", HostileAudio.pcm16([Int16](repeating: 0, count: 2 * frames)))
        let single = try file("single.wav", HostileAudio.pcm16([12000, -12000]))
        let square = try file("square.wav", HostileAudio.pcm16((0..<frames).flatMap { t -> [Int16] in
            t / 50 % 2 == 0 ? [.max, .min] : [.min, .max]
        }))
        let eight = try file("eight.wav", HostileAudio.pcm16((0..<frames).flatMap { t in
            (0..<8).map { c in Int16(3000 * sin(Double(t) * 0.01 * Double(c + 1))) }
        }, channels: 8))
        // Claims a second of audio, holds a tenth: read as the frames that are there.
        let truncated = try file("truncated.wav", HostileAudio.wav(
            rate: 44100, channels: 2, data: Array(HostileAudio.sine(frames: frames).dropFirst(44)),
            declaredBytes: 44100 * 4))
        let out = scratch.appendingPathComponent("out")
        let result = try swdemucs(["run", silence, single, square, eight, truncated, "-n", bundle, "-o", out.path,
                                   "--shifts", "0", "--float32", "--quiet"])
        XCTAssertEqual(result.status, 0, result.standardError)
        XCTAssertEqual(result.standardError, "")
        let expectedFrames = ["silence": frames, "single": 1, "square": frames, "eight": frames, "truncated": frames]
        for (track, length) in expectedFrames {
            for stem in ["drums", "bass", "other", "vocals"] {
                let path = out.appendingPathComponent("tiny-htdemucs/\(track)/\(stem).wav").path
                let samples = try readAudio(path)
                XCTAssertEqual(samples.count, 2, "\(track)/\(stem)")
                XCTAssertEqual(samples[0].count, length, "\(track)/\(stem)")
                let all = samples.flatMap { $0 }
                XCTAssertTrue(all.allSatisfy { $0.isFinite && abs($0) <= 1 }, "\(track)/\(stem) is finite and in range")
                if track == "silence" {
                    XCTAssertLessThan(all.map(abs).max()!, 1e-6, "silence separates to silence (far below 16-bit's step)")
                }
            }
        }
        XCTAssertNotEqual(try readAudio(out.appendingPathComponent("tiny-htdemucs/square/drums.wav").path)[0].max(), 0)
    }

    /// A file far larger than memory would hold decoded (16 GB of sparse RF64: 27 hours) streams through the
    /// first pass in bounded memory, and Ctrl-C stops that pass promptly, leaving nothing behind.
    func testHugeFileStreamsInBoundedMemoryAndStopsOnInterrupt() throws {
        let path = try file("huge.wav", HostileAudio.rf64Header(frames: 4 << 30))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.truncate(atOffset: 80 + (16 << 30))
        try handle.close()
        let out = scratch.appendingPathComponent("out")
        let run = try InterruptibleRun(["run", path, "-n", bundle, "-o", out.path, "--quiet"])
        try run.waitForSeparationToStart(in: out)
        Thread.sleep(forTimeInterval: 1.5)
        let resident = try XCTUnwrap(run.residentMegabytes())
        XCTAssertLessThan(resident, 400, "resident memory while reading 16 GB")
        let (status, seconds, standardError) = try run.interrupt()
        XCTAssertEqual(status, 130, standardError)
        XCTAssertLessThan(seconds, 2, "stopped within two seconds")
        XCTAssertTrue(standardError.contains("interrupted"), standardError)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path), "nothing left in the output folder")
    }
}
