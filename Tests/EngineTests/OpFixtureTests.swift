import Engine
import Foundation
import XCTest

/// Runs every per-op fixture made by `Tools/make_op_fixtures.py`: each ONNX op case once at run time and once
/// folded at load (`*.folded`), against ONNX Runtime's outputs.
final class OpFixtureTests: XCTestCase {
    func testEveryOpFixtureMatchesTheReference() throws {
        let root = fixturesDirectory.appendingPathComponent("ops")
        let cases = try FileManager.default.contentsOfDirectory(atPath: root.path).sorted()
        XCTAssertGreaterThan(cases.count, 100, "op fixtures are missing; run Tools/make_op_fixtures.py")
        for name in cases {
            let folder = root.appendingPathComponent(name)
            do {
                let session = try Session(contentsOf: folder.appendingPathComponent("model.onnx").path)
                let inputs = try numberedArrays(folder, prefix: "input")
                let expected = try numberedArrays(folder, prefix: "output")
                if name.hasSuffix(".folded") {
                    XCTAssertTrue(session.inputs.isEmpty, "\(name): a folded case has no inputs")
                    XCTAssertEqual(session.statistics.plannedOps.values.reduce(0, +), 0, "\(name): nothing should run")
                }
                let outputs = try session.run(inputs)
                XCTAssertEqual(outputs.count, expected.count, name)
                for (index, (actual, reference)) in zip(outputs, expected).enumerated() {
                    assertClose(actual, reference, "\(name) output \(index)")
                }
            } catch {
                XCTFail("\(name): \(error)")
            }
        }
    }
}
