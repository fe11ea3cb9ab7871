/// True when `winogradConv` can compute `g`: a non-empty convolution with stride 1, no dilation, one group and
/// "same" padding of 1, either 3×3, so that each 4×4 block of output comes from a 6×6 block of input, whose one
/// row of tiles fits `winogradRowFloats` (a block holds at least one row), or 1-D with 3 taps (height 1), where
/// each 4 outputs come from 6 inputs and blocks split the row, and with more output channels than `thinConv1d`
/// takes (its direct register blocks are faster for those).
public func winogradApplies(_ g: ConvGeometry) -> Bool {
    guard g.batch > 0 && g.inChannels > 0 && g.outChannels > 0 && g.outHeight > 0 && g.outWidth > 0
        && g.kernelWidth == 3 && g.strideHeight == 1 && g.strideWidth == 1 && g.dilationHeight == 1
        && g.dilationWidth == 1 && g.groups == 1 && g.padLeft == 1
        && g.outHeight == g.inHeight && g.outWidth == g.inWidth else { return false }
    if isWinogradRow(g) { return !thinConvApplies(g) }
    return g.kernelHeight == 3 && g.padTop == 1
        && winogradTiles(g).columns <= winogradRowFloats / 36 / (g.inChannels + g.outChannels)
}

/// True for the 1-D form: one row, three taps along it.
private func isWinogradRow(_ g: ConvGeometry) -> Bool { g.kernelHeight == 1 && g.inHeight == 1 && g.padTop == 0 }

/// Element-wise products of `g`'s Winograd form: 36 (6 × 6 tiles) for 3×3, 6 for the 1-D form.
public func winogradProducts(_ g: ConvGeometry) -> Int { isWinogradRow(g) ? 6 : 36 }

/// True when `winogradConv` computes `g`'s products in its own register blocks (`broadcastProductBlock`) instead of
/// OpenBLAS: builds for AVX-512 (`packedLinearBeatsBLAS`), the 3×3 form, output channels in whole panels of
/// `broadcastWidth`. The blocks' rows are tiles, read down the transformed input's columns where the transform
/// wrote them, so nothing is packed per call; the weights come in panels (`winogradWeights` with `panels`).
public func winogradProductPanels(_ g: ConvGeometry) -> Bool {
    packedLinearBeatsBLAS && !isWinogradRow(g) && g.outChannels % broadcastWidth == 0
}

/// 4×4 output tiles across a row of `g`'s output, and rows of tiles.
private func winogradTiles(_ g: ConvGeometry) -> (columns: Int, rows: Int) {
    ((g.outWidth + 3) / 4, (g.outHeight + 3) / 4)
}

/// The most floats one row of tiles may need per thread (transformed input and products): 8 Mi floats, 32 MiB.
/// HT-Demucs's widest needs under half a Mi; wider shapes run as direct convolutions, whose scratch is bounded.
let winogradRowFloats = 1 << 23

/// `g`'s weight (`[outChannels, inChannels, kernelHeight, 3]`) transformed in the layout `winogradConv` reads for
/// `g`: `winogradWeights` with `g`'s channels and kernel height, in panels where `winogradProductPanels(g)`.
public func winogradWeights(_ weight: UnsafePointer<Float>, for g: ConvGeometry) -> [Float] {
    winogradWeights(weight, outChannels: g.outChannels, inChannels: g.inChannels, kernelHeight: g.kernelHeight,
                    panels: winogradProductPanels(g))
}

