import XCTest
import Kernels

/// `gemm` against a float64 triple loop: every transpose combination, leading dimensions wider than the rows,
/// `alpha`/`beta`, degenerate sizes and `k == 0`. Bound: 1e-5 × Σ|terms| per element (the terms include `beta·C`).
final class GemmTests: XCTestCase {
    /// One product: A and B stored transposed or not with `padA`/`padB` spare columns per row, C with `padC`.
    private struct Case {
        var transposeA = false, transposeB = false
        var m: Int, n: Int, k: Int
        var padA = 0, padB = 0, padC = 0
        var alpha: Float = 1, beta: Float = 0

        var lda: Int { (transposeA ? m : k) + padA }
        var ldb: Int { (transposeB ? k : n) + padB }
        var ldc: Int { n + padC }
        var aCount: Int { (transposeA ? k : m) * lda }
        var bCount: Int { (transposeB ? n : k) * ldb }
        var cCount: Int { m * ldc }
    }

    /// The float64 reference of `c` after the product, with the padding columns of `c` unchanged.
    private func reference(_ t: Case, _ a: [Float], _ b: [Float], _ c: [Float]) -> [ReferenceSum] {
        var out = c.map { ReferenceSum(Double($0)) }
        for i in 0..<t.m {
            for j in 0..<t.n {
                var sum = ReferenceSum(t.beta == 0 ? 0 : Double(t.beta) * Double(c[i * t.ldc + j]))
                for p in 0..<t.k {
                    let x = t.transposeA ? a[p * t.lda + i] : a[i * t.lda + p]
                    let y = t.transposeB ? b[j * t.ldb + p] : b[p * t.ldb + j]
                    sum.add(Double(t.alpha) * Double(x) * Double(y))
                }
                out[i * t.ldc + j] = sum
            }
        }
        return out
    }

    /// Runs `gemm` on random operands (C starts as `initialC`, or random) and compares with the reference.
    private func check(_ t: Case, seed: UInt64, initialC: Float? = nil, file: StaticString = #filePath,
                       line: UInt = #line) {
        var rng = SplitMix64(seed: seed)
        let a = rng.floats(t.aCount), b = rng.floats(t.bCount)
        var c = initialC.map { [Float](repeating: $0, count: t.cCount) } ?? rng.floats(t.cCount)
        let expected = reference(t, a, b, c)
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                c.withUnsafeMutableBufferPointer { c in
                    gemm(transposeA: t.transposeA, transposeB: t.transposeB, m: t.m, n: t.n, k: t.k, alpha: t.alpha,
                         a: a.baseAddress!, lda: t.lda, b: b.baseAddress!, ldb: t.ldb,
                         beta: t.beta, c: c.baseAddress!, ldc: t.ldc)
                }
            }
        }
        assertClose(c, expected, tolerance: 1e-5, "\(t)", file: file, line: line)
    }

    func testEveryTransposeWithWideLeadingDimensions() {
        for (index, (ta, tb)) in [(false, false), (true, false), (false, true), (true, true)].enumerated() {
            check(Case(transposeA: ta, transposeB: tb, m: 7, n: 13, k: 5, padA: 3, padB: 2, padC: 4,
                       alpha: 0.75, beta: -1.25), seed: UInt64(10 + index))
        }
    }

    func testOddSizesAndVectors() {
        check(Case(m: 37, n: 1, k: 257, padA: 1), seed: 20)
        check(Case(transposeB: true, m: 1, n: 53, k: 131, padC: 2, alpha: -2), seed: 21)
        check(Case(transposeA: true, m: 1, n: 1, k: 1, beta: 1), seed: 22)
        check(Case(transposeA: true, transposeB: true, m: 61, n: 29, k: 67, padA: 5, padB: 7, padC: 3,
                   alpha: 0.5, beta: 0.5), seed: 23)
    }

    /// `beta == 0` must overwrite C rather than scale it, so NaN in C does not leak into the result.
    func testZeroBetaIgnoresC() {
        check(Case(m: 11, n: 17, k: 19, padC: 2), seed: 30, initialC: .nan)
    }

    func testZeroInnerDimensionScalesC() {
        check(Case(m: 5, n: 7, k: 0, padA: 1, padB: 1, padC: 3, beta: 0.5), seed: 40)
        check(Case(transposeA: true, m: 3, n: 4, k: 0, padC: 1, beta: 0), seed: 41, initialC: .nan)
    }

    func testEmptyOutputLeavesCUntouched() {
        var c: [Float] = [1, 2, 3]
        let a: [Float] = [4], b: [Float] = [5]
        gemm(m: 0, n: 3, k: 1, a: a, lda: 1, b: b, ldb: 3, beta: 0, c: &c, ldc: 3)
        gemm(m: 1, n: 0, k: 1, a: a, lda: 1, b: b, ldb: 1, beta: 0, c: &c, ldc: 3)
        XCTAssertEqual(c, [1, 2, 3])
    }
}
