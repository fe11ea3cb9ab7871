import Foundation
import XCTest

/// Every input the fuzzer kept (`Fuzz/corpus`) and every crash it once found (`Fuzz/findings`, fixed since) goes
/// through the fuzz target again, as the normal build's replay tool `ONNXFuzzer FILE...` runs it: each must give a
/// model or an error, never a crash. A regression fails here in CI rather than only in the next fuzzing run.
final class FuzzCorpusReplayTests: XCTestCase {
    private let fuzzDirectory = fixturesDirectory.deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz")

    private func files(in folder: String) throws -> [String] {
        let url = fuzzDirectory.appendingPathComponent(folder)
        return try FileManager.default.contentsOfDirectory(atPath: url.path).sorted().map { url.appendingPathComponent($0).path }
    }

    func testCorpusAndFindingsReplayWithoutACrash() throws {
        let inputs = try files(in: "corpus") + files(in: "findings")
        XCTAssertGreaterThan(inputs.count, 100, "the committed corpus is there")
        setenv("SWIFT_BACKTRACE", "enable=no", 1)
        defer { unsetenv("SWIFT_BACKTRACE") }
        let replay = productsDirectory.appendingPathComponent("ONNXFuzzer").path
        // In batches, so that a crash names a small set of files.
        for start in stride(from: 0, to: inputs.count, by: 50) {
            let batch = Array(inputs[start..<min(inputs.count, start + 50)])
            let result = try Process.capture(replay, batch)
            XCTAssertEqual(result.status, 0, "replaying \(batch.map { ($0 as NSString).lastPathComponent }): "
                           + result.standardError.suffix(500))
        }
    }
}