/// The weights of a 3×3 convolution (`[outChannels, inChannels, 3, 3]`) transformed for `winogradConv`:
/// `U[ξ][o][c]`, 36 × `outChannels` × `inChannels`, where `U[·][o][c]` is `G · w[o][c] · Gᵀ` (6 × 6, stored at
/// `ξ = 6p + q`) with `G = [[¼, 0, 0], [−⅙, −⅙, −⅙], [−⅙, ⅙, −⅙], [1/24, 1/12, ⅙], [1/24, −1/12, ⅙], [0, 0, 1]]`,
/// computed in double precision. With `kernelHeight` 1 (a 1-D convolution, `[outChannels, inChannels, 3]`), 6 ×
/// `outChannels` × `inChannels`: `U[q][o][c]` is row `q` of `G · w[o][c]`. With `panels` (for
/// `winogradProductPanels`; `outChannels` a multiple of `broadcastWidth`), each `U[ξ]` is stored transposed in
/// panels of `broadcastWidth` output channels instead, as `packLinearWeights` lays out a weight:
/// `U[ξ][o][c]` at `ξ · outChannels · inChannels + ((o / width) · inChannels + c) · width + o % width`.
func winogradWeights(_ weight: UnsafePointer<Float>, outChannels: Int, inChannels: Int,
                     kernelHeight: Int = 3, panels: Bool = false) -> [Float] {
    typealias Lifted = (Double, Double, Double, Double, Double, Double)
    /// `G · (a, b, c)` for one column or row of three taps.
    @inline(__always) func lift(_ a: Double, _ b: Double, _ c: Double) -> Lifted {
        (a / 4, -(a + b + c) / 6, -(a - b + c) / 6, a / 24 + b / 12 + c / 6, a / 24 - b / 12 + c / 6, c)
    }
    precondition(kernelHeight == 1 || kernelHeight == 3, "a 3×3 or 1-D three-tap kernel")
    precondition(!panels || outChannels % broadcastWidth == 0, "panels need whole panels of output channels")
    let plane = outChannels * inChannels, width = broadcastWidth
    var u = [Float](repeating: 0, count: (kernelHeight == 1 ? 6 : 36) * plane)
    u.withUnsafeMutableBufferPointer { buffer in
        let out = UncheckedSendable(buffer.baseAddress!), w = UncheckedSendable(weight)
        parallelRanges(outChannels) { channels in
            for o in channels {
                for c in 0..<inChannels {
                    let at = out.value + (panels ? ((o / width) * inChannels + c) * width + o % width
                                                          : o * inChannels + c)
                    @inline(__always) func store(_ p: Int, _ row: Lifted) {
                        at[(6 * p) * plane] = Float(row.0)
                        at[(6 * p + 1) * plane] = Float(row.1)
                        at[(6 * p + 2) * plane] = Float(row.2)
                        at[(6 * p + 3) * plane] = Float(row.3)
                        at[(6 * p + 4) * plane] = Float(row.4)
                        at[(6 * p + 5) * plane] = Float(row.5)
                    }
                    if kernelHeight == 1 {
                        let taps = w.value + (o * inChannels + c) * 3
                        store(0, lift(Double(taps[0]), Double(taps[1]), Double(taps[2])))
                        continue
                    }
                    let taps = w.value + (o * inChannels + c) * 9
                    @inline(__always) func tap(_ a: Int, _ b: Int) -> Double { Double(taps[a * 3 + b]) }
                    // G · w, column by column: rows p = 0 ..< 6 of each of the three columns.
                    let c0 = lift(tap(0, 0), tap(1, 0), tap(2, 0)), c1 = lift(tap(0, 1), tap(1, 1), tap(2, 1))
                    let c2 = lift(tap(0, 2), tap(1, 2), tap(2, 2))
                    // (G · w) · Gᵀ, row by row, stored at ξ = 6p + q.
                    store(0, lift(c0.0, c1.0, c2.0))
                    store(1, lift(c0.1, c1.1, c2.1))
                    store(2, lift(c0.2, c1.2, c2.2))
                    store(3, lift(c0.3, c1.3, c2.3))
                    store(4, lift(c0.4, c1.4, c2.4))
                    store(5, lift(c0.5, c1.5, c2.5))
                }
            }
        }
    }
    return u
}

/// Floats of transformed input and products one block of the 3×3 form may hold: 1 Mi floats (4 MiB) per
/// core, or one row of tiles when that is larger. Big blocks keep the 36 products large enough to run at
/// OpenBLAS's full rate, and the transformed weights are streamed once per block; on a Zen 4 core the four
/// HT-Demucs rewrites ran 0.01 s faster with 4 MiB than with 8 MiB (2 MiB: no better).
let winogradBlockFloats = 1 << 20

/// Rows of 4×4 output tiles per block of the 3×3 form.
private func winogradBlockRows(_ g: ConvGeometry) -> Int {
    let (columns, rows) = winogradTiles(g)
    return max(1, min(rows, winogradBlockFloats / (36 * (g.inChannels + g.outChannels) * columns)))
}

/// Floats of transformed input and products one block of the 1-D form may hold: 512 Ki floats (2 MiB) per core,
/// which stay in cache between the transform, the six products and the transform back (larger blocks of the
/// time decoders' rewrites measured slower), but at least `winogradRowBlockMinimum` tiles.
let winogradRowBlockFloats = 1 << 19

