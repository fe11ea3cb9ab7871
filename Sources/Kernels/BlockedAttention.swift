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
    let padding0 = padding(0), padding1 = padding(1), padding2 = padding(2), padding3 = padding(3)
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
            let last = panel == panels - 1
            forEachBlockOfRows(rows) { r, count in
                broadcastProductBlock(a: queries + r * head.qRow, lda: head.qRow, rows: count,
                                      b: packedK + panel * depth * width, ldb: width, depth: depth) { i, c0, c1, c2, c3 in
                    storeBlockRow(c0, c1, c2, c3, to: scores + (r + i) * paddedKeys + panel * width)
                    let m = last
                        ? lanewiseMax(lanewiseMax(c0 + padding0, c1 + padding1), lanewiseMax(c2 + padding2, c3 + padding3))
                        : lanewiseMax(lanewiseMax(c0, c1), lanewiseMax(c2, c3))
                    let offset = (r + i) * stride
                    maxima.storeBytes(of: lanewiseMax(maxima.loadUnaligned(fromByteOffset: offset, as: FloatVector.self), m),
                                      toByteOffset: offset, as: FloatVector.self)
                }
            }
        }
        for r in 0..<rows {
            sums[r] = exponentiateRow(scores + r * paddedKeys, scores + r * paddedKeys, length: keys,
                                      maximum: maxima.loadUnaligned(fromByteOffset: r * stride, as: FloatVector.self).max(),
                                      baseTwo: true)
        }
        let block = out + head.out + first * head.outRow
        for group in 0..<paddedValueDepth / width {
            let columns = min(width, valueDepth - group * width)
            forEachBlockOfRows(rows) { r, count in
                broadcastProductBlock(a: scores + r * paddedKeys, lda: paddedKeys, rows: count,
                                      b: packedV + group * width, ldb: paddedValueDepth, depth: keys) { i, c0, c1, c2, c3 in
                    let factor = FloatVector(repeating: 1 / sums[r + i])
                    let row = block + (r + i) * head.outRow + group * width
                    storePrefix(c0 * factor, c1 * factor, c2 * factor, c3 * factor, to: row, count: columns)
                }
            }
        }
        first += rows
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
