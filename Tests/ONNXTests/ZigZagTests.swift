import XCTest
@testable import ONNX

/// ZigZag maps small magnitudes of either sign to small unsigned values, reversibly.
final class ZigZagTests: XCTestCase {
    func testKnownValues() {
        let pairs: [(Int64, UInt64)] = [(0, 0), (-1, 1), (1, 2), (-2, 3), (2, 4),
                                        (Int64(Int32.max), 4_294_967_294), (Int64(Int32.min), 4_294_967_295),
                                        (.max, .max - 1), (.min, .max)]
        for (signed, encoded) in pairs {
            XCTAssertEqual(ZigZag.encode(signed), encoded, "encode \(signed)")
            XCTAssertEqual(ZigZag.decode(encoded), signed, "decode \(encoded)")
        }
    }

    func testRoundTrip() {
        var generator = SplitMix64(state: 7)
        for _ in 0..<10_000 {
            let value = Int64(bitPattern: generator.next())
            XCTAssertEqual(ZigZag.decode(ZigZag.encode(value)), value)
        }
    }
}