/// Tiles per block below which the 1-D form's products get too narrow to run at the gemm's rate.
let winogradRowBlockMinimum = 64

/// Tiles (4 outputs each) per block of the 1-D form.
private func winogradRowBlockTiles(_ g: ConvGeometry) -> Int {
    let tiles = winogradTiles(g).columns
    return min(tiles, max(winogradRowBlockMinimum, winogradRowBlockFloats / (6 * (g.inChannels + g.outChannels))))
}

/// Scratch floats `winogradConv` needs for `g`: one block of transformed input and of products per thread, plus
/// (3×3) one tile row's transformed input rows in four phases and a row of zeros, or (1-D) the block's input in
/// four phases, and one tile row's (1-D: one block's) outputs of two channels for a GLU; with
/// `winogradProductPanels`, also one product tiles-first.
public func winogradScratchCount(_ g: ConvGeometry) -> Int {
    winogradThreadFloats(g) * kernelThreadCount
}

private func winogradThreadFloats(_ g: ConvGeometry) -> Int {
    if isWinogradRow(g) {
        let tiles = winogradRowBlockTiles(g)
        return 6 * (g.inChannels + g.outChannels) * tiles + 4 * (tiles + 1) + 2 * 4 * tiles
    }
    let columns = winogradTiles(g).columns, tiles = winogradBlockRows(g) * columns
    return 36 * (g.inChannels + g.outChannels) * tiles + 24 * (columns + 1) + g.inWidth + 2 * 4 * g.outWidth
        + (winogradProductPanels(g) ? tiles * g.outChannels : 0)
}

/// Convolution with three taps along each axis (3×3) or along a row (1-D), stride 1, padding 1, one group
/// (`winogradApplies`), by Winograd's F(4×4, 3×3) or F(4, 3): each 4×4 block of output is `Aᵀ · [U ⊙ (Bᵀ · d ·
/// B)] · A` for its 6×6 input block `d` (1-D: each 4 outputs `Aᵀ · [U ⊙ (Bᵀ · d)]` for 6 inputs), so the 36 (6)
/// element-wise products over channels become 36 (6) matrix products `M[ξ] = U[ξ] · V[ξ]` (`outChannels ×
/// inChannels` by `inChannels × tiles`) with 36/144 (6/12) of direct convolution's multiply-adds. The input and
/// output transforms (`winogradInput`, `winogradOutput`) only add and scale by small powers of two; `U` comes from
/// `winogradWeights`.
///
/// Blocks of tile rows (1-D: of tiles along the row) go to separate cores, each transformed into its own scratch,
/// multiplied through single-threaded gemms and transformed back into the output. With `gatedLinear`, the output
/// is the GLU over the convolution's channels, `y[c] = conv[c] · sigmoid(conv[outChannels / 2 + c])`, each tile
/// row's (1-D: block's) two channels gated as they are transformed back. `input` `[batch, inChannels, H, W]`,
/// `output` `[batch, outChannels, H, W]` (`outChannels / 2` with `gatedLinear`), `bias` `[outChannels]` or nil;
/// `transformedWeight` is `winogradWeights(_:for: g)`; `scratch` holds
/// `winogradScratchCount(g)` floats. No argument may alias another.
public func winogradConv(_ g: ConvGeometry, input: UnsafePointer<Float>, transformedWeight: UnsafePointer<Float>,
                         bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>, gatedLinear: Bool = false,
                         scratch: UnsafeMutablePointer<Float>) {
    precondition(winogradApplies(g), "not a 3×3 or 1-D three-tap, stride 1, padding 1 convolution")
    precondition(!gatedLinear || g.outChannels % 2 == 0, "GLU needs an even channel count")
    let (tileColumns, tileRows) = winogradTiles(g)
    let row = isWinogradRow(g)
    let blockTiles = row ? winogradRowBlockTiles(g) : winogradBlockRows(g)
    let blocks = ((row ? tileColumns : tileRows) + blockTiles - 1) / blockTiles
    let threadFloats = winogradThreadFloats(g)
    let x = UncheckedSendable(input), u = UncheckedSendable(transformedWeight), b = UncheckedSendable(bias)
    let y = UncheckedSendable(output), work = UncheckedSendable(scratch)
    withSingleThreadedBLAS {
        for n in 0..<g.batch {
            parallelTasks(blocks) { worker, block in
                if row {
                    winogradRowBlock(g, n, tiles: block * blockTiles ..< min(tileColumns, (block + 1) * blockTiles),
                                     input: x.value, transformedWeight: u.value, bias: b.value, output: y.value,
                                     gatedLinear: gatedLinear, scratch: work.value + worker * threadFloats)
                    return
                }
                let rows = block * blockTiles ..< min(tileRows, (block + 1) * blockTiles)
                winogradBlock(g, n, tileRows: rows, tileColumns: tileColumns, input: x.value,
                              transformedWeight: u.value, bias: b.value, output: y.value, gatedLinear: gatedLinear,
                              scratch: work.value + worker * threadFloats)
            }
        }
    }
}

