import Foundation
import Kernels
import XCTest

/// `attention` against `softmax(Q·Kᵀ)·V` computed in float64, on odd sizes that split into several row blocks.
final class AttentionTests: XCTestCase {
    func testMatchesTheUnfusedComputation() {
        XCTAssertLessThan(headsFirstDifference(heads: 3, queries: 301, keys: 97, depth: 5, valueDepth: 7,
                                               seeds: (0.37, 0.71, 1.13)), 2e-6)
    }

    /// Few heads of many queries are cut into parts of their query rows, which the threads take one by one and
    /// which reuse the keys and values a thread packed for the part before: every row is still computed once and
    /// right.
    func testHeadsCutIntoQueryPartsMatchTheUnfusedComputation() {
        XCTAssertLessThan(headsFirstDifference(heads: 2, queries: 2_100, keys: 37, depth: 3, valueDepth: 5,
                                               seeds: (0.23, 0.61, 1.07)), 2e-6)
    }

    /// Runs `attention` on heads-first operands made from `seeds` (q, kᵀ, v) and returns `worstDifference`.
    private func headsFirstDifference(heads: Int, queries: Int, keys: Int, depth: Int, valueDepth: Int,
                                      seeds: (Double, Double, Double)) -> Double {
        let q = values(heads * queries * depth, seeds.0), kT = values(heads * depth * keys, seeds.1)
        let v = values(heads * keys * valueDepth, seeds.2)
        var out = [Float](repeating: .nan, count: heads * queries * valueDepth)
        var scratch = [Float](repeating: .nan, count: attentionScratchCount(keys: keys, depth: depth, valueDepth: valueDepth))
        attention(q: q, k: kT, v: v, out: &out, batch: heads, queries: queries, keys: keys, depth: depth,
                  valueDepth: valueDepth, scratch: &scratch)
        return worstDifference(out, q: q, kT: kT, v: v, heads: heads, queries: queries, keys: keys, depth: depth,
                               valueDepth: valueDepth)
    }

    /// Deterministic test values in [−2, 2].
    private func values(_ count: Int, _ seed: Double) -> [Float] { (0..<count).map { Float(sin(Double($0) * seed) * 2) } }

    /// The largest difference between heads-first `out` and `softmax(Q·Kᵀ)·V` computed in float64 (NaN if any
    /// output is NaN).
    private func worstDifference(_ out: [Float], q: [Float], kT: [Float], v: [Float], heads: Int, queries: Int,
                                 keys: Int, depth: Int, valueDepth: Int) -> Double {
        var worst = 0.0
        for b in 0..<heads {
            for i in 0..<queries {
                var scores = (0..<keys).map { j in
                    (0..<depth).reduce(0.0) { $0 + Double(q[(b * queries + i) * depth + $1]) * Double(kT[(b * depth + $1) * keys + j]) }
                }
                let peak = scores.max()!
                scores = scores.map { Foundation.exp($0 - peak) }
                let sum = scores.reduce(0, +)
                for c in 0..<valueDepth {
                    let expected = (0..<keys).reduce(0.0) { $0 + scores[$1] / sum * Double(v[(b * keys + $1) * valueDepth + c]) }
                    let difference = abs(Double(out[(b * queries + i) * valueDepth + c]) - expected)
                    worst = difference.isNaN ? .nan : max(worst, difference)
                    if worst.isNaN { return worst }
                }
            }
        }
        return worst
    }

    /// Tokens-first operands with a scale give what heads-first operands, transposed, give with the scale
    /// applied to q first.
    func testTokensFirstLayoutMatchesHeadsFirst() {
        assertTokensFirstMatchesHeadsFirst(batch: 2, heads: 3, queries: 70, keys: 41, depth: 4, valueDepth: 6)
    }

    /// The same with depths and keys that hold whole squares of `vectorWidth` (the keys' packing transposes them
    /// in vectors) beside partial ones.
    func testTokensFirstKeysPackedInSquaresMatchHeadsFirst() {
        assertTokensFirstMatchesHeadsFirst(batch: 1, heads: 2, queries: 30, keys: 150, depth: 37, valueDepth: 5)
    }

