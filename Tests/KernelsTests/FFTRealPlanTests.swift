import XCTest
import Kernels

/// `RealFFTPlan` against a float64 naive DFT and against `FFTPlan` on the same data, for even lengths (whose half
/// is a Stockham, Bluestein or single-point plan) and odd ones; the inverse against a naive Hermitian inverse,
/// round trips, and the ignored imaginary parts of bins 0 and N/2. Bound: 1e-6 × the largest magnitude
/// (Bluestein halves 2e-6).
final class FFTRealPlanTests: XCTestCase {
    private let lengths = [1, 2, 3, 4, 5, 6, 8, 10, 12, 60, 97, 98, 1000, 4096]

    private func tolerance(_ n: Int) -> Double { [97, 98].contains(n) ? 2e-6 : 1e-6 }

    func testForwardMatchesNaiveAndComplexFFT() {
        var rng = SplitMix64(seed: 11)
        for n in lengths {
            let plan = RealFFTPlan(length: n)
            let x = rng.floats(n)
            let (re, im) = forward(plan, x)
            XCTAssertEqual(re.count, n / 2 + 1)
            XCTAssertEqual(im[0], 0, "n = \(n)")
            if n % 2 == 0 { XCTAssertEqual(im[n / 2], 0, "n = \(n)") }

            let naive = naiveDFT(x, [Float](repeating: 0, count: n), inverse: false)
            XCTAssertLessThanOrEqual(maxError(re, im, Array(naive.re[...(n / 2)]), Array(naive.im[...(n / 2)])),
                                     tolerance(n), "n = \(n)")

            var cr = x, ci = [Float](repeating: 0, count: n)
            cr.withUnsafeMutableBufferPointer { r in
                ci.withUnsafeMutableBufferPointer { i in
                    FFTPlan(length: n).transform(real: r.baseAddress!, imag: i.baseAddress!, inverse: false)
                }
            }
            XCTAssertLessThanOrEqual(maxError(re, im, cr[...(n / 2)].map(Double.init), ci[...(n / 2)].map(Double.init)),
                                     tolerance(n), "n = \(n)")
        }
    }

    func testInverseMatchesNaiveHermitianInverse() {
        var rng = SplitMix64(seed: 12)
        for n in lengths {
            let plan = RealFFTPlan(length: n)
            let bins = plan.binCount
            let re = rng.floats(bins)
            var im = rng.floats(bins)
            im[0] = 0
            if n % 2 == 0 { im[bins - 1] = 0 }
            let full = hermitian(re, im, length: n)
            let expected = naiveDFT(full.re, full.im, inverse: true).re
            let x = inverse(plan, re, im)
            XCTAssertLessThanOrEqual(maxRealError(x, expected), tolerance(n), "n = \(n)")
        }
    }

    func testRoundTripScalesByLength() {
        var rng = SplitMix64(seed: 13)
        for n in [1, 2, 97, 98, 4096] {
            let plan = RealFFTPlan(length: n)
            let x = rng.floats(n)
            let (re, im) = forward(plan, x)
            let y = inverse(plan, re, im)
            let expected = x.map { Double($0) * Double(n) }
            XCTAssertLessThanOrEqual(maxRealError(y, expected), tolerance(n), "n = \(n)")
        }
    }

    /// As numpy's `irfft`: the imaginary parts of bin 0 and (even N) bin N/2 do not change the output.
    func testInverseIgnoresImaginaryPartsOfRealBins() {
        var rng = SplitMix64(seed: 14)
        for n in [8, 9, 4096] {
            let plan = RealFFTPlan(length: n)
            let re = rng.floats(plan.binCount)
            var im = rng.floats(plan.binCount)
            im[0] = 0
            if n % 2 == 0 { im[plan.binCount - 1] = 0 }
            let clean = inverse(plan, re, im)
            im[0] = 5
            if n % 2 == 0 { im[plan.binCount - 1] = -7 }
            XCTAssertEqual(inverse(plan, re, im), clean, "n = \(n)")
        }
    }

    func testProvidedScratch() {
        var rng = SplitMix64(seed: 15)
        for n in [4096, 97] {
            let plan = RealFFTPlan(length: n)
            let x = rng.floats(n)
            var scratch = [Float](repeating: .nan, count: plan.scratchCount)
            let (re, im) = forward(plan, x)
            let (sr, si) = scratch.withUnsafeMutableBufferPointer { forward(plan, x, scratch: $0.baseAddress) }
            XCTAssertEqual(re, sr)
            XCTAssertEqual(im, si)
            let y = scratch.withUnsafeMutableBufferPointer { inverse(plan, re, im, scratch: $0.baseAddress) }
            XCTAssertEqual(y, inverse(plan, re, im))
        }
    }