/// One block of the 1-D form: tiles `tiles` (outputs `4 · tiles.lowerBound ..< 4 · tiles.upperBound`) of batch
/// item `n`.
private func winogradRowBlock(_ g: ConvGeometry, _ n: Int, tiles: Range<Int>, input: UnsafePointer<Float>,
                              transformedWeight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                              output: UnsafeMutablePointer<Float>, gatedLinear: Bool,
                              scratch: UnsafeMutablePointer<Float>) {
    let cin = g.inChannels, cout = g.outChannels, count = tiles.count
    let v = scratch, m = scratch + 6 * cin * count, phases = m + 6 * cout * count
    let values = phases + 4 * (count + 1), gates = values + 4 * count
    for c in 0..<cin {
        transformInputRow(input + (n * cin + c) * g.inWidth, width: g.inWidth, tiles: tiles, into: v + c * count,
                          stride: cin * count, phases: phases)
    }
    for q in 0..<6 {
        gemm(m: cout, n: count, k: cin, a: transformedWeight + q * cout * cin, lda: cin,
             b: v + q * cin * count, ldb: count, beta: 0, c: m + q * cout * count, ldc: count)
    }
    let first = 4 * tiles.lowerBound, outputs = min(4 * count, g.outWidth - first)
    /// `Aᵀ · m + bias` for channel `o`'s tiles, the block's `outputs` outputs from `into`.
    func transform(_ o: Int, into row: UnsafeMutablePointer<Float>) {
        let shift = bias?[o] ?? 0
        // A local function, always inlined (as a closure it was left a call per vector).
        @inline(__always) func tiles(_ j: Int, _ lanes: VectorLanes) {
            let at = m + o * count + j, step = cout * count
            let y = winogradOutput(lanes.load(at), lanes.load(at + step), lanes.load(at + 2 * step),
                                   lanes.load(at + 3 * step), lanes.load(at + 4 * step), lanes.load(at + 5 * step))
            storeOutputRun(y, bias: shift, lanes: lanes, to: row + 4 * j, available: outputs - 4 * j)
        }
        forEachLane(count, tiles)
    }
    let outChannels = gatedLinear ? cout / 2 : cout
    for o in 0..<outChannels {
        let row = output + (n * outChannels + o) * g.outWidth + first
        guard gatedLinear else {
            transform(o, into: row)
            continue
        }
        transform(o, into: values)
        transform(outChannels + o, into: gates)
        gateRun(values, gates, row, count: outputs)
    }
}

