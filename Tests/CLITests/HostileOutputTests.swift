import Audio
import Foundation
import XCTest

/// Where `swdemucs run` writes: missing folders are made, unwritable ones refused before any work, a full disk
/// leaves no truncated stem, existing outputs are replaced atomically, inputs are never written over, and
/// Ctrl-C stops promptly without leaving partial files.
final class HostileOutputTests: XCTestCase {
    private var scratch: URL!
    private let bundle = fixturesDirectory.appendingPathComponent("tiny-htdemucs").path

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("swdemucs-outputs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: scratch)
    }

    /// Writes a stereo sine of `frames` frames to `relative` inside the scratch folder and returns its path.
    private func track(_ relative: String, frames: Int = 4410) throws -> String {
        let url = scratch.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(HostileAudio.sine(frames: frames)).write(to: url)
        return url.path
    }

    /// Every file under `folder`, hidden ones included, as paths relative to it.
    private func files(under folder: URL) -> Set<String> {
        var found = Set<String>()
        let enumerator = FileManager.default.enumerator(atPath: folder.path)
        while let path = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: folder.appendingPathComponent(path).path, isDirectory: &isDirectory),
               !isDirectory.boolValue { found.insert(path) }
        }
        return found
    }

    func testUnwritableOutputIsRefusedBeforeTheModelLoads() throws {
        // A bundle whose model is not ONNX: reaching it would fail differently, so the folder check comes first.
        let broken = scratch.appendingPathComponent("broken-bundle")
        try FileManager.default.createDirectory(at: broken, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: bundle + "/swdemucs.json", toPath: broken.path + "/swdemucs.json")
        try Data("not a model".utf8).write(to: broken.appendingPathComponent("model.onnx"))
        let input = try track("in/song.wav")
        let regularFile = try track("in/not-a-folder.wav")
        var places = ["/proc/swdemucs-out": "cannot create /proc/swdemucs-out", regularFile + "/out": "Not a directory"]
        if geteuid() != 0 {  // permissions do not bind root
            let readOnly = scratch.appendingPathComponent("read-only")
            try FileManager.default.createDirectory(at: readOnly, withIntermediateDirectories: true)
            XCTAssertEqual(chmod(readOnly.path, 0o555), 0)
            places[readOnly.path] = "Permission denied"
        }
        for (out, reason) in places {
            let result = try swdemucs(["run", input, "-n", broken.path, "-o", out])
            XCTAssertNotEqual(result.status, 0, out)
            let lines = result.standardError.split(separator: "\n")
            XCTAssertEqual(lines.count, 1, result.standardError)
            XCTAssertTrue(result.standardError.contains("cannot write into output folder"), result.standardError)
            XCTAssertTrue(result.standardError.contains(reason), "\(reason) missing from \(result.standardError)")
        }
    }

    func testMissingFoldersAreMadeAndExistingStemsReplacedAtomically() throws {
        let fresh = try track("in/fresh.wav")
        let again = try track("in/again.wav")
        let out = scratch.appendingPathComponent("not/yet/there")
        // An earlier result for `again`, hard-linked from elsewhere: replacing the stem must not write into it.
        let old = out.appendingPathComponent("tiny-htdemucs/again/vocals.wav")
        try FileManager.default.createDirectory(at: old.deletingLastPathComponent(), withIntermediateDirectories: true)
        let before = Data(HostileAudio.sine(frames: 10))
        try before.write(to: old)
        let link = scratch.appendingPathComponent("link-to-old-stem.wav")
        try FileManager.default.linkItem(at: old, to: link)

        let result = try swdemucs(["run", fresh, again, "-n", bundle, "-o", out.path, "--stems", "vocals",
                                   "--shifts", "0", "--quiet"])
        XCTAssertEqual(result.status, 0, result.standardError)
        XCTAssertEqual(files(under: out), ["tiny-htdemucs/fresh/vocals.wav", "tiny-htdemucs/again/vocals.wav"])
        XCTAssertEqual(try AudioFileReader(path: old.path).frames, 4410, "the old stem was replaced")
        XCTAssertEqual(try Data(contentsOf: link), before, "the old file itself was not written into")
    }

    func testInputsAreNeverWrittenOverWhateverThePaths() throws {
        let out = scratch.appendingPathComponent("sep")
        // The default layout puts `vocals.wav`'s vocals at sep/tiny-htdemucs/vocals/vocals.wav: that file itself.
        let itself = try track("sep/tiny-htdemucs/vocals/vocals.wav")
        // Another track's stems land on the same path.
        let other = try track("in/vocals.wav")
        // A stem path that is a symbolic link to an input.
        let linked = try track("in/linked.wav")
        let link = out.appendingPathComponent("tiny-htdemucs/linked/vocals.wav")
        try FileManager.default.createDirectory(at: link.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: linked)
        let inputs = [itself, other, linked]
        let before = try inputs.map { try Data(contentsOf: URL(fileURLWithPath: $0)) }

        let result = try swdemucs(["run"] + inputs + ["-n", bundle, "-o", out.path, "--stems", "vocals", "--quiet"])
        XCTAssertEqual(result.status, 1, result.standardError)
        let lines = result.standardError.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 3, result.standardError)
        XCTAssertTrue(lines.contains { $0.hasPrefix("swdemucs: \(itself):") && $0.contains("would overwrite the input") },
                      result.standardError)
        XCTAssertTrue(lines.contains { $0.hasPrefix("swdemucs: \(other):") && $0.contains("would overwrite another input") },
                      result.standardError)
        XCTAssertTrue(lines.contains { $0.hasPrefix("swdemucs: \(linked):") && $0.contains("would overwrite the input") },
                      result.standardError)
        XCTAssertEqual(try inputs.map { try Data(contentsOf: URL(fileURLWithPath: $0)) }, before)
    }

    /// The output folder on a file system too small for the spooled stems (a 128 kB tmpfs when this test may
    /// mount one, else a file-size limit that makes writes fail the same way): one line saying why, and no
    /// stem or temporary file left; a stem from an earlier run stays as it was.
    func testAFullDiskLeavesNoTruncatedStem() throws {
        let input = try track("in/song.wav")
        let out = scratch.appendingPathComponent("small")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let mounted = Process.runQuietly("/bin/mount", ["-t", "tmpfs", "-o", "size=128k", "tmpfs", out.path]) == 0
        defer { if mounted { _ = Process.runQuietly("/bin/umount", [out.path]) } }
        let earlier = out.appendingPathComponent("tiny-htdemucs/song/drums.wav")
        try FileManager.default.createDirectory(at: earlier.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("an earlier, complete result".utf8).write(to: earlier)

        let arguments = ["run", input, "-n", bundle, "-o", out.path, "--shifts", "0", "--float32", "--quiet"]
        let result: CommandResult
        if mounted {
            result = try swdemucs(arguments)
        } else {
            // 64 blocks of 512 bytes per file; SIGXFSZ ignored, so a write past it fails with EFBIG instead.
            let command = "ulimit -f 64; trap '' XFSZ; exec \"$0\" \"$@\""
            result = try Process.capture("/bin/sh", ["-c", command, productsDirectory.appendingPathComponent("swdemucs").path]
                                         + arguments)
        }
        XCTAssertEqual(result.status, 1, result.standardError)
        XCTAssertEqual(result.standardError.split(separator: "\n").count, 1, result.standardError)
        XCTAssertTrue(result.standardError.contains(mounted ? "No space left on device" : "File too large"),
                      result.standardError)
        XCTAssertEqual(files(under: out), ["tiny-htdemucs/song/drums.wav"])
        XCTAssertEqual(try String(contentsOf: earlier, encoding: .utf8), "an earlier, complete result")
    }

    func testCtrlCWhileTheModelLoadsStopsAtOnce() throws {
        let input = try track("in/song.wav")
        let out = scratch.appendingPathComponent("out")
        let run = try InterruptibleRun(["run", input, "-n", bundle, "-o", out.path, "--quiet"])
        try run.wait(for: "the output folder") {
            FileManager.default.fileExists(atPath: out.appendingPathComponent("tiny-htdemucs/song").path)
        }
        let (status, seconds, standardError) = try run.interrupt()
        XCTAssertEqual(status, 130, standardError)
        XCTAssertLessThan(seconds, 1, "stopped without waiting for the model")
        XCTAssertEqual(standardError, "swdemucs: interrupted; no partial files were left\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path), "the folders it made are gone")
    }

    func testCtrlCDuringAForwardPassStopsPromptlyAndRemovesPartialFiles() throws {
        let input = try track("in/long.wav", frames: 20 * 44100)
        let out = scratch.appendingPathComponent("out")
        let run = try InterruptibleRun(["run", input, "-n", bundle, "-o", out.path, "--quiet"])
        try run.waitForSeparationToStart(in: out)
        Thread.sleep(forTimeInterval: 1)  // the first pass over a 20 s track is long over: the model is running
        let (status, seconds, standardError) = try run.interrupt()
        XCTAssertEqual(status, 130, standardError)
        XCTAssertLessThan(seconds, 2, "stopped within two seconds")
        XCTAssertEqual(standardError, "swdemucs: interrupted; no partial files were left\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path), "nothing left in the output folder")
    }
}

extension Process {
    /// Runs `executable` with `arguments`, discarding its output; the exit status, or -1 if it cannot start.
    static func runQuietly(_ executable: String, _ arguments: [String]) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return -1 }
        process.waitUntilExit()
        return process.terminationStatus
    }
}
