/// Rows of `a` one task of `packedLinear` covers, and input features it adds per pass over its output rows: a
/// 96 × 512 block of `a` (192 kB) and one panel's 512 × 64 weights (128 kB) stay in the core's L2 cache while its
/// sixteen register blocks read them (blocks of 48 or 192 rows, and of 128 or 256 features, ran no faster).
let linearRowBlock = 96, linearDepthBlock = 512

/// True where `packedLinear` is faster than OpenBLAS (builds for AVX-512, where its register blocks fit: about 5 %
/// faster, and a GELU after it comes free); elsewhere it ran at 90 % of OpenBLAS's rate with AVX2.
#if WIDE_VECTORS
public let packedLinearBeatsBLAS = true
#else
public let packedLinearBeatsBLAS = false
#endif

/// Floats `packLinearWeights` writes for a `k × n` weight: `n` rounded up to whole panels of `broadcastWidth`.
public func packedLinearWeightCount(k: Int, n: Int) -> Int {
    k * roundUp(n, to: broadcastWidth)
}

/// Writes a linear layer's `k × n` weight (row-major) in panels of `broadcastWidth` columns, the layout
/// `packedLinear` reads: `packed[(p · k + t) · width + j] = w[t][p · width + j]`, zero past column `n`. `packed`
/// holds `packedLinearWeightCount(k:n:)` floats and does not alias `w`.
public func packLinearWeights(_ w: UnsafePointer<Float>, k: Int, n: Int, into packed: UnsafeMutablePointer<Float>) {
    packPanels(w, rowStride: n, rows: k, columns: n, into: packed)
}

/// A linear layer from packed weights: `output[r][j] = bias[j] + Σ_t a[r][t] · w[t][j]`, then GELU when
/// `thenGELU`, computed in register blocks (`broadcastProductBlock`) of `broadcastRows` rows × one panel of
/// `broadcastWidth` columns, `linearDepthBlock` input features at a time: the first pass adds the bias, later ones
/// add onto the output, and the last applies the GELU to each block's rows just stored, while they are in L1 (in
/// the store itself, the GELU's code made the store a call).
///
/// `a` is `rows × k`, `packedW` the weight as `packLinearWeights` lays it out, `bias` `n` values, `output`
/// `rows × n`; all dense. `output` must not alias an input. Blocks of `linearRowBlock` rows go to separate cores.
public func packedLinear(a: UnsafePointer<Float>, packedW: UnsafePointer<Float>, bias: UnsafePointer<Float>,
                         output: UnsafeMutablePointer<Float>, rows: Int, k: Int, n: Int, thenGELU: Bool = false) {
    guard k > 0 else {
        for r in 0..<rows { (output + r * n).update(from: bias, count: n) }
        if thenGELU { gelu(output, output, count: rows * n) }
        return
    }
    let width = broadcastWidth, panels = (n + width - 1) / width
    let tasks = (rows + linearRowBlock - 1) / linearRowBlock
    let x = UncheckedSendable(a), w = UncheckedSendable(packedW), b = UncheckedSendable(bias)
    let y = UncheckedSendable(output)
    parallelTasks(tasks) { _, task in
        let firstRow = task * linearRowBlock, blockRows = min(linearRowBlock, rows - firstRow)
        var depth = 0
        while depth < k {
            let depthCount = min(linearDepthBlock, k - depth), accumulate = depth > 0
            let activate = thenGELU && depth + depthCount == k
            for panel in 0..<panels {
                let columns = min(width, n - panel * width)
                let weights = w.value + (panel * k + depth) * width
                var r = 0
                while r < blockRows {
                    let count = min(broadcastRows, blockRows - r)
                    let rowsA = x.value + (firstRow + r) * k + depth
                    let rowsOut = y.value + (firstRow + r) * n + panel * width
                    // What each row of the block is added to: its own output (later passes), or the bias.
                    let addend = accumulate ? UnsafePointer(rowsOut) : b.value + panel * width
                    let addendStride = accumulate ? n : 0
                    // Stores through local functions, which are always inlined: the optimiser left closures with
                    // the GELU or the tails' code in them as calls, and every call spilled the accumulators.
                    @inline(__always) func storeWhole(_ i: Int, _ c0: FloatVector, _ c1: FloatVector, _ c2: FloatVector,
                                                      _ c3: FloatVector) {
                        let (a0, a1, a2, a3) = loadBlockRow(addend + i * addendStride)
                        storeBlockRow(c0 + a0, c1 + a1, c2 + a2, c3 + a3, to: rowsOut + i * n)
                    }
                    @inline(__always) func storeColumns(_ i: Int, _ c0: FloatVector, _ c1: FloatVector,
                                                        _ c2: FloatVector, _ c3: FloatVector) {
                        let (a0, a1, a2, a3) = loadPrefix(addend + i * addendStride, count: columns)
                        storePrefix(c0 + a0, c1 + a1, c2 + a2, c3 + a3, to: rowsOut + i * n, count: columns)
                    }
                    if columns == width {
                        broadcastProductBlock(a: rowsA, lda: k, rows: count, b: weights, ldb: width, depth: depthCount,
                                              store: storeWhole)
                    } else {
                        broadcastProductBlock(a: rowsA, lda: k, rows: count, b: weights, ldb: width, depth: depthCount,
                                              store: storeColumns)
                    }
                    if activate {
                        for i in 0..<count { mapVectors(rowsOut + i * n, rowsOut + i * n, count: columns, geluVector) }
                    }
                    r += broadcastRows
                }
            }
            depth += depthCount
        }
    }
}