/// One block of the 3×3 form: tile rows `tileRows` of batch item `n`.
private func winogradBlock(_ g: ConvGeometry, _ n: Int, tileRows: Range<Int>, tileColumns: Int,
                           input: UnsafePointer<Float>, transformedWeight: UnsafePointer<Float>,
                           bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>, gatedLinear: Bool,
                           scratch: UnsafeMutablePointer<Float>) {
    let cin = g.inChannels, cout = g.outChannels
    let tiles = tileRows.count * tileColumns
    let v = scratch, m = scratch + 36 * cin * tiles
    let phases = m + 36 * cout * tiles, zeros = phases + 24 * (tileColumns + 1)
    let values = zeros + g.inWidth, gates = values + 4 * g.outWidth, transposed = gates + 4 * g.outWidth
    zeros.update(repeating: 0, count: g.inWidth)
    for c in 0..<cin {
        let plane = input + (n * cin + c) * g.inSpatial
        for (r, i) in tileRows.enumerated() {
            transformInputTiles(plane, height: g.inHeight, width: g.inWidth, tileRow: i, tileColumns: tileColumns,
                                into: v + c * tiles + r * tileColumns, stride: cin * tiles, phases: phases,
                                zeros: zeros)
        }
    }
    for xi in 0..<36 {
        let product = m + xi * cout * tiles
        guard winogradProductPanels(g) else {
            gemm(m: cout, n: tiles, k: cin, a: transformedWeight + xi * cout * cin, lda: cin,
                 b: v + xi * cin * tiles, ldb: tiles, beta: 0, c: product, ldc: tiles)
            continue
        }
        winogradPanelProduct(v + xi * cin * tiles, transformedWeight + xi * cout * cin, inChannels: cin,
                             outChannels: cout, tiles: tiles, into: product, transposed: transposed)
    }
    let outChannels = gatedLinear ? cout / 2 : cout
    for o in 0..<outChannels {
        let plane = output + (n * outChannels + o) * g.outSpatial
        for (r, i) in tileRows.enumerated() {
            /// `Aᵀ · m · A + bias` for channel `c`'s tiles of this tile row, into `rows`: the plane itself, or the
            /// tile row's four output rows alone.
            func transform(_ c: Int, into rows: UnsafeMutablePointer<Float>, alone: Bool) {
                transformOutputTiles(m + c * tiles + r * tileColumns, stride: cout * tiles, bias: bias?[c] ?? 0,
                                     into: rows, height: alone ? min(4, g.outHeight - 4 * i) : g.outHeight,
                                     width: g.outWidth, tileRow: alone ? 0 : i, tileColumns: tileColumns)
            }
            guard gatedLinear else {
                transform(o, into: plane, alone: false)
                continue
            }
            transform(o, into: values, alone: true)
            transform(outChannels + o, into: gates, alone: true)
            gateRun(values, gates, plane + 4 * i * g.outWidth, count: min(4, g.outHeight - 4 * i) * g.outWidth)
        }
    }
}

/// One product `M[ξ] = U[ξ] · V[ξ]` for `winogradProductPanels`: `v` is `V[ξ]` (`inChannels × tiles`), `u` is
/// `U[ξ]` in panels of `broadcastWidth` output channels (`winogradWeights` with `panels`). Register blocks of
/// `broadcastRows` tiles × one panel read the tiles down `v`'s columns and write `Mᵀ` (`tiles × outChannels`) to
/// `transposed`, which is then transposed into `m` (`outChannels × tiles`). No argument may alias another.
private func winogradPanelProduct(_ v: UnsafePointer<Float>, _ u: UnsafePointer<Float>, inChannels: Int,
                                  outChannels: Int, tiles: Int, into m: UnsafeMutablePointer<Float>,
                                  transposed: UnsafeMutablePointer<Float>) {
    let width = broadcastWidth
    for panel in 0..<outChannels / width {
        var r = 0
        while r < tiles {
            broadcastProductBlock(a: v + r, lda: 1, depthStride: tiles, rows: min(broadcastRows, tiles - r),
                                  b: u + panel * inChannels * width, ldb: width, depth: inChannels) { i, c0, c1, c2, c3 in
                storeBlockRow(c0, c1, c2, c3, to: transposed + (r + i) * outChannels + panel * width)
            }
            r += broadcastRows
        }
    }
    transposeMatrix(transposed, rowStride: outChannels, rows: tiles, columns: outChannels, into: m, rowStride: tiles)
}

/// `Bᵀ · d` of Winograd's F(4, 3) for six samples `d` in each lane, with `Bᵀ = [[4, 0, −5, 0, 1, 0],
/// [0, −4, −4, 1, 1, 0], [0, 4, −4, −1, 1, 0], [0, −2, −1, 2, 1, 0], [0, 2, −1, −2, 1, 0], [0, 4, 0, −5, 0, 1]]`.
@inline(__always)
private func winogradInput<V: SIMD>(_ d0: V, _ d1: V, _ d2: V, _ d3: V, _ d4: V, _ d5: V) -> (V, V, V, V, V, V)
where V.Scalar == Float {
    let a = d4 - 4 * d2, b = d3 - 4 * d1, e = d4 - d2, f = 2 * (d3 - d1)
    return (4 * d0 - 5 * d2 + d4, a + b, a - b, e + f, e - f, 4 * d1 - 5 * d3 + d5)
}

