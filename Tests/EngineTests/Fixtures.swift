import Engine
import Foundation
import XCTest

/// Where the committed test fixtures live (`Tests/Fixtures`).
let fixturesDirectory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")

/// Asserts that two tensors have the same type and shape and elements within `tolerance`
/// (`|a − b| ≤ tolerance · (1 + |b|)` for floats, exact for integers and bools).
func assertClose(_ actual: Tensor, _ expected: Tensor, tolerance: Float = 1e-5, _ message: String,
                 file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(actual.shape, expected.shape, "\(message): shape", file: file, line: line)
    XCTAssertEqual(actual.dataType, expected.dataType, "\(message): type", file: file, line: line)
    guard actual.shape == expected.shape, actual.dataType == expected.dataType else { return }
    switch actual.dataType {
    case .float32:
        let a = actual.floats(), b = expected.floats()
        var worst = 0, worstError: Float = 0
        for i in a.indices {
            let error = abs(a[i] - b[i]) / (1 + abs(b[i]))
            if !(error <= worstError) { worst = i; worstError = error.isNaN ? .infinity : error }
        }
        XCTAssertLessThanOrEqual(worstError, tolerance,
                                 "\(message): element \(worst) is \(a.isEmpty ? 0 : a[worst]), expected \(b.isEmpty ? 0 : b[worst])",
                                 file: file, line: line)
    case .int64:
        XCTAssertEqual(actual.int64s(), expected.int64s(), message, file: file, line: line)
    case .bool:
        XCTAssertEqual(actual.bools(), expected.bools(), message, file: file, line: line)
    }
}

/// The `.npy` files `prefix0.npy`, `prefix1.npy`, … in `folder`, in order.
func numberedArrays(_ folder: URL, prefix: String) throws -> [Tensor] {
    var tensors: [Tensor] = []
    while true {
        let path = folder.appendingPathComponent("\(prefix)\(tensors.count).npy").path
        guard FileManager.default.fileExists(atPath: path) else { return tensors }
        tensors.append(try NumpyFile.read(path))
    }
}
