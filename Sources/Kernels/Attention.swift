/// Rows of scores `attention` keeps at once per thread: 64 rows × 2,688 keys is 690 kB, which stays in a
/// core's L2 cache between the two products.
let attentionRowBlock = 64

/// Scratch floats `attention` needs per thread for `keys` keys: a block of scores and its rows' sums.
func attentionScratchPerThread(keys: Int) -> Int { attentionRowBlock * (keys + 1) }

/// Scratch floats `attention` needs for `keys` keys.
public func attentionScratchCount(keys: Int) -> Int { attentionScratchPerThread(keys: keys) * kernelThreadCount }

/// `softmax(Q · Kᵀ) · V` for each of `batch` independent heads, one block of query rows at a time, so the
/// `queries × keys` score matrix is never held whole (ONNX `MatMul → Softmax(last axis) → MatMul`).
///
/// `q` is `[batch, queries, depth]`, `kT` is `[batch, depth, keys]` (keys already transposed), `v` is
/// `[batch, keys, valueDepth]`, `out` is `[batch, queries, valueDepth]`, all dense. Any scaling of the scores
/// must already be in `q`. `scratch` holds `attentionScratchCount(keys:)` floats. No argument may alias another.
///
/// Heads are spread over the cores, each running single-threaded gemms on its own scores block.
public func attention(q: UnsafePointer<Float>, kT: UnsafePointer<Float>, v: UnsafePointer<Float>,
                      out: UnsafeMutablePointer<Float>, batch: Int, queries: Int, keys: Int, depth: Int,
                      valueDepth: Int, scratch: UnsafeMutablePointer<Float>) {
    let threads = min(kernelThreadCount, batch)
    let heads = batch
    withSingleThreadedBLAS {
        parallelRanges(threads) { range in
            for t in range {
                attentionHeads(q: q, kT: kT, v: v, out: out, heads: heads * t / threads ..< heads * (t + 1) / threads,
                               queries: queries, keys: keys, depth: depth, valueDepth: valueDepth,
                               scratch: scratch + t * attentionScratchPerThread(keys: keys))
            }
        }
    }
}

/// `attention` for the heads in `heads`, on one thread. Each block of scores is exponentiated unnormalised and
/// multiplied by `V`; the block's output rows are then divided by their sums (64 values a row instead of one per
/// key).
private func attentionHeads(q: UnsafePointer<Float>, kT: UnsafePointer<Float>, v: UnsafePointer<Float>,
                            out: UnsafeMutablePointer<Float>, heads: Range<Int>, queries: Int, keys: Int,
                            depth: Int, valueDepth: Int, scratch: UnsafeMutablePointer<Float>) {
    let sums = scratch + attentionRowBlock * keys
    for b in heads {
        let qb = q + b * queries * depth, kb = kT + b * depth * keys, vb = v + b * keys * valueDepth
        let ob = out + b * queries * valueDepth
        var row = 0
        while row < queries {
            let rows = min(attentionRowBlock, queries - row)
            gemm(m: rows, n: keys, k: depth, a: qb + row * depth, lda: depth, b: kb, ldb: keys,
                 beta: 0, c: scratch, ldc: keys)
            for r in 0..<rows { sums[r] = exponentiateRow(scratch + r * keys, scratch + r * keys, length: keys) }
            let block = ob + row * valueDepth
            gemm(m: rows, n: valueDepth, k: keys, a: scratch, lda: keys, b: vb, ldb: valueDepth,
                 beta: 0, c: block, ldc: valueDepth)
            for r in 0..<rows {
                let scale = 1 / sums[r]
                for c in 0..<valueDepth { block[r * valueDepth + c] *= scale }
            }
            row += rows
        }
    }
}
