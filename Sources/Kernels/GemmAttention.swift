#if !WIDE_VECTORS
// Attention through OpenBLAS's products, where `broadcastProductBlock`'s register blocks do not fit (16 registers
// or fewer): the blocked form ran 3 % slower with AVX2 and 2.8× slower with SSE only.

/// Rows of scores `attention` keeps at once per thread: 256 rows × 2,688 keys is 2.75 MB. OpenBLAS packs K
/// again for every block, so larger blocks pack less: 256 rows ran 5–9 % faster than 64 and 128 in a
/// benchmark of one HT-Demucs attention (8 heads, 2,688 tokens, 2 threads).
let attentionRowBlock = 256

/// Scratch floats `attention` needs per thread: a block of scores and its rows' sums, and for the tokens-first
/// layout room for one head's keys and values gathered into dense rows.
func attentionScratchPerThread(keys: Int, depth: Int, valueDepth: Int, layout: AttentionLayout) -> Int {
    attentionRowBlock * (keys + 1) + (layout == .headsFirst ? 0 : keys * (depth + valueDepth))
}

/// `attention` for the query rows `rows` of head `index`, on one thread; `packed` says that `scratch` already holds
/// this head's keys and values gathered by an earlier call with the same scratch (tokens-first layout). Each block
/// of scores is exponentiated unnormalised and multiplied by `V`; the block's output rows are then divided by their
/// sums (`valueDepth` values a row instead of one per key).
func attentionHeads(q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
                    out: UnsafeMutablePointer<Float>, _ geometry: HeadGeometry, head index: Int, rows queryRows: Range<Int>,
                    packed: Bool, scale: Float, scratch: UnsafeMutablePointer<Float>) {
    let keys = geometry.keys, depth = geometry.depth, valueDepth = geometry.valueDepth
    let sums = scratch + attentionRowBlock * keys
    let denseK = sums + attentionRowBlock, denseV = denseK + keys * depth
    var head = geometry.head(index)
    var (kBase, vBase) = (k + head.k, v + head.v)
    if case .tokensFirst = geometry.layout {
        // One head's keys and values are rows of `depth` floats spread `heads · depth` apart; the products
        // below read them once per block of queries, so gather them into dense rows once.
        if !packed {
            for key in 0..<keys {
                (denseK + key * depth).update(from: kBase + key * head.kRow, count: depth)
                (denseV + key * valueDepth).update(from: vBase + key * head.vRow, count: valueDepth)
            }
        }
        (kBase, vBase, head.kRow, head.vRow) = (UnsafePointer(denseK), UnsafePointer(denseV), depth, valueDepth)
    }
    var row = queryRows.lowerBound
    while row < queryRows.upperBound {
        let rows = min(attentionRowBlock, queryRows.upperBound - row)
        gemm(transposeB: !head.kTransposed, m: rows, n: keys, k: depth, alpha: scale,
             a: q + head.q + row * head.qRow, lda: head.qRow, b: kBase, ldb: head.kRow,
             beta: 0, c: scratch, ldc: keys)
        for r in 0..<rows { sums[r] = exponentiateRow(scratch + r * keys, scratch + r * keys, length: keys,
                                      maximum: rowMaximum(scratch + r * keys, length: keys)) }
        let block = out + head.out + row * head.outRow
        gemm(m: rows, n: valueDepth, k: keys, a: scratch, lda: keys, b: vBase, ldb: head.vRow,
             beta: 0, c: block, ldc: head.outRow)
        for r in 0..<rows {
            let factor = 1 / sums[r]
            for c in 0..<valueDepth { block[r * head.outRow + c] *= factor }
        }
        row += rows
    }
}
#endif
