import Foundation
import Kernels
import XCTest

/// `packedLinear` against `bias + a · w` (and GELU of it) computed in float64.
final class PackedLinearTests: XCTestCase {
    /// Sizes that leave partial register blocks and row blocks, output columns short of a whole panel, and more
    /// input features than one pass adds (so later passes add onto the output), with and without the GELU.
    func testMatchesTheDenseProductOnUnevenSizes() {
        for (rows, k, n, gelu) in [(101, 700, 70, false), (7, 5, 3, true), (200, 1_030, 130, true), (1, 1, 1, false)] {
            let a = (0..<(rows * k)).map { Float(sin(Double($0) * 0.37)) }
            let w = (0..<(k * n)).map { Float(cos(Double($0) * 0.53)) / Float(k).squareRoot() }
            let bias = (0..<n).map { Float($0 % 5) - 2 }
            var packed = [Float](repeating: .nan, count: packedLinearWeightCount(k: k, n: n))
            packLinearWeights(w, k: k, n: n, into: &packed)
            var out = [Float](repeating: .nan, count: rows * n)
            packedLinear(a: a, packedW: packed, bias: bias, output: &out, rows: rows, k: k, n: n, thenGELU: gelu)
            var worst = 0.0
            for r in 0..<rows {
                for j in 0..<n {
                    var sum = Double(bias[j])
                    for t in 0..<k { sum += Double(a[r * k + t]) * Double(w[t * n + j]) }
                    let expected = gelu ? sum * (1 + erf(sum / 2.squareRoot())) / 2 : sum
                    worst = max(worst, abs(Double(out[r * n + j]) - expected))
                }
            }
            XCTAssertLessThan(worst, 1e-5, "rows \(rows) k \(k) n \(n) gelu \(gelu)")
        }
    }

    func testNoInputFeaturesGiveTheBias() {
        var out = [Float](repeating: .nan, count: 6)
        packedLinear(a: [Float](repeating: 0, count: 1), packedW: [Float](repeating: 0, count: 1), bias: [1, -2, 3],
                     output: &out, rows: 2, k: 0, n: 3)
        XCTAssertEqual(out, [1, -2, 3, 1, -2, 3])
    }
}
