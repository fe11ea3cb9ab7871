/// Rows of scores `attention` keeps at once per thread: 256 rows × 2,688 keys is 2.75 MB. OpenBLAS packs K
/// again for every block, so larger blocks pack less: 256 rows ran 5–9 % faster than 64 and 128 in a
/// benchmark of one HT-Demucs attention (8 heads, 2,688 tokens, 2 threads: 0.070–0.073 s, about 205 GFLOP/s).
let attentionRowBlock = 256

/// Scratch floats `attention` needs per thread: a block of scores and its rows' sums, and for the tokens-first
/// layout room for one head's keys and values gathered into dense rows.
func attentionScratchPerThread(keys: Int, depth: Int, valueDepth: Int, layout: AttentionLayout) -> Int {
    attentionRowBlock * (keys + 1) + (layout == .headsFirst ? 0 : keys * (depth + valueDepth))
}

/// Scratch floats `attention` needs.
public func attentionScratchCount(keys: Int, depth: Int, valueDepth: Int, layout: AttentionLayout = .headsFirst) -> Int {
    attentionScratchPerThread(keys: keys, depth: depth, valueDepth: valueDepth, layout: layout) * kernelThreadCount
}

/// Where `attention` finds each head's rows: offsets and row strides, in floats.
public enum AttentionLayout: Sendable, Equatable {
    /// Heads first, as the exported graph computes them: `q` `[heads, queries, depth]`, `k` transposed
    /// `[heads, depth, keys]`, `v` `[heads, keys, valueDepth]`, `out` `[heads, queries, valueDepth]`.
    case headsFirst
    /// Tokens first, as the linear layers around the attention produce and consume them (the head split is
    /// only a reshape): `q` `[batch, queries, heads, depth]`, `k` `[batch, keys, heads, depth]`, `v`
    /// `[batch, keys, heads, valueDepth]`, `out` `[batch, queries, heads, valueDepth]`; here `heads` counts the
    /// heads of one batch item and the kernel's `batch` is the number of items.
    case tokensFirst(heads: Int)
}

/// `softmax(scale · Q · Kᵀ) · V` for every head, one block of query rows at a time, so the `queries × keys`
/// score matrix is never held whole (ONNX `MatMul → Softmax(last axis) → MatMul`).
///
/// Operands are dense in the shapes `layout` gives; `headsFirst` heads number `batch`, `tokensFirst(heads: h)`
/// heads `batch · h`. `scratch` holds `attentionScratchCount(keys:depth:valueDepth:layout:)` floats. No argument may alias another.
///
/// Heads are spread over the cores, each running single-threaded gemms on its own scores block.
public func attention(q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
                      out: UnsafeMutablePointer<Float>, layout: AttentionLayout = .headsFirst, batch: Int,
                      queries: Int, keys: Int, depth: Int, valueDepth: Int, scale: Float = 1,
                      scratch: UnsafeMutablePointer<Float>) {
    let geometry = HeadGeometry(layout: layout, batch: batch, queries: queries, keys: keys, depth: depth,
                                valueDepth: valueDepth)
    let heads = geometry.count
    withSingleThreadedBLAS {
        parallelShares(heads, shares: kernelThreadCount) { t, range in
            attentionHeads(q: q, k: k, v: v, out: out, geometry, heads: range, scale: scale,
                           scratch: scratch + t * attentionScratchPerThread(keys: keys, depth: depth,
                                                                             valueDepth: valueDepth, layout: layout))
        }
    }
}

/// Offsets and row strides of one head's operands for a layout.
struct HeadGeometry {
    let layout: AttentionLayout
    let batch: Int, queries: Int, keys: Int, depth: Int, valueDepth: Int

    /// Heads in all.
    var count: Int {
        if case .tokensFirst(let heads) = layout { return batch * heads }
        return batch
    }

    /// For head `index`: where its q, k, v and out rows start, their row strides, and whether k is stored
    /// transposed (`depth × keys`).
    func head(_ index: Int) -> (q: Int, k: Int, v: Int, out: Int, qRow: Int, kRow: Int, vRow: Int, outRow: Int,
                                kTransposed: Bool) {
        switch layout {
        case .headsFirst:
            return (index * queries * depth, index * depth * keys, index * keys * valueDepth,
                    index * queries * valueDepth, depth, keys, valueDepth, valueDepth, true)
        case .tokensFirst(let heads):
            let (b, h) = index.quotientAndRemainder(dividingBy: heads)
            return ((b * queries * heads + h) * depth, (b * keys * heads + h) * depth,
                    (b * keys * heads + h) * valueDepth, (b * queries * heads + h) * valueDepth,
                    heads * depth, heads * depth, heads * valueDepth, heads * valueDepth, false)
        }
    }
}

/// `attention` for the heads in `heads`, on one thread. Each block of scores is exponentiated unnormalised and
/// multiplied by `V`; the block's output rows are then divided by their sums (`valueDepth` values a row instead
/// of one per key).
private func attentionHeads(q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
                            out: UnsafeMutablePointer<Float>, _ geometry: HeadGeometry, heads: Range<Int>,
                            scale: Float, scratch: UnsafeMutablePointer<Float>) {
    let keys = geometry.keys, depth = geometry.depth, valueDepth = geometry.valueDepth
    let sums = scratch + attentionRowBlock * keys
    let denseK = sums + attentionRowBlock, denseV = denseK + keys * depth
    for index in heads {
        var head = geometry.head(index)
        var (kBase, vBase) = (k + head.k, v + head.v)
        if case .tokensFirst = geometry.layout {
            // One head's keys and values are rows of `depth` floats spread `heads · depth` apart; the products
            // below read them once per block of queries, so gather them into dense rows once.
            for key in 0..<keys {
                (denseK + key * depth).update(from: kBase + key * head.kRow, count: depth)
                (denseV + key * valueDepth).update(from: vBase + key * head.vRow, count: valueDepth)
            }
            (kBase, vBase, head.kRow, head.vRow) = (UnsafePointer(denseK), UnsafePointer(denseV), depth, valueDepth)
        }
        var row = 0
        while row < geometry.queries {
            let rows = min(attentionRowBlock, geometry.queries - row)
            gemm(transposeB: !head.kTransposed, m: rows, n: keys, k: depth, alpha: scale,
                 a: q + head.q + row * head.qRow, lda: head.qRow, b: kBase, ldb: head.kRow,
                 beta: 0, c: scratch, ldc: keys)
            for r in 0..<rows { sums[r] = exponentiateRow(scratch + r * keys, scratch + r * keys, length: keys) }
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
}
