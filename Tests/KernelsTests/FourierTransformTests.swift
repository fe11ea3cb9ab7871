import XCTest
import Kernels

/// `FourierTransform` on one strided, windowed line against a float64 naive DFT, for every kind of transform at a
/// power-of-two length (the spectrograms' case), a Bluestein length (97) and odd / tiny ones, with lines shorter
/// and longer than the transform (zero-padding, truncation). Bound: 2e-6 × the largest magnitude.
final class FourierTransformTests: XCTestCase {
    func testEveryKindOfTransformMatchesNaiveDFT() {
        var rng = SplitMix64(seed: 21)
        for n in [1, 2, 9, 97, 512] {
            for (complexInput, inverse, onesided) in [(false, false, true), (false, false, false), (true, false, false),
                                                      (true, false, true), (true, true, false), (true, true, true),
                                                      (false, true, false)] {
                let transform = FourierTransform(length: n, complexInput: complexInput, inverse: inverse,
                                                 onesided: onesided)
                for available in Set([transform.inputCount, max(1, transform.inputCount - 3),
                                      transform.inputCount + 2]) {
                    let label = "n \(n) complex \(complexInput) inverse \(inverse) onesided \(onesided) line \(available)"
                    check(transform, available: available, windowed: !inverse, rng: &rng, label)
                }
            }
        }
    }

    /// Runs the transform on a line of `available` values stored 3 values apart and compares its output, written
    /// 2 values apart, with the naive DFT of the same line made explicit (windowed, padded or cut, Hermitian).
    private func check(_ transform: FourierTransform, available: Int, windowed: Bool, rng: inout SplitMix64,
                       _ label: String) {
        let n = transform.length, components = transform.inputComponents, stride = 3 * components
        let input = rng.floats(available * stride)
        let window = windowed ? rng.floats(available) : nil
        var re = [Float](repeating: 0, count: n), im = re
        for i in 0..<min(available, transform.inputCount) {
            let scale = window?[i] ?? 1
            re[i] = input[i * stride] * scale
            im[i] = components == 2 ? input[i * stride + 1] * scale : 0
        }
        if transform.inverse && transform.onesided {  // Hermitian completion, as numpy's irfft reads its input
            im[0] = 0
            if n % 2 == 0 { im[n / 2] = 0 }
            for k in 1..<((n + 1) / 2) { (re[n - k], im[n - k]) = (re[k], -im[k]) }
        }
        var (expectedRe, expectedIm) = naiveDFT(re, im, inverse: transform.inverse)
        if transform.inverse {
            expectedRe = expectedRe.map { $0 / Double(n) }
            expectedIm = expectedIm.map { $0 / Double(n) }
        }
        let outStride = 2 * transform.outputComponents
        var output = [Float](repeating: .nan, count: transform.outputCount * outStride)
        var scratch = [Float](repeating: .nan, count: transform.scratchCount)
        withOptionalPointer(window) { window in
            transform.transform(input, available: available, inputStride: stride, window: window, output: &output,
                                outputStride: outStride, scratch: &scratch)
        }
        let count = transform.outputCount
        let actualRe = (0..<count).map { output[$0 * outStride] }
        let actualIm = (0..<count).map { transform.outputComponents == 2 ? output[$0 * outStride + 1] : 0 }
        let error = maxError(actualRe, actualIm, Array(expectedRe[..<count]),
                             transform.outputComponents == 2 ? Array(expectedIm[..<count]) : Array(repeating: 0, count: count))
        XCTAssertLessThanOrEqual(error, 2e-6, label)
    }
}
