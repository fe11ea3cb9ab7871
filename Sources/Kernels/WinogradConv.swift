/// True when `winogradConv3x3` can compute `g`: a non-empty 3×3 convolution with stride 1, no dilation, one group
/// and "same" padding of 1, so that each 2×2 block of output comes from a 4×4 block of input, whose one row of
/// tiles fits `winogradRowFloats` (a block holds at least one row).
public func winogradApplies(_ g: ConvGeometry) -> Bool {
    g.batch > 0 && g.inChannels > 0 && g.outChannels > 0 && g.outHeight > 0 && g.outWidth > 0
        && g.kernelHeight == 3 && g.kernelWidth == 3 && g.strideHeight == 1 && g.strideWidth == 1
        && g.dilationHeight == 1 && g.dilationWidth == 1 && g.groups == 1 && g.padTop == 1 && g.padLeft == 1
        && g.outHeight == g.inHeight && g.outWidth == g.inWidth
        && winogradTiles(g).columns <= winogradRowFloats / 16 / (g.inChannels + g.outChannels)
}

/// 2×2 output tiles across a row of `g`'s output, and rows of tiles.
private func winogradTiles(_ g: ConvGeometry) -> (columns: Int, rows: Int) {
    ((g.outWidth + 1) / 2, (g.outHeight + 1) / 2)
}

/// The most floats one row of tiles may need per thread (transformed input and products): 8 Mi floats, 32 MiB.
/// HT-Demucs's widest needs 3 Mi; wider shapes run as direct convolutions, whose scratch is bounded.
let winogradRowFloats = 1 << 23

/// The weights of a 3×3 convolution (`[outChannels, inChannels, 3, 3]`) transformed for `winogradConv3x3`:
/// `U[ξ][o][c]`, 16 × `outChannels` × `inChannels`, where `U[·][o][c]` is `G · w[o][c] · Gᵀ` (4 × 4) with
/// `G = [[1, 0, 0], [½, ½, ½], [½, −½, ½], [0, 0, 1]]`, computed in double precision.
public func winogradWeights(_ weight: UnsafePointer<Float>, outChannels: Int, inChannels: Int) -> [Float] {
    /// `G · (a, b, c)` for one column or row of three taps: `(a, (a + b + c) / 2, (a − b + c) / 2, c)`.
    @inline(__always) func lift(_ a: Double, _ b: Double, _ c: Double) -> (Double, Double, Double, Double) {
        (a, (a + b + c) / 2, (a - b + c) / 2, c)
    }
    let plane = outChannels * inChannels
    var u = [Float](repeating: 0, count: 16 * plane)
    u.withUnsafeMutableBufferPointer { buffer in
        let out = UncheckedSendable(buffer.baseAddress!), w = UncheckedSendable(weight)
        parallelRanges(outChannels) { channels in
            for o in channels {
                for c in 0..<inChannels {
                    let taps = w.value + (o * inChannels + c) * 9
                    @inline(__always) func tap(_ a: Int, _ b: Int) -> Double { Double(taps[a * 3 + b]) }
                    // G · w, column by column: rows p = 0 ..< 4 of each of the three columns.
                    let c0 = lift(tap(0, 0), tap(1, 0), tap(2, 0)), c1 = lift(tap(0, 1), tap(1, 1), tap(2, 1))
                    let c2 = lift(tap(0, 2), tap(1, 2), tap(2, 2))
                    // (G · w) · Gᵀ, row by row, stored at ξ = 4p + q.
                    let at = out.value + o * inChannels + c
                    @inline(__always) func store(_ p: Int, _ row: (Double, Double, Double, Double)) {
                        at[(4 * p) * plane] = Float(row.0)
                        at[(4 * p + 1) * plane] = Float(row.1)
                        at[(4 * p + 2) * plane] = Float(row.2)
                        at[(4 * p + 3) * plane] = Float(row.3)
                    }
                    store(0, lift(c0.0, c1.0, c2.0))
                    store(1, lift(c0.1, c1.1, c2.1))
                    store(2, lift(c0.2, c1.2, c2.2))
                    store(3, lift(c0.3, c1.3, c2.3))
                }
            }
        }
    }
    return u
}

/// Floats of transformed input and products one block of `winogradConv3x3` may hold: 2 Mi floats (8 MiB) per
/// core, or one row of tiles when that is larger. Bigger blocks keep the sixteen products large enough to run
/// at OpenBLAS's full rate, and the transformed weights are streamed once per block.
let winogradBlockFloats = 1 << 21

/// Rows of 2×2 output tiles per block of `winogradConv3x3`.
private func winogradBlockRows(_ g: ConvGeometry) -> Int {
    let (columns, rows) = winogradTiles(g)
    return max(1, min(rows, winogradBlockFloats / (16 * (g.inChannels + g.outChannels) * columns)))
}