    /// `forwardLanes` / `inverseLanes`: every lane against `forward` / `inverse` of its line alone, for even lengths
    /// whose half runs radix-4, 2, 3 and 5 passes (or none); the lengths they do not take say so.
    func testLanesMatchOneLineAtATime() {
        var rng = SplitMix64(seed: 14)
        XCTAssertFalse(RealFFTPlan(length: 97).runsInLanes)
        XCTAssertFalse(RealFFTPlan(length: 98).runsInLanes)  // half 49 = 7 · 7: Bluestein
        let vw = vectorWidth
        for n in [2, 4, 6, 8, 10, 12, 60, 1000, 4096] {
            let plan = RealFFTPlan(length: n), bins = plan.binCount
            XCTAssertTrue(plan.runsInLanes, "n = \(n)")
            var data = [Float](repeating: .nan, count: (n + 2) * vw)
            var scratch = [Float](repeating: .nan, count: plan.laneScratchCount)

            let lines = (0..<vw).map { _ in rng.floats(n) }
            for (l, line) in lines.enumerated() { for (t, x) in line.enumerated() { data[t * vw + l] = x } }
            plan.forwardLanes(&data, scratch: &scratch)
            for (l, line) in lines.enumerated() {
                let (re, im) = forward(plan, line)
                let bound = 1e-6 * Double((re + im).map(abs).max()!)
                for k in 0..<bins {
                    XCTAssertEqual(Double(data[2 * k * vw + l]), Double(re[k]), accuracy: bound,
                                   "n \(n) lane \(l) re \(k)")
                    XCTAssertEqual(Double(data[(2 * k + 1) * vw + l]), Double(im[k]), accuracy: bound,
                                   "n \(n) lane \(l) im \(k)")
                }
            }

            let spectra = (0..<vw).map { _ in (re: rng.floats(bins), im: rng.floats(bins)) }
            for (l, spectrum) in spectra.enumerated() {
                for k in 0..<bins {
                    (data[2 * k * vw + l], data[(2 * k + 1) * vw + l]) = (spectrum.re[k], spectrum.im[k])
                }
            }
            plan.inverseLanes(&data, scratch: &scratch)
            for (l, spectrum) in spectra.enumerated() {
                let expected = inverse(plan, spectrum.re, spectrum.im)
                let bound = 1e-6 * Double(expected.map(abs).max()!)
                for t in 0..<n {
                    XCTAssertEqual(Double(data[t * vw + l]), Double(expected[t]), accuracy: bound,
                                   "n \(n) lane \(l) t \(t)")
                }
            }
        }
    }

    private func forward(_ plan: RealFFTPlan, _ x: [Float], scratch: UnsafeMutablePointer<Float>? = nil)
        -> (re: [Float], im: [Float]) {
        var re = [Float](repeating: .nan, count: plan.binCount), im = re
        re.withUnsafeMutableBufferPointer { r in
            im.withUnsafeMutableBufferPointer { i in
                plan.forward(x, real: r.baseAddress!, imag: i.baseAddress!, scratch: scratch)
            }
        }
        return (re, im)
    }

    private func inverse(_ plan: RealFFTPlan, _ re: [Float], _ im: [Float],
                         scratch: UnsafeMutablePointer<Float>? = nil) -> [Float] {
        var x = [Float](repeating: .nan, count: plan.length)
        x.withUnsafeMutableBufferPointer { plan.inverse(real: re, imag: im, output: $0.baseAddress!, scratch: scratch) }
        return x
    }

    private func maxRealError(_ actual: [Float], _ expected: [Double]) -> Double {
        let n = actual.count
        return maxError(actual, [Float](repeating: 0, count: n), expected, [Double](repeating: 0, count: n))
    }

    /// The full spectrum of a real signal from its half: `X_{N−k} = conj(X_k)`.
    private func hermitian(_ re: [Float], _ im: [Float], length n: Int) -> (re: [Float], im: [Float]) {
        var fullRe = [Float](repeating: 0, count: n), fullIm = fullRe
        for k in 0..<n {
            let mirrored = k >= re.count
            fullRe[k] = mirrored ? re[n - k] : re[k]
            fullIm[k] = mirrored ? -im[n - k] : im[k]
        }
        return (fullRe, fullIm)
    }
}
