import XCTest
import Kernels

/// `batchedMatMul` against a float64 loop over the numpy broadcast of the batch axes: broadcast on either side,
/// missing leading axes, the single-`gemm` fast path, and `k == 0`. Bound: 1e-5 × Σ|terms| per element.
final class MatMulTests: XCTestCase {
    private func check(aBatch: [Int], bBatch: [Int], outBatch: [Int], m: Int, k: Int, n: Int, seed: UInt64,
                       file: StaticString = #filePath, line: UInt = #line) {
        var rng = SplitMix64(seed: seed)
        let a = rng.floats(aBatch.reduce(1, *) * m * k)
        let b = rng.floats(bBatch.reduce(1, *) * k * n)
        var expected: [ReferenceSum] = []
        forEachIndex(outBatch) { index in
            let ai = broadcastOffset(index, in: aBatch), bi = broadcastOffset(index, in: bBatch)
            for i in 0..<m {
                for j in 0..<n {
                    var sum = ReferenceSum()
                    for p in 0..<k { sum.add(Double(a[(ai * m + i) * k + p]) * Double(b[(bi * k + p) * n + j])) }
                    expected.append(sum)
                }
            }
        }
        var out = [Float](repeating: .nan, count: expected.count)
        batchedMatMul(a: a, aBatch: aBatch, b: b, bBatch: bBatch, output: &out, m: m, k: k, n: n)
        assertClose(out, expected, tolerance: 1e-5, "a \(aBatch) b \(bBatch)", file: file, line: line)
    }

    func testBroadcastOnBothSides() {
        check(aBatch: [2, 1, 3], bBatch: [5, 1], outBatch: [2, 5, 3], m: 3, k: 7, n: 5, seed: 1)
        check(aBatch: [1, 4], bBatch: [3, 1], outBatch: [3, 4], m: 1, k: 11, n: 2, seed: 2)
    }

    func testBroadcastLeftOperand() {
        check(aBatch: [], bBatch: [3], outBatch: [3], m: 5, k: 2, n: 7, seed: 3)
        check(aBatch: [1], bBatch: [2, 3], outBatch: [2, 3], m: 2, k: 3, n: 1, seed: 4)
    }

    func testSingleRightMatrixIsOneGemm() {
        check(aBatch: [3, 2], bBatch: [], outBatch: [3, 2], m: 5, k: 13, n: 3, seed: 5)
        check(aBatch: [4], bBatch: [1, 1], outBatch: [1, 4], m: 3, k: 2, n: 9, seed: 6)
        check(aBatch: [], bBatch: [], outBatch: [], m: 17, k: 31, n: 19, seed: 7)
    }

    func testSameBatchAndDegenerateSizes() {
        check(aBatch: [2, 3], bBatch: [2, 3], outBatch: [2, 3], m: 1, k: 1, n: 1, seed: 8)
        check(aBatch: [2], bBatch: [2], outBatch: [2], m: 3, k: 0, n: 4, seed: 9)
    }
}
