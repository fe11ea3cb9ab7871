import Audio
import Demucs
import Engine
import Foundation
import XCTest

/// Whole-track separation with the tiny HT-Demucs against PyTorch demucs's own `apply_model` with
/// `separate.py`'s normalisation (`Tools/dump_separation_reference.py`): several segments with overlap,
/// seeded shifts, a mono track shorter than one segment.
final class SeparationFixtureTests: XCTestCase {
    private static let bundle = fixturesDirectory.appendingPathComponent("tiny-htdemucs").path

    private func assertMatchesDemucs(_ fixture: String, shifts: Int, seed: UInt64,
                                     file: StaticString = #filePath, line: UInt = #line) throws {
        let folder = fixturesDirectory.appendingPathComponent("separation/\(fixture)")
        let separator = try Separator(bundle: try ModelBundle(folder: Self.bundle))
        let mix = try AudioStream(path: folder.appendingPathComponent("mix.wav").path)
        let sink = BufferedStems()
        var reports = 0
        try separator.separate(mix, into: sink, options: SeparationOptions(shifts: shifts, seed: seed)) { _ in reports += 1 }
        let reference = try NumpyFile.read(folder.appendingPathComponent("stems.npy").path)
        let (stems, channels, frames) = (reference.shape[0], reference.shape[1], reference.shape[2])
        XCTAssertEqual(sink.stems.count, stems, file: file, line: line)
        XCTAssertGreaterThan(reports, 0, file: file, line: line)
        let expected = reference.floats()
        for s in 0..<stems {
            XCTAssertEqual(sink.stems[s].count, channels, file: file, line: line)
            let ours = sink.stems[s].flatMap { $0 }
            XCTAssertEqual(ours.count, channels * frames, "\(fixture) stem \(s) length", file: file, line: line)
            let (maxAbs, relativeL2) = drift(ours, Array(expected[(s * channels * frames)..<((s + 1) * channels * frames)]))
            XCTAssertLessThan(maxAbs, 1e-5, "\(fixture) stem \(s): max abs", file: file, line: line)
            XCTAssertLessThan(relativeL2, 1e-5, "\(fixture) stem \(s): relative L2", file: file, line: line)
        }
    }

    func testSeveralSegmentsWithoutShiftsMatchApplyModel() throws {
        try assertMatchesDemucs("shifts0", shifts: 0, seed: 0)
    }

    func testSeededShiftsMatchApplyModel() throws {
        try assertMatchesDemucs("shifts2-seed7", shifts: 2, seed: 7)
    }

    func testShortMonoTrackMatchesApplyModel() throws {
        try assertMatchesDemucs("short-mono", shifts: 1, seed: 3)
    }
}