/// `Aᵀ · m` of Winograd's F(4, 3) for six products `m` in each lane, with `Aᵀ = [[1, 1, 1, 1, 1, 0],
/// [0, 1, −1, 2, −2, 0], [0, 1, 1, 4, 4, 0], [0, 1, −1, 8, −8, 1]]`.
@inline(__always)
private func winogradOutput(_ m0: FloatVector, _ m1: FloatVector, _ m2: FloatVector, _ m3: FloatVector,
                            _ m4: FloatVector, _ m5: FloatVector) -> (FloatVector, FloatVector, FloatVector, FloatVector) {
    let a = m1 + m2, b = m1 - m2, c = m3 + m4, e = m3 - m4
    return (m0 + a + c, b + 2 * e, a + 4 * c, b + 8 * e + m5)
}

/// `Bᵀ · d · B` for the `tileColumns` 6×6 input blocks of tile row `tileRow` of one input plane (block `j` starts
/// at row `4·tileRow − 1`, column `4j − 1`; samples outside the plane read zero), written as 36 runs of
/// `tileColumns` values `stride` apart (`ξ = 6p + q`).
///
/// The six input rows are first split into their four column phases (`phase_s[j] = row[4j − 1 + s]`) and
/// combined, phase by phase, into the six rows of `Bᵀ · d`, kept in phases in `phases` (`24 · (tileColumns + 1)`
/// floats): block `j`'s six columns are then `phase_0…3[j], phase_0[j + 1], phase_1[j + 1]`, and the row
/// transform is vector arithmetic over `j`. `zeros` holds `width` zeros, read for rows outside the plane.
private func transformInputTiles(_ plane: UnsafePointer<Float>, height: Int, width: Int, tileRow: Int,
                                 tileColumns: Int, into v: UnsafeMutablePointer<Float>, stride: Int,
                                 phases: UnsafeMutablePointer<Float>, zeros: UnsafePointer<Float>) {
    let span = tileColumns + 1
    @inline(__always) func inputRow(_ k: Int) -> UnsafePointer<Float> {
        let r = 4 * tileRow - 1 + k
        return r >= 0 && r < height ? plane + r * width : zeros
    }
    let r0 = inputRow(0), r1 = inputRow(1), r2 = inputRow(2), r3 = inputRow(3), r4 = inputRow(4), r5 = inputRow(5)
    var j = 0
    while j < span {
        let c = 4 * j - 1
        if c >= 0 && c + 4 * vectorWidth <= width && j + vectorWidth <= span {
            let d0 = loadPhases(r0 + c), d1 = loadPhases(r1 + c), d2 = loadPhases(r2 + c)
            let d3 = loadPhases(r3 + c), d4 = loadPhases(r4 + c), d5 = loadPhases(r5 + c)
            /// Phase `s` of the six rows of `Bᵀ · d`, `vectorWidth` blocks' worth.
            @inline(__always) func split(_ s: Int, _ t: (FloatVector, FloatVector, FloatVector, FloatVector,
                                                          FloatVector, FloatVector)) {
                let at = UnsafeMutableRawPointer(phases + s * span + j), rowBytes = 4 * span * MemoryLayout<Float>.stride
                at.storeBytes(of: t.0, as: FloatVector.self)
                at.storeBytes(of: t.1, toByteOffset: rowBytes, as: FloatVector.self)
                at.storeBytes(of: t.2, toByteOffset: 2 * rowBytes, as: FloatVector.self)
                at.storeBytes(of: t.3, toByteOffset: 3 * rowBytes, as: FloatVector.self)
                at.storeBytes(of: t.4, toByteOffset: 4 * rowBytes, as: FloatVector.self)
                at.storeBytes(of: t.5, toByteOffset: 5 * rowBytes, as: FloatVector.self)
            }
            split(0, winogradInput(d0.0, d1.0, d2.0, d3.0, d4.0, d5.0))
            split(1, winogradInput(d0.1, d1.1, d2.1, d3.1, d4.1, d5.1))
            split(2, winogradInput(d0.2, d1.2, d2.2, d3.2, d4.2, d5.2))
            split(3, winogradInput(d0.3, d1.3, d2.3, d3.3, d4.3, d5.3))
            j += vectorWidth
        } else {
            @inline(__always) func four(_ row: UnsafePointer<Float>) -> SIMD4<Float> {
                var d = SIMD4<Float>()
                for s in 0..<4 where c + s >= 0 && c + s < width { d[s] = row[c + s] }
                return d
            }
            @inline(__always) func split(_ p: Int, _ t: SIMD4<Float>) {
                for s in 0..<4 { phases[(4 * p + s) * span + j] = t[s] }
            }
            let t = winogradInput(four(r0), four(r1), four(r2), four(r3), four(r4), four(r5))
            split(0, t.0)
            split(1, t.1)
            split(2, t.2)
            split(3, t.3)
            split(4, t.4)
            split(5, t.5)
            j += 1
        }
    }
    forEachLane(tileColumns) { j, lanes in
        for p in 0..<6 {
            storeTransformedColumns(UnsafePointer(phases + 4 * p * span + j), span: span, lanes: lanes,
                                    to: v + 6 * p * stride + j, stride: stride)
        }
    }
}

