import Foundation
import Kernels
import XCTest

/// The fused kernels against the unfused float64 formulas they replace.
final class FusedActivationTests: XCTestCase {
    private func signal(_ count: Int, _ seed: Double, scale: Double = 3) -> [Float] {
        (0..<count).map { Float(sin(Double($0) * seed) * scale + cos(Double($0) * 0.013)) }
    }

    func testGELUMatchesTheExactFormula() {
        let x = signal(70_001, 0.731)
        var y = [Float](repeating: 0, count: x.count)
        gelu(x, &y, count: x.count)
        for i in x.indices {
            let v = Double(x[i])
            XCTAssertEqual(Double(y[i]), v * 0.5 * (1 + erf(v / 2.0.squareRoot())), accuracy: 1e-6 * max(1, abs(v)))
        }
    }

    /// Over −13 … 13 the GELU is within 2.5e-7 · max(1, |x|) of the exact value (`vectorOnePlusErf`'s absolute
    /// error, below 3.9e-7, times |x| / 2), never of the wrong sign, and exactly 0 where `x / √2 ≤ −3.9`.
    func testGELUAbsoluteErrorSignAndSaturation() {
        let x = (0..<20_000).map { Float(-13 + Double($0) * 0.0013) }  // −13 ... 13
        var y = [Float](repeating: 0, count: x.count)
        gelu(x, &y, count: x.count)
        for i in x.indices {
            let v = Double(x[i]), exact = v * 0.5 * erfc(-v / 2.0.squareRoot())
            XCTAssertEqual(Double(y[i]), exact, accuracy: 2.5e-7 * max(1, abs(v)), "x = \(v)")
            XCTAssertFalse(y[i] != 0 && (y[i] < 0) != (v < 0), "x = \(v): \(y[i])")
            if Float(v * 0.707_106_77) <= -3.9 { XCTAssertEqual(y[i], 0, "x = \(v)") }
        }
        var special: [Float] = [.nan, .infinity, -.infinity, 0, -0.0]
        gelu(special, &special, count: special.count)
        XCTAssertTrue(special[0].isNaN)
        XCTAssertEqual(special[1], .infinity)
        XCTAssertTrue(special[2].isNaN, "−∞ · 0, as the exported formula gives")
        XCTAssertEqual(Array(special[3...]), [0, 0])
    }

    /// `gelu(_:plus:)` is the GELU then the sum, bit for bit: over the cores (70,001 values, a tail short of a
    /// vector), and written over its residual operand.
    func testGELUPlusResidualIsTheGELUThenTheSum() {
        let x = signal(70_001, 0.731), r = signal(70_001, 0.377, scale: 0.5)
        var gelus = [Float](repeating: 0, count: x.count), y = gelus
        gelu(x, &gelus, count: x.count)
        gelu(x, plus: r, &y, count: x.count)
        XCTAssertEqual(y, zip(gelus, r).map { $0 + $1 })
        var inPlace = r
        inPlace.withUnsafeMutableBufferPointer { gelu(x, plus: $0.baseAddress!, $0.baseAddress!, count: x.count) }
        XCTAssertEqual(inPlace, y)
    }

    /// `projectedGLU` against the projection and GLU in float64: a batch handed out item by item, single items
    /// whose spans are handed out, a partial last register block, and depths from 1 to a span's worth of rows.
    func testProjectedGLUMatchesTheProjectionThenGLU() {
        for (batch, inChannels, channels, spatial) in [(5, 7, 10, 339), (1, 48, 96, 5_000), (2, 1, 2, 64),
                                                       (1, 384, 14, 97)] {
            let x = signal(batch * inChannels * spatial, 0.419), weight = signal(channels * inChannels, 0.733, scale: 0.2)
            let bias = signal(channels, 0.29), half = channels / 2
            var y = [Float](repeating: .nan, count: batch * half * spatial)
            var scratch = [Float](repeating: .nan, count: projectedGLUScratchCount(inChannels: inChannels))
            projectedGLU(x, weight: weight, bias: bias, &y, batch: batch, inChannels: inChannels, channels: channels,
                         spatial: spatial, scratch: &scratch)
            func projection(_ n: Int, _ c: Int, _ i: Int) -> (value: Double, magnitude: Double) {
                (0..<inChannels).reduce((Double(bias[c]), abs(Double(bias[c])))) { sum, k in
                    let term = Double(weight[c * inChannels + k]) * Double(x[(n * inChannels + k) * spatial + i])
                    return (sum.value + term, sum.magnitude + abs(term))
                }
            }
            for n in 0..<batch {
                for c in 0..<half {
                    for i in 0..<spatial {
                        let (a, aSize) = projection(n, c, i), (b, bSize) = projection(n, half + c, i)
                        let expected = a / (1 + exp(-b))
                        XCTAssertEqual(Double(y[(n * half + c) * spatial + i]), expected,
                                       accuracy: 1e-6 * (aSize + abs(a) * bSize) + 1e-6,
                                       "batch \(batch), \(inChannels) → \(channels), item \(n) channel \(c) position \(i)")
                    }
                }
            }
        }
    }

