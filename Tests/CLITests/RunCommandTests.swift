import Audio
import Engine
import Foundation
import XCTest

/// `swdemucs run` as a user runs it, with the tiny HT-Demucs bundle and demucs's own results
/// (`Tests/Fixtures/separation`, from PyTorch's `apply_model`).
final class RunCommandTests: XCTestCase {
    private var scratch: URL!
    private let bundle = fixturesDirectory.appendingPathComponent("tiny-htdemucs").path
    private let sources = ["drums", "bass", "other", "vocals"]

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("swdemucs-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: scratch)
    }

    private func mix(_ fixture: String) -> String {
        fixturesDirectory.appendingPathComponent("separation/\(fixture)/mix.wav").path
    }

    /// All planar samples of an audio file.
    private func readAudio(_ path: String) throws -> [[Float]] {
        let reader = try AudioFileReader(path: path)
        let interleaved = try reader.read(maxFrames: reader.frames)
        return (0..<reader.channels).map { c in stride(from: c, to: interleaved.count, by: reader.channels).map { interleaved[$0] } }
    }

    /// The reference stem `index` of a fixture, planar.
    private func reference(_ fixture: String) throws -> (Tensor, Int) {
        let tensor = try NumpyFile.read(fixturesDirectory.appendingPathComponent("separation/\(fixture)/stems.npy").path)
        return (tensor, tensor.shape[2])
    }

    private func assertClose(_ ours: [[Float]], _ expected: [Float], _ what: String, bound: Float = 1e-5) {
        let flat = ours.flatMap { $0 }
        XCTAssertEqual(flat.count, expected.count, what)
        let worst = zip(flat, expected).map { abs($0 - $1) }.max() ?? .infinity
        XCTAssertLessThan(worst, bound, what)
    }

    func testFloat32StemsMatchDemucs() throws {
        let result = try swdemucs(["run", mix("shifts0"), "-n", bundle, "--shifts", "0", "--float32", "-o", scratch.path])
        XCTAssertEqual(result.status, 0, result.standardError)
        let (reference, frames) = try reference("shifts0")
        let all = reference.floats()
        for (index, stem) in sources.enumerated() {
            let path = scratch.appendingPathComponent("tiny-htdemucs/mix/\(stem).wav").path
            assertClose(try readAudio(path), Array(all[(index * 2 * frames)..<((index + 1) * 2 * frames)]), stem)
        }
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: scratch.appendingPathComponent("tiny-htdemucs/mix").path)
        XCTAssertEqual(Set(leftovers), Set(sources.map { "\($0).wav" }), "no temporary files are left")
    }

    func testTwoStemsWritesTheStemAndTheSumOfTheOthers() throws {
        let result = try swdemucs(["run", mix("short-mono"), "-n", bundle, "--shifts", "1", "--seed", "3", "--float32",
                                   "--two-stems", "vocals", "-o", scratch.path, "--filename", "{stem}-{track}.{ext}"])
        XCTAssertEqual(result.status, 0, result.standardError)
        let (reference, frames) = try reference("short-mono")
        let all = reference.floats(), size = 2 * frames
        let folder = scratch.appendingPathComponent("tiny-htdemucs")
        assertClose(try readAudio(folder.appendingPathComponent("vocals-mix.wav").path), Array(all[(3 * size)...]), "vocals")
        let others = (0..<size).map { all[$0] + all[size + $0] + all[2 * size + $0] }
        assertClose(try readAudio(folder.appendingPathComponent("no_vocals-mix.wav").path), others, "no_vocals")
    }

    func testDefaultOutputIs16BitWavOfTheTrackLength() throws {
        let result = try swdemucs(["run", mix("short-mono"), "-n", bundle, "--stems", "bass", "-o", scratch.path, "--quiet"])
        XCTAssertEqual(result.status, 0, result.standardError)
        let reader = try AudioFileReader(path: scratch.appendingPathComponent("tiny-htdemucs/mix/bass.wav").path)
        XCTAssertEqual(reader.frames, 26460)
        XCTAssertEqual(reader.channels, 2)
        XCTAssertTrue(reader.formatName.contains("16"), reader.formatName)
        XCTAssertFalse(FileManager.default.fileExists(atPath: scratch.appendingPathComponent("tiny-htdemucs/mix/drums.wav").path))
    }

    func testNeverOverwritesTheInput() throws {
        let input = scratch.appendingPathComponent("in/mix.wav")
        try FileManager.default.createDirectory(at: input.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: mix("short-mono"), toPath: input.path)
        let before = try Data(contentsOf: input)
        let result = try swdemucs(["run", input.path, "-n", bundle, "-o", scratch.path, "--stems", "vocals",
                                   "--filename", "../in/{track}.{ext}"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.standardError.contains("would overwrite the input"), result.standardError)
        XCTAssertEqual(try Data(contentsOf: input), before)
    }

    func testClearErrorsBeforeAnyWork() throws {
        let missing = try swdemucs(["run", mix("short-mono"), "-n", "no-such-model", "--models", scratch.path])
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.standardError.contains("make it with"), missing.standardError)

        let stem = try swdemucs(["run", mix("short-mono"), "-n", bundle, "--two-stems", "kazoo"])
        XCTAssertNotEqual(stem.status, 0)
        XCTAssertTrue(stem.standardError.contains("kazoo"), stem.standardError)

        let unwritable = try swdemucs(["run", mix("short-mono"), "-n", bundle, "-o", "/proc/swdemucs-out"])
        XCTAssertNotEqual(unwritable.status, 0)
        XCTAssertTrue(unwritable.standardError.contains("/proc/swdemucs-out"), unwritable.standardError)

        let noInput = try swdemucs(["run", scratch.appendingPathComponent("nothing.flac").path, "-n", bundle, "-o", scratch.path])
        XCTAssertNotEqual(noInput.status, 0)
        XCTAssertTrue(noInput.standardError.contains("nothing.flac"), noInput.standardError)
    }

    func testListModelsShowsBundlesInTheModelsFolder() throws {
        let result = try swdemucs(["list-models", "--models", fixturesDirectory.path])
        XCTAssertEqual(result.status, 0, result.standardError)
        XCTAssertTrue(result.standardOutput.contains("tiny-htdemucs"), result.standardOutput)
        XCTAssertTrue(result.standardOutput.contains("drums,bass,other,vocals"), result.standardOutput)
    }
}