/// `Bᵀ · d` for `lanes.count` consecutive blocks of six samples held in four phases from `phase` (rows `span`
/// apart; block `j`'s samples are `phase_0…3[j], phase_0[j + 1], phase_1[j + 1]`), stored as six runs `stride`
/// apart from `out`.
@inline(__always)
private func storeTransformedColumns(_ phase: UnsafePointer<Float>, span: Int, lanes: VectorLanes,
                                     to out: UnsafeMutablePointer<Float>, stride: Int) {
    let t = winogradInput(lanes.load(phase), lanes.load(phase + span), lanes.load(phase + 2 * span),
                          lanes.load(phase + 3 * span), lanes.load(phase + 1), lanes.load(phase + span + 1))
    lanes.store(t.0, to: out)
    lanes.store(t.1, to: out + stride)
    lanes.store(t.2, to: out + 2 * stride)
    lanes.store(t.3, to: out + 3 * stride)
    lanes.store(t.4, to: out + 4 * stride)
    lanes.store(t.5, to: out + 5 * stride)
}

/// `Bᵀ · d` of the 1-D form for tiles `tiles` of one input row (tile `j`'s six samples start at column `4j − 1`;
/// samples outside the row read zero), written as six runs of `tiles.count` values `stride` apart. The row is
/// first split into its four column phases in `phases` (`4 · (tiles.count + 1)` floats), as the 3×3 form does.
private func transformInputRow(_ row: UnsafePointer<Float>, width: Int, tiles: Range<Int>,
                               into v: UnsafeMutablePointer<Float>, stride: Int, phases: UnsafeMutablePointer<Float>) {
    let span = tiles.count + 1
    var j = 0
    while j < span {
        let c = 4 * (tiles.lowerBound + j) - 1
        if c >= 0 && c + 4 * vectorWidth <= width && j + vectorWidth <= span {
            let d = loadPhases(row + c)
            let at = UnsafeMutableRawPointer(phases + j), rowBytes = span * MemoryLayout<Float>.stride
            at.storeBytes(of: d.0, as: FloatVector.self)
            at.storeBytes(of: d.1, toByteOffset: rowBytes, as: FloatVector.self)
            at.storeBytes(of: d.2, toByteOffset: 2 * rowBytes, as: FloatVector.self)
            at.storeBytes(of: d.3, toByteOffset: 3 * rowBytes, as: FloatVector.self)
            j += vectorWidth
        } else {
            for s in 0..<4 { phases[s * span + j] = c + s >= 0 && c + s < width ? row[c + s] : 0 }
            j += 1
        }
    }
    forEachLane(tiles.count) { j, lanes in
        storeTransformedColumns(UnsafePointer(phases + j), span: span, lanes: lanes, to: v + j, stride: stride)
    }
}