    func testGLUMultipliesTheFirstHalfByTheSigmoidOfTheSecond() {
        let outer = 3, half = 5, inner = 7_001
        let x = signal(outer * 2 * half * inner, 0.377)
        var y = [Float](repeating: 0, count: outer * half * inner)
        glu(x, &y, outer: outer, half: half, inner: inner)
        for o in 0..<outer {
            for c in 0..<half {
                for i in stride(from: 0, to: inner, by: 37) {
                    let a = Double(x[(o * 2 * half + c) * inner + i]), b = Double(x[(o * 2 * half + half + c) * inner + i])
                    XCTAssertEqual(Double(y[(o * half + c) * inner + i]), a / (1 + exp(-b)), accuracy: 1e-6 * max(1, abs(a)))
                }
            }
        }
    }

    /// Small batch items (handed out whole, a share per core) and large ones (statistics and channels split over
    /// the cores), both with a mean large next to the spread, without and with the activation that can follow,
    /// and without and with a scaled residual added. With 3 groups of 2 channels GLU's gate channels come from
    /// other groups than the values they gate.
    func testGroupNormMatchesPerGroupStatisticsWithALargeMean() {
        for activation in [GroupNormActivation.identity, .gelu, .glu] {
            for residual in [false, true] {
                checkGroupNorm(batch: 3, channels: 6, spatial: 3_001, groups: 3, activation, residual: residual)
                checkGroupNorm(batch: 2, channels: 4, spatial: 40_003, groups: 2, activation, residual: residual)
            }
        }
    }

    /// The same with the normalised values computed from a pointwise projection of `inChannels` channels
    /// (`projectedGroupNorm`, statistics from the input's covariance): items handed out whole, or their statistics
    /// gathered over shares of their positions and their spans handed out; channel means around 1,000 that differ
    /// from channel to channel; groups' variances summed per channel (2 channels a group from 5 rows) and through
    /// Gram matrices (3 from 3, 64 from 4, 96 from 48).
    func testProjectedGroupNormMatchesTheProjectionThenGroupNorm() {
        for activation in [GroupNormActivation.identity, .gelu, .glu] {
            for residual in [false, true] {
                checkGroupNorm(batch: 3, channels: 6, spatial: 3_001, groups: 3, activation, residual: residual,
                               projectedFrom: 5)
                checkGroupNorm(batch: 2, channels: 6, spatial: 50_003, groups: 2, activation, residual: residual,
                               projectedFrom: 3)
            }
        }
        checkGroupNorm(batch: 4, channels: 64, spatial: 4_500, groups: 1, .glu, residual: true, projectedFrom: 4)
        // A residual branch's deepest shape: 48 input rows, items of a partial register block's worth of positions.
        checkGroupNorm(batch: 5, channels: 96, spatial: 339, groups: 1, .glu, residual: true, projectedFrom: 48)
        // Empty items write nothing and read nothing.
        var none: [Float] = [], scratch: [Float] = []
        projectedGroupNorm([], weight: [1, 2], bias: [0, 0], &none, batch: 3, inChannels: 1, channels: 2, spatial: 0,
                           groups: 1, gamma: [1, 1], beta: [0, 0], epsilon: 1e-5, then: .glu, scratch: &scratch)
    }

