import Demucs
import Foundation
import XCTest

/// The README's library example is this test target's `separateIntoStems`, word for word, and it runs.
final class ReadmeExampleTests: XCTestCase {
    private let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    func testReadmeShowsTheCompiledExample() throws {
        let source = try String(contentsOf: repository.appendingPathComponent("Tests/DemucsTests/ReadmeExample.swift"),
                                encoding: .utf8)
        let readme = try String(contentsOf: repository.appendingPathComponent("README.md"), encoding: .utf8)
        let example = try XCTUnwrap(source.components(separatedBy: "// README-EXAMPLE-BEGIN\n").last?
            .components(separatedBy: "// README-EXAMPLE-END").first)
        XCTAssertTrue(readme.contains(example), "README.md must quote Tests/DemucsTests/ReadmeExample.swift's example")
    }

    func testTheExampleSeparatesAFile() throws {
        let stems = try separateIntoStems(model: fixturesDirectory.appendingPathComponent("tiny-htdemucs").path,
                                          file: fixturesDirectory.appendingPathComponent("separation/short-mono/mix.wav").path)
        XCTAssertEqual(Set(stems.keys), ["drums", "bass", "other", "vocals"])
        XCTAssertEqual(stems["vocals"]?.count, 2)
        XCTAssertEqual(stems["vocals"]?[0].count, 26460)
    }
}