/// `Aᵀ · m · A + bias` for the `tileColumns` 4×4 output blocks of tile row `tileRow` of one output plane, from
/// the 36 runs of products `stride` apart (`ξ = 6p + q`). Rows and columns past the plane's edge are dropped.
private func transformOutputTiles(_ m: UnsafePointer<Float>, stride: Int, bias: Float,
                                  into plane: UnsafeMutablePointer<Float>, height: Int, width: Int, tileRow: Int,
                                  tileColumns: Int) {
    // A local function, always inlined (as a closure it was left a call per vector).
    @inline(__always) func tiles(_ j: Int, _ lanes: VectorLanes) {
        /// `Aᵀ` down column `q` of the blocks' products: that column's value in each of the four output rows.
        @inline(__always) func column(_ q: Int) -> (FloatVector, FloatVector, FloatVector, FloatVector) {
            let at = m + q * stride + j, step = 6 * stride
            return winogradOutput(lanes.load(at), lanes.load(at + step), lanes.load(at + 2 * step),
                                  lanes.load(at + 3 * step), lanes.load(at + 4 * step), lanes.load(at + 5 * step))
        }
        let z0 = column(0), z1 = column(1), z2 = column(2), z3 = column(3), z4 = column(4), z5 = column(5)
        /// Output row `a` of the blocks: `Aᵀ` across its six columns, the four results interleaved.
        @inline(__always) func emit(_ a: Int, _ s0: FloatVector, _ s1: FloatVector, _ s2: FloatVector,
                                    _ s3: FloatVector, _ s4: FloatVector, _ s5: FloatVector) {
            let r = 4 * tileRow + a
            guard r < height else { return }
            storeOutputRun(winogradOutput(s0, s1, s2, s3, s4, s5), bias: bias, lanes: lanes,
                           to: plane + r * width + 4 * j, available: width - 4 * j)
        }
        emit(0, z0.0, z1.0, z2.0, z3.0, z4.0, z5.0)
        emit(1, z0.1, z1.1, z2.1, z3.1, z4.1, z5.1)
        emit(2, z0.2, z1.2, z2.2, z3.2, z4.2, z5.2)
        emit(3, z0.3, z1.3, z2.3, z3.3, z4.3, z5.3)
    }
    forEachLane(tileColumns, tiles)
}

/// Stores `lanes.count` blocks of four outputs `y` (one phase each) plus `bias`, interleaved from `row`, where
/// `available` outputs fit: the last block's spare outputs are dropped.
@inline(__always)
private func storeOutputRun(_ y: (FloatVector, FloatVector, FloatVector, FloatVector), bias: Float,
                            lanes: VectorLanes, to row: UnsafeMutablePointer<Float>, available: Int) {
    if lanes.count == vectorWidth && 4 * vectorWidth <= available {
        storeInterleaved(y.0 + bias, y.1 + bias, y.2 + bias, y.3 + bias, to: row)
    } else {
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 4 * vectorWidth) { buffer in
            storeInterleaved(y.0 + bias, y.1 + bias, y.2 + bias, y.3 + bias, to: buffer.baseAddress!)
            row.update(from: buffer.baseAddress!, count: min(4 * lanes.count, available))
        }
    }
}

/// The four column phases of the `4 · vectorWidth` floats from `p`: `(x[0], x[4], …)`, `(x[1], x[5], …)`,
/// `(x[2], x[6], …)`, `(x[3], x[7], …)`, by two rounds of even/odd splits of vector pairs.
@inline(__always)
private func loadPhases(_ p: UnsafePointer<Float>) -> (FloatVector, FloatVector, FloatVector, FloatVector) {
    let raw = UnsafeRawPointer(p)
    let first = raw.loadUnaligned(as: FloatVectorPair.self)
    let second = raw.loadUnaligned(fromByteOffset: MemoryLayout<FloatVectorPair>.stride, as: FloatVectorPair.self)
    let evens = FloatVectorPair(lowHalf: first.evenHalf, highHalf: second.evenHalf)
    let odds = FloatVectorPair(lowHalf: first.oddHalf, highHalf: second.oddHalf)
    return (evens.evenHalf, odds.evenHalf, evens.oddHalf, odds.oddHalf)
}

/// Stores four phases interleaved as `4 · vectorWidth` floats from `p`: `y0[0], y1[0], y2[0], y3[0], y0[1], …`
/// (what `loadPhases` splits).
@inline(__always)
private func storeInterleaved(_ y0: FloatVector, _ y1: FloatVector, _ y2: FloatVector, _ y3: FloatVector,
                              to p: UnsafeMutablePointer<Float>) {
    var evens = FloatVectorPair(), odds = FloatVectorPair()
    (evens.evenHalf, evens.oddHalf, odds.evenHalf, odds.oddHalf) = (y0, y2, y1, y3)
    var first = FloatVectorPair(), second = FloatVectorPair()
    (first.evenHalf, first.oddHalf) = (evens.lowHalf, odds.lowHalf)
    (second.evenHalf, second.oddHalf) = (evens.highHalf, odds.highHalf)
    let raw = UnsafeMutableRawPointer(p)
    raw.storeBytes(of: first, as: FloatVectorPair.self)
    raw.storeBytes(of: second, toByteOffset: MemoryLayout<FloatVectorPair>.stride, as: FloatVectorPair.self)
}
