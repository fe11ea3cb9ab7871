import XCTest
import Kernels

/// `softmax` against a float64 reference: along a middle axis, along long and length-1 axes, in place, and on
/// magnitudes where exponentiating without subtracting the maximum would overflow. Bound: 1e-5 relative per element.
final class SoftmaxTests: XCTestCase {
    private func reference(_ x: [Float], outer: Int, length: Int, inner: Int) -> [Double] {
        var y = [Double](repeating: 0, count: x.count)
        for o in 0..<outer {
            for i in 0..<inner {
                let slice = (0..<length).map { o * length * inner + $0 * inner + i }
                let maximum = slice.map { Double(x[$0]) }.max()!
                let sum = slice.reduce(0.0) { $0 + exp(Double(x[$1]) - maximum) }
                for j in slice { y[j] = exp(Double(x[j]) - maximum) / sum }
            }
        }
        return y
    }

    private func check(_ x: [Float], outer: Int, length: Int, inner: Int, inPlace: Bool = false,
                       file: StaticString = #filePath, line: UInt = #line) {
        let y = apply(x, inPlace: inPlace) { softmax($0, $1, outer: outer, length: length, inner: inner) }
        assertClose(y, reference(x, outer: outer, length: length, inner: inner), relative: 1e-5,
                    file: file, line: line)
    }

    func testMiddleAxis() {
        var rng = SplitMix64(seed: 1)
        check(rng.floats(3 * 7 * 5, in: -4...4), outer: 3, length: 7, inner: 5)
    }

    func testLongAndUnitAxes() {
        var rng = SplitMix64(seed: 2)
        check(rng.floats(257, in: -3...3), outer: 1, length: 257, inner: 1)
        check(rng.floats(2 * 11, in: -3...3), outer: 2, length: 1, inner: 11)
    }

    func testInPlace() {
        var rng = SplitMix64(seed: 3)
        check(rng.floats(4 * 3 * 2, in: -2...2), outer: 4, length: 3, inner: 2, inPlace: true)
    }

    /// Slices centred on ±30,000 with a spread of ±20, and one of ±1e30 whose maximum alone survives.
    func testLargeMagnitudes() {
        var rng = SplitMix64(seed: 4)
        let shifted = rng.floats(2 * 13 * 3, in: -20...20).enumerated().map { i, v in
            v + (i / 39 == 0 ? 30_000 : -30_000)
        }
        check(shifted, outer: 2, length: 13, inner: 3)
        check(rng.floats(9, in: -1e30...1e30), outer: 1, length: 9, inner: 1)
    }
}
