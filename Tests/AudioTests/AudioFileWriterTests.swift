#if canImport(Glibc)
import Glibc
#endif
import Foundation
import XCTest
@testable import Audio

/// The writer's atomicity and its errors.
final class AudioFileWriterTests: XCTestCase {
    private let stereo: [[Float]] = [[0.1, 0.2, 0.3], [-0.1, -0.2, -0.3]]

    func testFinalNameAppearsOnlyAfterFinish() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("song.wav")
        let writer = try AudioFileWriter(path: path, sampleRate: 44100, channels: 2, format: .wav16)
        try writer.write(stereo)
        let during = try folder.contents()
        XCTAssertEqual(during.count, 1)
        XCTAssertTrue(during[0].hasPrefix(".song.wav.partial-"), during[0])
        try writer.finish()
        XCTAssertEqual(try folder.contents(), ["song.wav"])
        XCTAssertEqual(try AudioFileReader(path: path).frames, 3)
        XCTAssertThrowsError(try writer.write(stereo))
        XCTAssertThrowsError(try writer.finish())
    }

    func testFinishReplacesAnExistingFile() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("song.flac")
        try writeFile(path, [[0.5]], sampleRate: 44100, format: .flac16)
        try writeFile(path, stereo, sampleRate: 44100, format: .flac16)
        XCTAssertEqual(try AudioFileReader(path: path).channels, 2)
        XCTAssertEqual(try folder.contents(), ["song.flac"])
    }

    func testCancelAndDeinitLeaveNothing() throws {
        let folder = try TemporaryFolder()
        let writer = try AudioFileWriter(path: folder.file("a.wav"), sampleRate: 44100, channels: 2, format: .wav24)
        try writer.write(stereo)
        writer.cancel()
        writer.cancel()
        XCTAssertEqual(try folder.contents(), [])
        XCTAssertThrowsError(try writer.finish())
        do {
            let abandoned = try AudioFileWriter(path: folder.file("b.flac"), sampleRate: 44100, channels: 2, format: .flac24)
            try abandoned.write(stereo)
        }
        XCTAssertEqual(try folder.contents(), [])
    }

    func testMissingFolder() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("no/such/folder/out.wav")
        assertAudioError(try AudioFileWriter(path: path, sampleRate: 44100, channels: 2, format: .wav16),
                         path: path, reason: "No such file or directory")
    }

    func testParentIsAFile() throws {
        let folder = try TemporaryFolder()
        try writeFile(folder.file("file.wav"), stereo, sampleRate: 44100, format: .wav16)
        let path = folder.file("file.wav/out.wav")
        assertAudioError(try AudioFileWriter(path: path, sampleRate: 44100, channels: 2, format: .wav16),
                         path: path, reason: "is not a folder")
    }

    func testTargetIsAFolder() throws {
        let folder = try TemporaryFolder()
        assertAudioError(try AudioFileWriter(path: folder.path, sampleRate: 44100, channels: 2, format: .wav16),
                         path: folder.path, reason: "is a folder")
    }

    /// A folder the process may not write into: a read-only folder, or (for root, who may write
    /// anywhere else) sysfs, where no regular file can be created.
    func testUnwritableFolder() throws {
        let folder = try TemporaryFolder()
        let locked: String
        if geteuid() != 0 {
            locked = folder.file("locked")
            try FileManager.default.createDirectory(atPath: locked, withIntermediateDirectories: false,
                                                    attributes: [.posixPermissions: 0o555])
        } else {
            try XCTSkipUnless(FileManager.default.fileExists(atPath: "/sys/kernel"),
                              "running as root without sysfs: no folder to test that root cannot write into")
            locked = "/sys"
        }
        defer { chmod(locked, 0o755) }
        let path = locked + "/out.wav"
        assertAudioError(try AudioFileWriter(path: path, sampleRate: 44100, channels: 2, format: .wav16),
                         path: path, reason: "cannot create a file in folder \(locked)")
    }

    /// A full disk, simulated with a file size limit: the error names the path and nothing stays.
    func testWriteFailureLeavesNothing() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("big.wav")
        let writer = try AudioFileWriter(path: path, sampleRate: 44100, channels: 2, format: .wav16)
        let previousHandler = signal(SIGXFSZ, SIG_IGN)
        var previousLimit = rlimit()
        getrlimit(Int32(RLIMIT_FSIZE.rawValue), &previousLimit)
        var limit = previousLimit
        limit.rlim_cur = 64 * 1024
        setrlimit(Int32(RLIMIT_FSIZE.rawValue), &limit)
        defer {
            setrlimit(Int32(RLIMIT_FSIZE.rawValue), &previousLimit)
            signal(SIGXFSZ, previousHandler)
        }
        let second = [Float](repeating: 0.25, count: 44100)
        assertAudioError(try { for _ in 0..<4 { try writer.write([second, second]) } }(), path: path,
                         reason: "writing failed")
        XCTAssertEqual(try folder.contents(), [])
    }

    func testBadInputIsRefused() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("x.wav")
        let writer = try AudioFileWriter(path: path, sampleRate: 44100, channels: 2, format: .wavFloat32)
        assertAudioError(try writer.write([[0, 0]]), path: path, reason: "expected 2 channels")
        assertAudioError(try writer.write([[0, 0], [0]]), path: path, reason: "equal length")
        writer.cancel()
        assertAudioError(try AudioFileWriter(path: path, sampleRate: 0, channels: 2, format: .wav16),
                         path: path, reason: "sample rate")
        assertAudioError(try AudioFileWriter(path: path, sampleRate: 44100, channels: 3, format: .mp3(bitrateKbps: 320)),
                         path: path, reason: "cannot hold 3 channels")
        XCTAssertEqual(try folder.contents(), [])
    }
}
