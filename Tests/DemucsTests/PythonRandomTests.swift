import Demucs
import XCTest

/// `PythonRandom` draws what CPython's `random` draws (values printed by Python 3.11).
final class PythonRandomTests: XCTestCase {
    func testRandintMatchesCPython() {
        let expected: [UInt64: [Int]] = [
            0: [12623, 13781, 1326, 8484, 16753],
            1: [4402, 18651, 2067, 8358, 3863],
            42: [20952, 3648, 819, 9012, 8024],
            1_099_511_627_781: [16527, 16938, 8801, 21751, 898],
        ]
        for (seed, values) in expected {
            var random = PythonRandom(seed: seed)
            XCTAssertEqual((0..<5).map { _ in random.randint(0, 22050) }, values, "seed \(seed)")
        }
    }

    func testGetrandbits32MatchesCPython() {
        var random = PythonRandom(seed: 0)
        for _ in 0..<5 { _ = random.randint(0, 22050) }
        XCTAssertEqual(random.next32(), 2_087_043_557)
    }
}
