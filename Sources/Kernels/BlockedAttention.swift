#if WIDE_VECTORS
// Attention in register blocks, where they fit (AVX-512's 32 registers): 20 % faster than OpenBLAS's products
// here. With 16 registers they spill, and `GemmAttention.swift` computes attention through OpenBLAS instead.

/// Rows of scores `attention` keeps at once per thread: 48 rows × 2,688 keys is 516 kB, which stays in a 1 MB L2
/// cache beside a head's packed keys.
let attentionRowBlock = 48

/// log₂ e: keys scaled by it give scores whose powers of two are the softmax's powers of e.
private let log2e: Float = 1.442_695_04

/// `n` rounded up to whole register blocks' columns (`broadcastWidth`).
private func paddedToBlocks(_ n: Int) -> Int { roundUp(n, to: broadcastWidth) }

/// Scratch floats `attention` needs per thread: one head's keys packed in panels of `broadcastWidth` keys
/// (`depth × paddedKeys`), its values as dense padded rows (`keys × paddedValueDepth`), a block of scores, and
/// its rows' running maxima (one vector each) and sums.
func attentionScratchPerThread(keys: Int, depth: Int, valueDepth: Int, layout: AttentionLayout) -> Int {
    let paddedKeys = paddedToBlocks(keys)
    return depth * paddedKeys + keys * paddedToBlocks(valueDepth)
        + attentionRowBlock * (paddedKeys + vectorWidth + 1)
}

/// `attention` for the query rows `rows` of head `index`, on one thread; `packed` says that `scratch` already holds
/// this head's keys and values, packed by an earlier call with the same scratch. The keys are packed times
/// `scale · log₂ e`, so each block of scores is exponentiated in base 2 (`vectorExp2Normal`), unnormalised, and
/// multiplied by `V`; the block's output rows are then scaled by their sums'
/// reciprocals (`valueDepth` values a row instead of one per key).
func attentionHeads(q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
                    out: UnsafeMutablePointer<Float>, _ geometry: HeadGeometry, head index: Int, rows queryRows: Range<Int>,
                    packed: Bool, scale: Float, scratch: UnsafeMutablePointer<Float>) {
    let keys = geometry.keys, depth = geometry.depth, valueDepth = geometry.valueDepth
    let width = broadcastWidth, paddedKeys = paddedToBlocks(keys), paddedValueDepth = paddedToBlocks(valueDepth)
    // packedK[panel][t][j] = K[panel · width + j][t] (zero past the last key); packedV[j][c] = V[j][c] (zero past
    // valueDepth); scores[r][j], rows paddedKeys apart.
    let packedK = scratch, packedV = packedK + depth * paddedKeys
    let scores = packedV + keys * paddedValueDepth, sums = scores + attentionRowBlock * paddedKeys
    let maxima = UnsafeMutableRawPointer(sums + attentionRowBlock)  // one unaligned FloatVector per row
    let panels = paddedKeys / width
    // Added to the last panel's scores before taking maxima: −∞ in the lanes past the last key.
    let vw = vectorWidth
    @inline(__always) func padding(_ part: Int) -> FloatVector {
        var v = FloatVector()
        for lane in 0..<vw where (panels - 1) * width + part * vw + lane >= keys { v[lane] = -.infinity }
        return v
    }
    let lastPadding = ScorePadding(v0: padding(0), v1: padding(1), v2: padding(2), v3: padding(3))
    let head = geometry.head(index)
    if !packed {
        packKeys(k + head.k, rowStride: head.kRow, transposed: head.kTransposed, keys: keys, depth: depth,
                 scale: scale * log2e, into: packedK, paddedKeys: paddedKeys)
        packRows(v + head.v, rowStride: head.vRow, rows: keys, columns: valueDepth, into: packedV,
                 paddedColumns: paddedValueDepth)
    }
    var first = queryRows.lowerBound
    while first < queryRows.upperBound {
        let rows = min(attentionRowBlock, queryRows.upperBound - first)
        let queries = q + head.q + first * head.qRow
        let stride = MemoryLayout<FloatVector>.stride
        for r in 0..<rows { maxima.storeBytes(of: FloatVector(repeating: -.infinity), toByteOffset: r * stride, as: FloatVector.self) }
        for panel in 0..<panels {
            scorePanel(queries: queries, queryRow: head.qRow, rows: rows, keys: packedK + panel * depth * width,
                       depth: depth, into: scores + panel * width, rowStride: paddedKeys, maxima: maxima,
                       padding: panel == panels - 1 ? lastPadding : ScorePadding())
        }
        for r in 0..<rows {
            sums[r] = exponentiateRow(scores + r * paddedKeys, scores + r * paddedKeys, length: keys,
                                      maximum: maxima.loadUnaligned(fromByteOffset: r * stride, as: FloatVector.self).max(),
                                      baseTwo: true)
        }
        let block = out + head.out + first * head.outRow
        for group in 0..<paddedValueDepth / width {
            valuePanel(scores: scores, rowStride: paddedKeys, rows: rows, keys: keys, values: packedV + group * width,
                       valueRow: paddedValueDepth, sums: sums, into: block + group * width, outRow: head.outRow,
                       columns: min(width, valueDepth - group * width))
        }
        first += rows
    }
}