/// Scratch floats `winogradConv3x3` needs for `g`: one block of transformed input and of products per thread,
/// plus four de-interleaved input rows.
public func winogradScratchCount(_ g: ConvGeometry) -> Int {
    winogradThreadFloats(g) * kernelThreadCount
}

private func winogradThreadFloats(_ g: ConvGeometry) -> Int {
    let columns = winogradTiles(g).columns
    return 16 * (g.inChannels + g.outChannels) * winogradBlockRows(g) * columns + 8 * (columns + 1)
}

/// 3×3 convolution (stride 1, padding 1, one group: `winogradApplies`) by Winograd's F(2×2, 3×3): each 2×2
/// block of output is `Aᵀ · [U ⊙ (Bᵀ · d · B)] · A` for its 4×4 input block `d`, so the sixteen element-wise
/// products over channels become sixteen matrix products `M[ξ] = U[ξ] · V[ξ]` (`outChannels × inChannels` by
/// `inChannels × tiles`) with 16/36 of direct convolution's multiply-adds. The input transforms and output
/// transforms only add and subtract (`Bᵀ` and `Aᵀ` hold 0 and ±1); `U` comes from `winogradWeights`.
///
/// Blocks of tile rows go to separate cores, each transformed into its own scratch, multiplied through
/// single-threaded gemms and transformed back into the output. `input` `[batch, inChannels, H, W]`, `output`
/// `[batch, outChannels, H, W]`, `bias` `[outChannels]` or nil; `scratch` holds `winogradScratchCount(g)` floats.
/// No argument may alias another.
public func winogradConv3x3(_ g: ConvGeometry, input: UnsafePointer<Float>, transformedWeight: UnsafePointer<Float>,
                            bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>,
                            scratch: UnsafeMutablePointer<Float>) {
    precondition(winogradApplies(g), "not a 3×3, stride 1, padding 1 convolution")
    let (tileColumns, tileRows) = winogradTiles(g)
    let blockRows = winogradBlockRows(g), blocks = (tileRows + blockRows - 1) / blockRows
    let threadFloats = winogradThreadFloats(g)
    let x = UncheckedSendable(input), u = UncheckedSendable(transformedWeight), b = UncheckedSendable(bias)
    let y = UncheckedSendable(output), work = UncheckedSendable(scratch)
    withSingleThreadedBLAS {
        for n in 0..<g.batch {
            parallelTasks(blocks) { worker, block in
                let rows = block * blockRows ..< min(tileRows, (block + 1) * blockRows)
                winogradBlock(g, n, tileRows: rows, tileColumns: tileColumns, input: x.value,
                              transformedWeight: u.value, bias: b.value, output: y.value,
                              scratch: work.value + worker * threadFloats)
            }
        }
    }
}

/// One block of `winogradConv3x3`: tile rows `tileRows` of batch item `n`.
private func winogradBlock(_ g: ConvGeometry, _ n: Int, tileRows: Range<Int>, tileColumns: Int,
                           input: UnsafePointer<Float>, transformedWeight: UnsafePointer<Float>,
                           bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>,
                           scratch: UnsafeMutablePointer<Float>) {
    let cin = g.inChannels, cout = g.outChannels
    let tiles = tileRows.count * tileColumns
    let v = scratch, m = scratch + 16 * cin * tiles
    let rowBuffer = m + 16 * cout * tiles
    for c in 0..<cin {
        let plane = input + (n * cin + c) * g.inSpatial
        for (r, i) in tileRows.enumerated() {
            transformInputTiles(plane, height: g.inHeight, width: g.inWidth, tileRow: i, tileColumns: tileColumns,
                                into: v + c * tiles + r * tileColumns, stride: cin * tiles, rows: rowBuffer)
        }
    }
    for xi in 0..<16 {
        gemm(m: cout, n: tiles, k: cin, a: transformedWeight + xi * cout * cin, lda: cin,
             b: v + xi * cin * tiles, ldb: tiles, beta: 0, c: m + xi * cout * tiles, ldc: tiles)
    }
    for o in 0..<cout {
        let plane = output + (n * cout + o) * g.outSpatial
        for (r, i) in tileRows.enumerated() {
            transformOutputTiles(m + o * tiles + r * tileColumns, stride: cout * tiles, bias: bias?[o] ?? 0,
                                 into: plane, height: g.outHeight, width: g.outWidth, tileRow: i,
                                 tileColumns: tileColumns)
        }
    }
}

