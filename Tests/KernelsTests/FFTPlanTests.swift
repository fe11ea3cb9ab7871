import Foundation
import XCTest
import Kernels

/// `FFTPlan` against a float64 naive DFT over lengths that exercise every pass (radix 4, 2, 3, 5, the single-pass
/// and in-place-last-pass cases) and Bluestein (prime and other non-smooth lengths); plus round trip, linearity,
/// Parseval, caller-provided scratch and concurrent use. Bound: max error ≤ 1e-6 × the spectrum's largest magnitude
/// (Bluestein 2e-6); measured about 1.5e-7 at 2048 and 4096, 3e-7 for Bluestein lengths.
final class FFTPlanTests: XCTestCase {
    func testMatchesNaiveDFT() {
        var rng = SplitMix64(seed: 1)
        for n in [1, 2, 3, 4, 5, 6, 8, 12, 15, 16, 32, 60, 64, 120, 1000, 2048, 4096] {
            for inverse in [false, true] {
                checkAgainstNaive(n, inverse: inverse, tolerance: 1e-6, rng: &rng)
            }
        }
    }

    func testBluesteinMatchesNaiveDFT() {
        var rng = SplitMix64(seed: 2)
        for n in [7, 14, 97, 143, 1009] {
            for inverse in [false, true] {
                checkAgainstNaive(n, inverse: inverse, tolerance: 2e-6, rng: &rng)
            }
        }
    }

    func testRoundTripScalesByLength() {
        var rng = SplitMix64(seed: 3)
        for n in [1, 60, 97, 4096] {
            let plan = FFTPlan(length: n)
            let re = rng.floats(n), im = rng.floats(n)
            var (yr, yi) = (re, im)
            Self.run(plan, &yr, &yi, inverse: false)
            Self.run(plan, &yr, &yi, inverse: true)
            let scale = Float(n)
            XCTAssertLessThan(maxError(yr, yi, re.map { Double($0 * scale) }, im.map { Double($0 * scale) }),
                              1e-6, "n = \(n)")
        }
    }

    func testLinearity() {
        var rng = SplitMix64(seed: 4)
        let n = 360, plan = FFTPlan(length: n)
        let (xr, xi, yr, yi) = (rng.floats(n), rng.floats(n), rng.floats(n), rng.floats(n))
        let (a, b): (Float, Float) = (0.75, -2.5)
        var (sr, si) = (zip(xr, yr).map { a * $0 + b * $1 }, zip(xi, yi).map { a * $0 + b * $1 })
        var (fxr, fxi, fyr, fyi) = (xr, xi, yr, yi)
        Self.run(plan, &sr, &si, inverse: false)
        Self.run(plan, &fxr, &fxi, inverse: false)
        Self.run(plan, &fyr, &fyi, inverse: false)
        let expectedRe = (0..<n).map { Double(a) * Double(fxr[$0]) + Double(b) * Double(fyr[$0]) }
        let expectedIm = (0..<n).map { Double(a) * Double(fxi[$0]) + Double(b) * Double(fyi[$0]) }
        XCTAssertLessThan(maxError(sr, si, expectedRe, expectedIm), 1e-6)
    }

    func testParseval() {
        var rng = SplitMix64(seed: 5)
        for n in [4096, 97] {
            let plan = FFTPlan(length: n)
            var (re, im) = (rng.floats(n), rng.floats(n))
            let energy = zip(re, im).reduce(0.0) { $0 + Double($1.0 * $1.0) + Double($1.1 * $1.1) }
            Self.run(plan, &re, &im, inverse: false)
            let spectral = zip(re, im).reduce(0.0) { $0 + Double($1.0 * $1.0) + Double($1.1 * $1.1) }
            XCTAssertEqual(spectral / Double(n), energy, accuracy: 1e-5 * energy, "n = \(n)")
        }
    }

    /// Caller scratch gives the same result as per-call scratch, and is not read before it is written.
    func testProvidedScratch() {
        var rng = SplitMix64(seed: 6)
        for n in [4096, 60, 97] {
            let plan = FFTPlan(length: n)
            let re = rng.floats(n), im = rng.floats(n)
            var (ar, ai) = (re, im)
            Self.run(plan, &ar, &ai, inverse: false)
            var scratch = [Float](repeating: .nan, count: plan.scratchCount)
            var (br, bi) = (re, im)
            scratch.withUnsafeMutableBufferPointer { s in
                Self.run(plan, &br, &bi, inverse: false, scratch: s.baseAddress)
            }
            XCTAssertEqual(ar, br, "n = \(n)")
            XCTAssertEqual(ai, bi, "n = \(n)")
        }
    }

