import XCTest
import Kernels

/// `layerNorm` and `instanceNorm` against float64 references: odd sizes, batch > 1, without `beta`, in place,
/// single-element rows, and means far larger than the spread. Bound: 1e-5 × (|γ|·(1 + |x − mean| / σ) + |β|) per
/// element, i.e. relative to a unit-sized normalised value.
final class NormalizationTests: XCTestCase {
    /// Normalises each run of `count` consecutive values of `x`; `scale`/`shift` give γ and β for element `i`.
    private func reference(_ x: [Float], count: Int, epsilon: Float, scale: (Int) -> Float, shift: (Int) -> Float)
        -> (value: [Double], bound: [Double]) {
        var value = [Double](repeating: 0, count: x.count), bound = value
        for start in stride(from: 0, to: x.count, by: count) {
            let run = (start..<(start + count)).map { Double(x[$0]) }
            let mean = run.reduce(0, +) / Double(count)
            let variance = run.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(count)
            let invStd = 1 / (variance + Double(epsilon)).squareRoot()
            for (offset, v) in run.enumerated() {
                let i = start + offset
                let gamma = Double(scale(i)), beta = Double(shift(i))
                value[i] = (v - mean) * invStd * gamma + beta
                bound[i] = abs(gamma) * (1 + abs(v - mean) * invStd) + abs(beta)
            }
        }
        return (value, bound)
    }

    private func checkLayerNorm(rows: Int, cols: Int, center: Double, spread: Double, withBeta: Bool,
                                inPlace: Bool = false, seed: UInt64,
                                file: StaticString = #filePath, line: UInt = #line) {
        var rng = SplitMix64(seed: seed)
        let x = rng.floats(rows * cols, in: (center - spread)...(center + spread))
        let gamma = rng.floats(cols, in: -2...2), beta = rng.floats(cols)
        let y = apply(x, inPlace: inPlace) { source, destination in
            withOptionalPointer(withBeta ? beta : nil) {
                layerNorm(source, destination, rows: rows, cols: cols, gamma: gamma, beta: $0, epsilon: 1e-5)
            }
        }
        let expected = reference(x, count: cols, epsilon: 1e-5, scale: { gamma[$0 % cols] },
                                 shift: { withBeta ? beta[$0 % cols] : 0 })
        assertClose(y, expected.value, scale: expected.bound, tolerance: 1e-5, file: file, line: line)
    }

    private func checkInstanceNorm(batch: Int, channels: Int, spatial: Int, center: Double, spread: Double,
                                   inPlace: Bool = false, seed: UInt64,
                                   file: StaticString = #filePath, line: UInt = #line) {
        var rng = SplitMix64(seed: seed)
        let x = rng.floats(batch * channels * spatial, in: (center - spread)...(center + spread))
        let scale = rng.floats(channels, in: -2...2), bias = rng.floats(channels)
        let y = apply(x, inPlace: inPlace) {
            instanceNorm($0, $1, batch: batch, channels: channels, spatial: spatial, scale: scale, bias: bias,
                         epsilon: 1e-5)
        }
        let expected = reference(x, count: spatial, epsilon: 1e-5, scale: { scale[($0 / spatial) % channels] },
                                 shift: { bias[($0 / spatial) % channels] })
        assertClose(y, expected.value, scale: expected.bound, tolerance: 1e-5, file: file, line: line)
    }

    func testLayerNormOddSizes() {
        checkLayerNorm(rows: 5, cols: 37, center: 0.3, spread: 2, withBeta: true, seed: 1)
        checkLayerNorm(rows: 3, cols: 1, center: 0, spread: 1, withBeta: true, seed: 2)
        checkLayerNorm(rows: 1, cols: 513, center: -1, spread: 0.5, withBeta: false, seed: 3)
    }

    func testLayerNormInPlace() {
        checkLayerNorm(rows: 7, cols: 11, center: 0, spread: 3, withBeta: true, inPlace: true, seed: 4)
    }

    /// Values 10,000 ± 1: the digits the mean occupies must not cost the normalised result its precision.
    func testLayerNormLargeMean() {
        checkLayerNorm(rows: 4, cols: 29, center: 1e4, spread: 1, withBeta: true, seed: 5)
    }

    func testInstanceNormOddSizes() {
        checkInstanceNorm(batch: 2, channels: 3, spatial: 101, center: 0.5, spread: 2, seed: 6)
        checkInstanceNorm(batch: 3, channels: 1, spatial: 1, center: 0, spread: 1, seed: 7)
    }

    func testInstanceNormInPlace() {
        checkInstanceNorm(batch: 1, channels: 5, spatial: 17, center: 0, spread: 1, inPlace: true, seed: 8)
    }

    /// Values 10,000 ± 1: the digits the mean occupies must not cost the normalised result its precision.
    func testInstanceNormLargeMean() {
        checkInstanceNorm(batch: 2, channels: 2, spatial: 31, center: 1e4, spread: 1, seed: 9)
    }
}