/// Four vectors added to a register block row of scores before its maxima are taken: −∞ in the lanes of keys
/// past the last, zero elsewhere.
private struct ScorePadding {
    var v0 = FloatVector(), v1 = FloatVector(), v2 = FloatVector(), v3 = FloatVector()
}

/// One panel of scores: for `rows` query rows (`queryRow` floats apart) against the `broadcastWidth` keys packed
/// at `keys` (`depth` rows of the panel), writes `scores[r][·]` (rows `rowStride` apart) and raises row `r`'s
/// lanewise maxima (one unaligned `FloatVector` each at `maxima`) to the padded scores.
///
/// A function of its own, not inlined, so that its vector stores are: inside `attentionHeads`, which is large,
/// the optimiser left them as calls, each spilling the 24 accumulators (3–4 % of the attention's time).
@inline(never)
private func scorePanel(queries: UnsafePointer<Float>, queryRow: Int, rows: Int, keys: UnsafePointer<Float>,
                        depth: Int, into scores: UnsafeMutablePointer<Float>, rowStride: Int,
                        maxima: UnsafeMutableRawPointer, padding: ScorePadding) {
    let stride = MemoryLayout<FloatVector>.stride
    forEachBlockOfRows(rows) { r, count in
        broadcastProductBlock(a: queries + r * queryRow, lda: queryRow, rows: count, b: keys, ldb: broadcastWidth,
                              depth: depth) { i, c0, c1, c2, c3 in
            storeBlockRow(c0, c1, c2, c3, to: scores + (r + i) * rowStride)
            let m = lanewiseMax(lanewiseMax(c0 + padding.v0, c1 + padding.v1), lanewiseMax(c2 + padding.v2, c3 + padding.v3))
            let offset = (r + i) * stride
            maxima.storeBytes(of: lanewiseMax(maxima.loadUnaligned(fromByteOffset: offset, as: FloatVector.self), m),
                              toByteOffset: offset, as: FloatVector.self)
        }
    }
}

/// One panel of output columns: `out[r][j] = Σ_key scores[r][key] · values[key][j] / sums[r]` for `rows` rows
/// (`rowStride` floats apart in `scores`, `outRow` in `out`), the `broadcastWidth` columns of values at `values`
/// (rows `valueRow` apart), of which the first `columns` are stored.
///
/// Not inlined, for the reason `scorePanel` gives.
@inline(never)
private func valuePanel(scores: UnsafePointer<Float>, rowStride: Int, rows: Int, keys: Int,
                        values: UnsafePointer<Float>, valueRow: Int, sums: UnsafePointer<Float>,
                        into out: UnsafeMutablePointer<Float>, outRow: Int, columns: Int) {
    forEachBlockOfRows(rows) { r, count in
        broadcastProductBlock(a: scores + r * rowStride, lda: rowStride, rows: count, b: values, ldb: valueRow,
                              depth: keys) { i, c0, c1, c2, c3 in
            let factor = FloatVector(repeating: 1 / sums[r + i])
            storePrefix(c0 * factor, c1 * factor, c2 * factor, c3 * factor, to: out + (r + i) * outRow, count: columns)
        }
    }
}

/// Calls `body(r, count)` for the blocks of `broadcastRows` rows (the last perhaps fewer) that cover `rows`.
@inline(__always)
private func forEachBlockOfRows(_ rows: Int, _ body: (_ first: Int, _ count: Int) -> Void) {
    var r = 0
    while r < rows {
        body(r, min(broadcastRows, rows - r))
        r += broadcastRows
    }
}

/// Packs one head's keys, times `scale`, in panels of `broadcastWidth` keys: `into[panel][t][j] = scale ·
/// K[panel · width + j][t]`, zero for keys at or past `keys`. `K[key][t]` is at `k[key · rowStride + t]`, or at `k[t · rowStride + key]` when
/// `transposed`.
private func packKeys(_ k: UnsafePointer<Float>, rowStride: Int, transposed: Bool, keys: Int, depth: Int,
                      scale: Float, into packed: UnsafeMutablePointer<Float>, paddedKeys: Int) {
    if transposed {
        // Kᵀ is a `depth × keys` matrix: its panels are the layout wanted.
        packPanels(k, rowStride: rowStride, rows: depth, columns: keys, scale: scale, into: packed)
        return
    }
    let width = broadcastWidth
    for panel in 0..<paddedKeys / width {
        let first = panel * width, count = min(width, keys - first), block = packed + panel * depth * width
        // The panel's keys are rows of `depth` values: transposed, they become the panel's columns.
        transposeMatrix(k + first * rowStride, rowStride: rowStride, rows: count, columns: depth, scale: scale,
                        into: block, rowStride: width)
        for t in 0..<depth { (block + t * width + count).update(repeating: 0, count: width - count) }
    }
}

/// Copies `rows` rows of `columns` floats, `rowStride` apart at `source`, into dense rows of `paddedColumns`
/// floats whose tails are zero.
private func packRows(_ source: UnsafePointer<Float>, rowStride: Int, rows: Int, columns: Int,
                      into packed: UnsafeMutablePointer<Float>, paddedColumns: Int) {
    for r in 0..<rows {
        let row = packed + r * paddedColumns
        row.update(from: source + r * rowStride, count: columns)
        (row + columns).update(repeating: 0, count: paddedColumns - columns)
    }
}
#endif