    /// Runs `groupNorm` (or, with `projectedFrom`, `projectedGroupNorm` over a projection of that many channels)
    /// and checks samples of its output against float64 formulas.
    private func checkGroupNorm(batch: Int, channels: Int, spatial: Int, groups: Int,
                                _ activation: GroupNormActivation, residual: Bool, projectedFrom inChannels: Int? = nil,
                                line: UInt = #line) {
        let gamma = (0..<channels).map { Float($0) * 0.5 - 1 }, beta = (0..<channels).map { Float($0) * 0.25 }
        let outChannels = activation == .glu ? channels / 2 : channels
        let skip = signal(batch * outChannels * spatial, 0.233), layerScale = (0..<outChannels).map { Float($0) - 0.5 }
        var y = [Float](repeating: .nan, count: batch * outChannels * spatial)
        // The values normalised, in float64: the input itself, or the projection the kernel computes.
        var x: [Double] = []
        skip.withUnsafeBufferPointer { values in
            layerScale.withUnsafeBufferPointer { scale in
                let added = residual ? ScaledResidual(scale: scale.baseAddress!, values: values.baseAddress!) : nil
                guard let inChannels else {
                    let input = signal(batch * channels * spatial, 0.519).map { $0 + 1_000 }
                    x = input.map(Double.init)
                    groupNorm(input, &y, batch: batch, channels: channels, spatial: spatial, groups: groups,
                              gamma: gamma, beta: beta, epsilon: 1e-5, then: activation, plus: added)
                    return
                }
                let h = signal(batch * inChannels * spatial, 0.519)
                let weight = signal(channels * inChannels, 0.917, scale: 0.5)
                let bias = (0..<channels).map { Float(1_000 + 3 * $0) }
                x = [Double](repeating: 0, count: batch * channels * spatial)
                for n in 0..<batch {
                    for c in 0..<channels {
                        let row = (n * channels + c) * spatial
                        for i in 0..<spatial { x[row + i] = Double(bias[c]) }
                        for k in 0..<inChannels {
                            let w = Double(weight[c * inChannels + k]), source = (n * inChannels + k) * spatial
                            for i in 0..<spatial { x[row + i] += w * Double(h[source + i]) }
                        }
                    }
                }
                var scratch = [Float](repeating: .nan, count: projectedGroupNormScratchCount(inChannels: inChannels))
                projectedGroupNorm(h, weight: weight, bias: bias, &y, batch: batch, inChannels: inChannels,
                                   channels: channels, spatial: spatial, groups: groups, gamma: gamma, beta: beta,
                                   epsilon: 1e-5, then: activation, plus: added, scratch: &scratch)
            }
        }
        // z in float64, from each group's exact statistics.
        let perGroup = channels / groups * spatial
        var z = [Double](repeating: 0, count: x.count)
        for n in 0..<batch {
            for g in 0..<groups {
                let start = (n * groups + g) * perGroup
                let values = Array(x[start..<(start + perGroup)])
                let mean = values.reduce(0, +) / Double(perGroup)
                let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(perGroup)
                for j in 0..<perGroup {
                    let c = g * channels / groups + j / spatial
                    z[start + j] = (values[j] - mean) / (variance + 1e-5).squareRoot() * Double(gamma[c]) + Double(beta[c])
                }
            }
        }
        for n in 0..<batch {
            for c in 0..<outChannels {
                for i in stride(from: 0, to: spatial, by: 53) {
                    let v = z[(n * channels + c) * spatial + i]
                    let activated = switch activation {
                    case .identity: v
                    case .gelu: v * 0.5 * (1 + erf(v / 2.0.squareRoot()))
                    case .glu: v / (1 + exp(-z[(n * channels + outChannels + c) * spatial + i]))
                    }
                    let at = (n * outChannels + c) * spatial + i
                    let expected = residual ? Double(skip[at]) + Double(layerScale[c]) * activated : activated
                    let bound = 2e-5 * max(1, abs(Double(gamma[c]))) * (residual ? max(1, abs(Double(layerScale[c]))) : 1)
                    XCTAssertEqual(Double(y[at]), expected, accuracy: bound, "\(activation), residual \(residual)",
                                   line: line)
                }
            }
        }
    }

    /// The channels-last form gives the transposed result of the one-group `groupNorm`.
    func testChannelsLastGroupNormIsTheTransposedOneGroupNorm() {
        let batch = 2, tokens = 301, channels = 24
        let x = signal(batch * tokens * channels, 0.277).map { $0 + 50 }
        let gamma = (0..<channels).map { Float($0) * 0.25 - 2 }, beta = (0..<channels).map { Float($0) * 0.1 }
        var y = [Float](repeating: .nan, count: x.count)
        groupNormChannelsLast(x, &y, batch: batch, tokens: tokens, channels: channels, gamma: gamma, beta: beta,
                              epsilon: 1e-5)
        var transposed = [Float](repeating: 0, count: x.count)
        for n in 0..<batch {
            for t in 0..<tokens { for c in 0..<channels { transposed[(n * channels + c) * tokens + t] = x[(n * tokens + t) * channels + c] } }
        }
        var expected = [Float](repeating: .nan, count: x.count)
        groupNorm(transposed, &expected, batch: batch, channels: channels, spatial: tokens, groups: 1, gamma: gamma,
                  beta: beta, epsilon: 1e-5, then: .identity)
        for n in 0..<batch {
            for t in 0..<tokens {
                for c in 0..<channels {
                    XCTAssertEqual(y[(n * tokens + t) * channels + c], expected[(n * channels + c) * tokens + t], accuracy: 1e-5)
                }
            }
        }
    }
}