/// `Bᵀ · d · B` for the `tileColumns` 4×4 input blocks of tile row `tileRow` of one input plane (block `j` starts
/// at row `2·tileRow − 1`, column `2j − 1`; samples outside the plane read zero), written as 16 runs of
/// `tileColumns` values `stride` apart (`ξ = 4p + q`). `rows` is scratch of `8 · (tileColumns + 1)` floats.
///
/// Each input row is first split into its odd and even columns (`a[j] = x[2j − 1]`, `e[j] = x[2j]`), so that a
/// block's four columns are `a[j], e[j], a[j + 1], e[j + 1]` and both transforms are vector arithmetic over `j`.
private func transformInputTiles(_ plane: UnsafePointer<Float>, height: Int, width: Int, tileRow: Int,
                                 tileColumns: Int, into v: UnsafeMutablePointer<Float>, stride: Int,
                                 rows: UnsafeMutablePointer<Float>) {
    let span = tileColumns + 1
    // Split rows 2·tileRow − 1 ... 2·tileRow + 2 into rows[4k] (odd columns) and rows[4k + span] (even).
    for k in 0..<4 {
        let odd = rows + 2 * k * span, even = odd + span
        let r = 2 * tileRow - 1 + k
        guard r >= 0 && r < height else {
            odd.update(repeating: 0, count: 2 * span)
            continue
        }
        let row = plane + r * width
        var j = 0
        while j < span {
            let c = 2 * j - 1
            if c >= 0 && c + 2 * vectorWidth <= width && j + vectorWidth <= span {
                let pair = UnsafeRawPointer(row + c).loadUnaligned(as: FloatVectorPair.self)
                UnsafeMutableRawPointer(odd + j).storeBytes(of: pair.evenHalf, as: FloatVector.self)
                UnsafeMutableRawPointer(even + j).storeBytes(of: pair.oddHalf, as: FloatVector.self)
                j += vectorWidth
            } else {
                odd[j] = c >= 0 && c < width ? row[c] : 0
                even[j] = c + 1 < width ? row[c + 1] : 0
                j += 1
            }
        }
    }
    forEachLane(tileColumns) { j, lanes in
        /// Row transform of input row `k`: `d · B` for the four columns of each block.
        @inline(__always) func rowTransform(_ k: Int) -> (FloatVector, FloatVector, FloatVector, FloatVector) {
            let odd = UnsafePointer(rows + 2 * k * span + j), even = odd + span
            let d0 = lanes.load(odd), d1 = lanes.load(even), d2 = lanes.load(odd + 1), d3 = lanes.load(even + 1)
            return (d0 - d2, d1 + d2, d2 - d1, d1 - d3)
        }
        /// Column transform of component `q` of the four transformed rows, stored at `ξ = 4p + q`.
        @inline(__always) func store(_ q: Int, _ t0: FloatVector, _ t1: FloatVector, _ t2: FloatVector,
                                     _ t3: FloatVector) {
            lanes.store(t0 - t2, to: v + q * stride + j)
            lanes.store(t1 + t2, to: v + (4 + q) * stride + j)
            lanes.store(t2 - t1, to: v + (8 + q) * stride + j)
            lanes.store(t1 - t3, to: v + (12 + q) * stride + j)
        }
        let r0 = rowTransform(0), r1 = rowTransform(1), r2 = rowTransform(2), r3 = rowTransform(3)
        store(0, r0.0, r1.0, r2.0, r3.0)
        store(1, r0.1, r1.1, r2.1, r3.1)
        store(2, r0.2, r1.2, r2.2, r3.2)
        store(3, r0.3, r1.3, r2.3, r3.3)
    }
}

/// `Aᵀ · m · A + bias` for the `tileColumns` 2×2 output blocks of tile row `tileRow` of one output plane, from
/// the 16 runs of products `stride` apart (`ξ = 4p + q`), with `Aᵀ = [[1, 1, 1, 0], [0, 1, −1, −1]]`. Rows and
/// columns past the plane's edge (odd sizes) are dropped.
private func transformOutputTiles(_ m: UnsafePointer<Float>, stride: Int, bias: Float,
                                  into plane: UnsafeMutablePointer<Float>, height: Int, width: Int, tileRow: Int,
                                  tileColumns: Int) {
    for a in 0..<2 {
        let r = 2 * tileRow + a
        guard r < height else { break }
        let row = plane + r * width
        forEachLane(tileColumns) { j, lanes in
            /// Row `a` of `Aᵀ` applied down column `q`: `Σ_p Aᵀ[a][p] · m[4p + q]`.
            @inline(__always) func column(_ q: Int) -> FloatVector {
                let m1 = lanes.load(m + (4 + q) * stride + j), m2 = lanes.load(m + (8 + q) * stride + j)
                return a == 0 ? lanes.load(m + q * stride + j) + m1 + m2 : m1 - m2 - lanes.load(m + (12 + q) * stride + j)
            }
            let s0 = column(0), s1 = column(1), s2 = column(2), s3 = column(3)
            var pair = FloatVectorPair()
            pair.evenHalf = s0 + s1 + s2 + bias
            pair.oddHalf = s1 - s2 - s3 + bias
            if lanes.count == vectorWidth && 2 * (j + vectorWidth) <= width {
                UnsafeMutableRawPointer(row + 2 * j).storeBytes(of: pair, as: FloatVectorPair.self)
            } else {
                for l in 0..<min(2 * lanes.count, width - 2 * j) { row[2 * j + l] = pair[l] }
            }
        }
    }
}
