import Foundation
import Kernels
import XCTest

/// `vectorExp` against double-precision `exp` over its whole range (`vectorExp2Normal` against `exp2`), and the
/// kernels built on it.
final class VectorExpTests: XCTestCase {
    func testVectorExpIsWithinTwoUlpAcrossItsRange() {
        XCTAssertLessThanOrEqual(worstUlpError(vectorExp, from: -87), 2.0)
    }

    func testVectorExpNormalIsWithinTwoUlpAcrossTheNormalRange() {
        XCTAssertLessThanOrEqual(worstUlpError(vectorExpNormal, from: -87), 2.0)
    }

    func testVectorExpNormalFlushesToZeroBelowTheNormalRange() {
        for x: Float in [-87.01, -100, -1e30, -.infinity] {
            XCTAssertEqual(vectorExpNormal(FloatVector(repeating: x))[1], 0)
        }
        XCTAssertEqual(vectorExpNormal(FloatVector(repeating: -87))[0], vectorExp(FloatVector(repeating: -87))[0])
        XCTAssertTrue(vectorExpNormal(FloatVector(repeating: -87))[0].isNormal)
    }

    func testVectorExp2NormalIsWithinTwoUlpOfThePowerOfTwo() {
        XCTAssertLessThanOrEqual(worstUlpError(vectorExp2Normal, of: Foundation.exp2, from: -125, to: 127), 2.0)
    }

    func testVectorExp2NormalStopsAtTwoToTheMinus125() {
        for x: Float in [-125.01, -150, -1e30, -.infinity] {
            let value = vectorExp2Normal(FloatVector(repeating: x))[2]
            XCTAssertEqual(value, 0x1p-125)
        }
        XCTAssertEqual(vectorExp2Normal(FloatVector(repeating: 0))[0], 1)
        XCTAssertEqual(vectorExp2Normal(FloatVector(repeating: -3))[0], 0.125)
    }

    /// The largest error of `f` against double-precision `exact` (`exp` unless given), in ulp of the exact result,
    /// from `start` to `end`.
    private func worstUlpError(_ f: (FloatVector) -> FloatVector, of exact: (Double) -> Double = Foundation.exp,
                               from start: Float, to end: Float = 88.3) -> Double {
        var worst = 0.0
        var x = start
        while x < end {
            var v = FloatVector()
            for lane in 0..<vectorWidth { v[lane] = x + Float(lane) * 0.000_37 }
            let r = f(v)
            for lane in 0..<vectorWidth {
                let exact = exact(Double(v[lane]))
                let ulp = Double(Float(exact).ulp)
                worst = max(worst, abs(Double(r[lane]) - exact) / ulp)
            }
            x += 0.0131
        }
        return worst
    }

    func testVectorExpUnderflowsToZeroAndClampsAbove() {
        XCTAssertEqual(vectorExp(FloatVector(repeating: -200))[0], 0)
        XCTAssertEqual(vectorExp(FloatVector(repeating: -100))[0], expf(-100), accuracy: .leastNonzeroMagnitude)
        XCTAssertGreaterThan(vectorExp(FloatVector(repeating: 200))[3], 2e38)
        XCTAssertEqual(vectorExp(FloatVector(repeating: 0))[0], 1)
    }

    /// The sigmoid's exponential is taken in base 2 (`v · log₂ e` rounded): within 1e-7 of the exact value over
    /// −100 … 100, and within `|v| · 1.5e-7` relatively wherever it is a normal float (its tiny values for very
    /// negative `v`, which a GLU multiplies).
    func testSigmoidOverItsWholeRange() {
        let x = (0..<40_001).map { Float(-100 + Double($0) * 0.005) }
        var y = [Float](repeating: 0, count: x.count)
        sigmoid(x, &y, count: x.count)
        for i in x.indices {
            let v = Double(x[i]), exact = 1 / (1 + Foundation.exp(-v))
            XCTAssertEqual(Double(y[i]), exact, accuracy: 1e-7, "v = \(v)")
            if exact > 1e-37 {
                XCTAssertEqual(Double(y[i]), exact, accuracy: (1 + abs(v)) * 1.5e-7 * exact, "v = \(v)")
            }
        }
    }

    func testSigmoidAndExponentialKernelsCoverOddTails() {
        let count = 37
        let x = (0..<count).map { Float($0) * 0.7 - 12 }
        var y = [Float](repeating: 0, count: count), e = [Float](repeating: 0, count: count)
        sigmoid(x, &y, count: count)
        exponential(x, &e, count: count)
        for i in 0..<count {
            XCTAssertEqual(Double(y[i]), 1 / (1 + Foundation.exp(-Double(x[i]))), accuracy: 1e-7 * max(1, Double(y[i])))
            XCTAssertEqual(Double(e[i]), Foundation.exp(Double(x[i])), accuracy: 3e-7 * Foundation.exp(Double(x[i])))
        }
    }
}