    /// One plan shared by several threads, each with its own (per-call) scratch, gives the serial result.
    func testConcurrentUse() {
        var rng = SplitMix64(seed: 7)
        let n = 2048, plan = FFTPlan(length: n)
        let re = rng.floats(n), im = rng.floats(n)
        var expected = (re: re, im: im)
        Self.run(plan, &expected.re, &expected.im, inverse: false)
        let results = Results()
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            var (r, i) = (re, im)
            Self.run(plan, &r, &i, inverse: false)
            results.append((r, i))
        }
        XCTAssertEqual(results.values.count, 4)
        for result in results.values {
            XCTAssertTrue(result.re == expected.re && result.im == expected.im)
        }
    }

    /// Values appended from several threads.
    private final class Results: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var values: [(re: [Float], im: [Float])] = []

        func append(_ value: (re: [Float], im: [Float])) {
            lock.lock()
            values.append(value)
            lock.unlock()
        }
    }

    private func checkAgainstNaive(_ n: Int, inverse: Bool, tolerance: Double, rng: inout SplitMix64,
                                   file: StaticString = #filePath, line: UInt = #line) {
        var re = rng.floats(n), im = rng.floats(n)
        let expected = naiveDFT(re, im, inverse: inverse)
        Self.run(FFTPlan(length: n), &re, &im, inverse: inverse)
        let error = maxError(re, im, expected.re, expected.im)
        XCTAssertLessThanOrEqual(error, tolerance, "n = \(n), inverse = \(inverse)", file: file, line: line)
    }

    private static func run(_ plan: FFTPlan, _ re: inout [Float], _ im: inout [Float], inverse: Bool,
                            scratch: UnsafeMutablePointer<Float>? = nil) {
        re.withUnsafeMutableBufferPointer { r in
            im.withUnsafeMutableBufferPointer { i in
                plan.transform(real: r.baseAddress!, imag: i.baseAddress!, inverse: inverse, scratch: scratch)
            }
        }
    }
}

/// The DFT of `re + i·im` in float64: `X_k = Σ_n x_n e^{∓2πi kn / N}` (`+` when `inverse`, unscaled).
func naiveDFT(_ re: [Float], _ im: [Float], inverse: Bool) -> (re: [Double], im: [Double]) {
    let n = re.count
    let sign = inverse ? 1.0 : -1.0
    let cosines = (0..<n).map { cos(2 * Double.pi * Double($0) / Double(n)) }
    let sines = (0..<n).map { sign * sin(2 * Double.pi * Double($0) / Double(n)) }
    var outRe = [Double](repeating: 0, count: n), outIm = outRe
    cosines.withUnsafeBufferPointer { c in
        sines.withUnsafeBufferPointer { s in
            re.withUnsafeBufferPointer { xr in
                im.withUnsafeBufferPointer { xi in
                    for k in 0..<n {
                        var sumRe = 0.0, sumIm = 0.0, index = 0
                        for t in 0..<n {
                            let a = Double(xr[t]), b = Double(xi[t])
                            sumRe += a * c[index] - b * s[index]
                            sumIm += a * s[index] + b * c[index]
                            index += k
                            if index >= n { index -= n }
                        }
                        outRe[k] = sumRe
                        outIm[k] = sumIm
                    }
                }
            }
        }
    }
    return (outRe, outIm)
}

/// `max_k |actual_k − expected_k| / max_k |expected_k|` over complex values.
func maxError(_ re: [Float], _ im: [Float], _ expectedRe: [Double], _ expectedIm: [Double]) -> Double {
    var error = 0.0, magnitude = 0.0
    for k in re.indices {
        error = max(error, hypot(Double(re[k]) - expectedRe[k], Double(im[k]) - expectedIm[k]))
        magnitude = max(magnitude, hypot(expectedRe[k], expectedIm[k]))
    }
    return magnitude > 0 ? error / magnitude : error
}
