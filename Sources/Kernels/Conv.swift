/// Scratch floats `conv2d` needs for `geometry`: one im2col tile, or one per thread when items or tiles run in
/// parallel (or what `thinConv1d` or `rowConv` needs, where they compute it).
public func conv2dScratchCount(_ g: ConvGeometry) -> Int {
    if thinConvApplies(g) { return thinConvScratchCount(g) }
    if rowConvApplies(g) { return rowConvScratchCount(g) }
    let schedule = convSchedule(g)
    return im2colTileFloats(g, schedule) * (schedule == .wholeItems ? 1 : kernelThreadCount)
}

/// Floats of one im2col tile of `g` under `schedule` (none for the pointwise form, which reads its input
/// directly).
private func im2colTileFloats(_ g: ConvGeometry, _ schedule: ConvSchedule) -> Int {
    guard !g.isPointwise else { return 0 }
    let rows = g.inChannelsPerGroup * g.kernelArea
    if case .cacheTiles(let columns) = schedule { return rows * columns }
    return unfoldTileFloats(rows: rows, total: g.outSpatial)
}

/// True when `conv2d` reads `g`'s input in any `ItemLayout` (a 1-D convolution with few output channels,
/// computed directly: `thinConv1d`), not only densely.
public func conv2dReadsAnyLayout(_ g: ConvGeometry) -> Bool { thinConvApplies(g) }

/// How `conv2d` spreads a convolution over the cores.
enum ConvSchedule: Equatable {
    /// One batch item at a time, through multithreaded gemms over big tiles: single items whose im2col has too
    /// many rows for a cache tile wide enough to keep the gemm efficient (the decoders' deepest 3×3 convolutions).
    case wholeItems
    /// Batch items on separate cores, each with single-threaded gemms. HT-Demucs folds frequencies into the batch of
    /// its residual branches (512 items of a few hundred thousand multiply-adds), where multithreaded gemms spend
    /// more time synchronising than computing.
    case items
    /// Each item's output positions in tiles of `columns`, the tiles on separate cores, each through a
    /// single-threaded gemm whose unfolded input, packed copy and output block stay in the core's cache. With big
    /// tiles the 3×3 convolutions over many positions and few channels spent as long moving memory as multiplying.
    case cacheTiles(columns: Int)
}

/// Multiply-adds per batch item below which items run on separate cores (`ConvSchedule.items`).
let smallItemMultiplyAdds = 1 << 24

/// The schedule `conv2d` runs `g` with.
func convSchedule(_ g: ConvGeometry) -> ConvSchedule {
    guard kernelThreadCount > 1 else { return .wholeItems }
    if g.batch >= 2 * kernelThreadCount
        && g.outChannels * g.inChannelsPerGroup * g.kernelArea * g.outSpatial < smallItemMultiplyAdds {
        return .items
    }
    let columns = cacheTileColumns(tallest: max(g.inChannelsPerGroup * g.kernelArea, g.outChannelsPerGroup))
    guard columns >= minimumCacheTileColumns, g.outSpatial >= 2 * columns else { return .wholeItems }
    return .cacheTiles(columns: columns)
}

/// 2-D convolution (ONNX `Conv`, cross-correlation) as im2col tiles fed to `gemm`, spread over the cores as
/// `convSchedule` decides; thin 1-D convolutions (`thinConv1d`) and convolutions along rows only (`rowConv`) are
/// computed directly in register blocks.
///
/// `input` is `[batch, inChannels, inHeight, inWidth]`, `weight` `[outChannels, inChannels/groups, kH, kW]`,
/// `bias` `[outChannels]` or nil, `output` `[batch, outChannels, outHeight, outWidth]`; all dense, except that the
/// input may be laid out as `inputLayout` where `conv2dReadsAnyLayout(g)`. `scratch` holds at least
/// `conv2dScratchCount(geometry)` floats. Out-of-range taps read zero. No argument may alias another.
public func conv2d(_ g: ConvGeometry, input: UnsafePointer<Float>, inputLayout: ItemLayout? = nil,
                   weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>,
                   scratch: UnsafeMutablePointer<Float>) {
    precondition(inputLayout == nil || conv2dReadsAnyLayout(g), "only thin 1-D convolutions read other layouts")
    if thinConvApplies(g) {
        thinConv1d(g, input: input, inputLayout: inputLayout, weight: weight, bias: bias, output: output,
                   scratch: scratch)
        return
    }
    if rowConvApplies(g) {
        rowConv(g, input: input, weight: weight, bias: bias, output: output, scratch: scratch)
        return
    }
    let rows = g.inChannelsPerGroup * g.kernelArea, outSpatial = g.outSpatial
    let schedule = convSchedule(g), tileFloats = im2colTileFloats(g, schedule)
    let wholeTile = g.isPointwise ? outSpatial : tileColumns(rows: rows, total: outSpatial)
    let x = UncheckedSendable(input), w = UncheckedSendable(weight), b = UncheckedSendable(bias)
    let y = UncheckedSendable(output), work = UncheckedSendable(scratch)
    switch schedule {
    case .wholeItems:
        for n in 0..<g.batch {
            convolveColumns(g, n, 0..<outSpatial, tile: wholeTile, unfoldInParallel: true, input: input,
                            weight: weight, bias: bias, output: output, scratch: scratch)
        }
    case .items:
        withSingleThreadedBLAS {
            parallelTasks(g.batch) { worker, n in
                convolveColumns(g, n, 0..<outSpatial, tile: wholeTile, unfoldInParallel: false, input: x.value,
                                weight: w.value, bias: b.value, output: y.value,
                                scratch: work.value + worker * tileFloats)
            }
        }
    case .cacheTiles(let columns):
        let tiles = (outSpatial + columns - 1) / columns
        withSingleThreadedBLAS {
            for n in 0..<g.batch {
                parallelTasks(tiles) { worker, tile in
                    convolveColumns(g, n, tile * columns ..< min(outSpatial, (tile + 1) * columns),
                                    tile: columns, unfoldInParallel: false, input: x.value, weight: w.value,
                                    bias: b.value, output: y.value, scratch: work.value + worker * tileFloats)
                }
            }
        }
    }
}