    private func assertTokensFirstMatchesHeadsFirst(batch: Int, heads: Int, queries: Int, keys: Int, depth: Int,
                                                    valueDepth: Int, file: StaticString = #filePath, line: UInt = #line) {
        let scale: Float = 0.5
        let q = values(batch * queries * heads * depth, 0.29), k = values(batch * keys * heads * depth, 0.53)
        let v = values(batch * keys * heads * valueDepth, 0.91)
        var out = [Float](repeating: .nan, count: batch * queries * heads * valueDepth)
        var scratch = [Float](repeating: .nan, count: attentionScratchCount(keys: keys, depth: depth, valueDepth: valueDepth,
                                                                          layout: .tokensFirst(heads: heads)))
        attention(q: q, k: k, v: v, out: &out, layout: .tokensFirst(heads: heads), batch: batch, queries: queries,
                  keys: keys, depth: depth, valueDepth: valueDepth, scale: scale, scratch: &scratch)
        // The same heads, transposed to heads first: q [B·H, T, D] scaled, kᵀ [B·H, D, S], v [B·H, S, Dv].
        var qh = [Float](), kT = [Float](), vh = [Float]()
        for b in 0..<batch {
            for h in 0..<heads {
                for t in 0..<queries { for d in 0..<depth { qh.append(q[((b * queries + t) * heads + h) * depth + d] * scale) } }
                for d in 0..<depth { for s in 0..<keys { kT.append(k[((b * keys + s) * heads + h) * depth + d]) } }
                for s in 0..<keys { for d in 0..<valueDepth { vh.append(v[((b * keys + s) * heads + h) * valueDepth + d]) } }
            }
        }
        var expected = [Float](repeating: .nan, count: out.count)
        attention(q: qh, k: kT, v: vh, out: &expected, batch: batch * heads, queries: queries, keys: keys,
                  depth: depth, valueDepth: valueDepth, scratch: &scratch)
        for b in 0..<batch {
            for h in 0..<heads {
                for t in 0..<queries {
                    for d in 0..<valueDepth {
                        XCTAssertEqual(out[((b * queries + t) * heads + h) * valueDepth + d],
                                       expected[(((b * heads + h) * queries) + t) * valueDepth + d], accuracy: 1e-6,
                                       file: file, line: line)
                    }
                }
            }
        }
    }

    /// Scores far below zero, over a key count that leaves the last register block's panel partly padding: the
    /// padding's zero scores must not become the row's maximum (every real weight would underflow to 0 then).
    func testScoresFarBelowZeroIgnoreThePadding() {
        let queries = 7, keys = 70, depth = 3, valueDepth = 2
        let q = [Float](repeating: 1, count: queries * depth)
        // Key j scores −300 − j/10 against every query (three depths of −100 − j/30); values are j and 1.
        let kT = (0..<depth).flatMap { _ in (0..<keys).map { -100 - Float($0) / 30 } }
        let v = (0..<keys).flatMap { [Float($0), Float(1)] }
        var out = [Float](repeating: .nan, count: queries * valueDepth)
        var scratch = [Float](repeating: .nan, count: attentionScratchCount(keys: keys, depth: depth, valueDepth: valueDepth))
        attention(q: q, k: kT, v: v, out: &out, batch: 1, queries: queries, keys: keys, depth: depth,
                  valueDepth: valueDepth, scratch: &scratch)
        let weights = (0..<keys).map { Foundation.exp(-Double($0) / 10) }
        let expected = zip(weights, 0...).reduce(0.0) { $0 + $1.0 * Double($1.1) } / weights.reduce(0, +)
        for i in 0..<queries {
            XCTAssertEqual(Double(out[i * valueDepth]), expected, accuracy: 1e-5)
            XCTAssertEqual(out[i * valueDepth + 1], 1, accuracy: 1e-6)
        }
    }
}
