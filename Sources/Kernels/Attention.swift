/// Rows of scores `attention` keeps at once per thread: 128 rows × 2,688 keys is 1.4 MB.
let attentionRowBlock = 128

/// Scratch floats `attention` needs for `keys` keys (one block of scores per thread).
public func attentionScratchCount(keys: Int) -> Int { attentionRowBlock * keys * kernelThreadCount }

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
                               scratch: scratch + t * attentionRowBlock * keys)
            }
        }
    }
}

/// `attention` for the heads in `heads`, on one thread.
private func attentionHeads(q: UnsafePointer<Float>, kT: UnsafePointer<Float>, v: UnsafePointer<Float>,
                            out: UnsafeMutablePointer<Float>, heads: Range<Int>, queries: Int, keys: Int,
                            depth: Int, valueDepth: Int, scratch: UnsafeMutablePointer<Float>) {
    for b in heads {
        let qb = q + b * queries * depth, kb = kT + b * depth * keys, vb = v + b * keys * valueDepth
        let ob = out + b * queries * valueDepth
        var row = 0
        while row < queries {
            let rows = min(attentionRowBlock, queries - row)
            gemm(m: rows, n: keys, k: depth, a: qb + row * depth, lda: depth, b: kb, ldb: keys,
                 beta: 0, c: scratch, ldc: keys)
            for r in 0..<rows { softmaxRow(scratch + r * keys, scratch + r * keys, length: keys) }
            gemm(m: rows, n: valueDepth, k: keys, a: scratch, lda: keys, b: vb, ldb: valueDepth,
                 beta: 0, c: ob + row * valueDepth, ldc: valueDepth)
            row += rows
        }
    }
}