/// Writes output positions `positions` of batch item `n`, for each group one tile of at most `tile` positions at
/// a time: the tile's block of the output is filled with the bias just before the gemm accumulates onto it (so
/// the gemm finds it in cache), reading the input directly (pointwise) or the tile unfolded into `scratch`
/// (`rows × tile` floats), with the unfolding spread over the cores when `unfoldInParallel`.
private func convolveColumns(_ g: ConvGeometry, _ n: Int, _ positions: Range<Int>, tile: Int, unfoldInParallel: Bool,
                             input: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                             output: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>) {
    let cinG = g.inChannelsPerGroup, coutG = g.outChannelsPerGroup
    let rows = cinG * g.kernelArea
    let outSpatial = g.outSpatial
    for group in 0..<g.groups {
        let x = input + (n * g.inChannels + group * cinG) * g.inSpatial
        let w = weight + group * coutG * rows
        let y = output + (n * g.outChannels + group * coutG) * outSpatial
        var start = positions.lowerBound
        while start < positions.upperBound {
            let columns = min(tile, positions.upperBound - start)
            for c in 0..<coutG {
                (y + c * outSpatial + start).update(repeating: bias?[group * coutG + c] ?? 0, count: columns)
            }
            if g.isPointwise {
                gemm(m: coutG, n: columns, k: cinG, a: w, lda: cinG, b: x + start, ldb: outSpatial,
                     beta: 1, c: y + start, ldc: outSpatial)
            } else {
                im2colTile(g, x, scratch, start: start, columns: columns, inParallel: unfoldInParallel)
                gemm(m: coutG, n: columns, k: rows, a: w, lda: rows, b: scratch, ldb: columns,
                     beta: 1, c: y + start, ldc: outSpatial)
            }
            start += columns
        }
    }
}

/// Unfolds output positions `start ..< start + columns` of one group into `col[rows × columns]`, where row
/// `(c, kh, kw)` holds the input sample each position's tap reads. Rows are spread over the cores when `inParallel`
/// and there are enough of them; each output row's run of taps is split into its zero margins and its in-range
/// middle, which is one contiguous copy at stride 1.
private func im2colTile(_ g: ConvGeometry, _ x: UnsafePointer<Float>, _ col: UnsafeMutablePointer<Float>,
                        start: Int, columns: Int, inParallel: Bool) {
    let rows = g.inChannelsPerGroup * g.kernelArea
    let input = UncheckedSendable(x), unfolded = UncheckedSendable(col)
    let perThread = inParallel ? max(1, (1 << 16) / max(columns, 1)) : .max
    parallelRanges(rows, minimumPerThread: perThread) { range in
        for row in range {
            let (c, tap) = row.quotientAndRemainder(dividingBy: g.kernelArea)
            let (kh, kw) = tap.quotientAndRemainder(dividingBy: g.kernelWidth)
            unfoldRow(g, plane: input.value + c * g.inSpatial, kh: kh, kw: kw,
                      into: unfolded.value + row * columns, start: start, columns: columns)
        }
    }
}

/// One im2col row: tap `(kh, kw)` of one input plane for output positions `start ..< start + columns`.
@inline(__always)
private func unfoldRow(_ g: ConvGeometry, plane: UnsafePointer<Float>, kh: Int, kw: Int,
                       into dst: UnsafeMutablePointer<Float>, start: Int, columns: Int) {
    forEachRowRun(width: g.outWidth, start: start, count: columns) { oh, ow, j, run in
        let ih = oh * g.strideHeight - g.padTop + kh * g.dilationHeight
        let out = dst + j
        guard ih >= 0 && ih < g.inHeight else {
            out.update(repeating: 0, count: run)
            return
        }
        let src = plane + ih * g.inWidth
        let first = ow * g.strideWidth - g.padLeft + kw * g.dilationWidth  // input column of the run's first tap
        let sw = g.strideWidth
        let taps = inRangeTaps(first: first, stride: sw, count: run, limit: g.inWidth)
        let (lo, hi) = (taps.lowerBound, taps.upperBound)
        out.update(repeating: 0, count: lo)
        if sw == 1 {
            out.advanced(by: lo).update(from: src + first + lo, count: hi - lo)
        } else if lo < hi {
            var iw = first + lo * sw
            for r in lo..<hi {
                out[r] = src[iw]
                iw &+= sw  // may wrap past the last tap: never read
            }
        }
        out.advanced(by: hi).update(repeating: 0, count: run - hi)
    }
}
