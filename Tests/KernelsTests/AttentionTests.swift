import Foundation
import Kernels
import XCTest

/// `attention` against `softmax(Q·Kᵀ)·V` computed in float64, on odd sizes that split into several row blocks.
final class AttentionTests: XCTestCase {
    func testMatchesTheUnfusedComputation() {
        let batch = 3, queries = 301, keys = 97, depth = 5, valueDepth = 7
        func values(_ count: Int, _ seed: Double) -> [Float] { (0..<count).map { Float(sin(Double($0) * seed) * 2) } }
        let q = values(batch * queries * depth, 0.37), kT = values(batch * depth * keys, 0.71)
        let v = values(batch * keys * valueDepth, 1.13)
        var out = [Float](repeating: 0, count: batch * queries * valueDepth)
        var scratch = [Float](repeating: .nan, count: attentionScratchCount(keys: keys))
        attention(q: q, kT: kT, v: v, out: &out, batch: batch, queries: queries, keys: keys, depth: depth,
                  valueDepth: valueDepth, scratch: &scratch)
        var worst = 0.0
        for b in 0..<batch {
            for i in 0..<queries {
                var scores = (0..<keys).map { j in
                    (0..<depth).reduce(0.0) { $0 + Double(q[(b * queries + i) * depth + $1]) * Double(kT[(b * depth + $1) * keys + j]) }
                }
                let peak = scores.max()!
                scores = scores.map { Foundation.exp($0 - peak) }
                let sum = scores.reduce(0, +)
                for c in 0..<valueDepth {
                    let expected = (0..<keys).reduce(0.0) { $0 + scores[$1] / sum * Double(v[(b * keys + $1) * valueDepth + c]) }
                    worst = max(worst, abs(Double(out[(b * queries + i) * valueDepth + c]) - expected))
                }
            }
        }
        XCTAssertLessThan(worst, 2e-6)
    }
}
