/// Scratch floats `conv2d` needs for `geometry`: one im2col tile, or one per thread when batch items run in
/// parallel.
public func conv2dScratchCount(_ g: ConvGeometry) -> Int {
    return im2colTileFloats(g) * (runsItemsInParallel(g) ? kernelThreadCount : 1)
}

/// Floats of one im2col tile of `g` (none for the pointwise form, which reads its input directly).
private func im2colTileFloats(_ g: ConvGeometry) -> Int {
    g.isPointwise ? 0 : unfoldTileFloats(rows: g.inChannelsPerGroup * g.kernelArea, total: g.outSpatial)
}

/// Multiply-adds per batch item below which items run on separate cores with single-threaded gemms: HT-Demucs
/// folds frequencies into the batch of its residual branches (512 items of a few hundred thousand multiply-adds),
/// where multithreaded gemms spend more time synchronising than computing.
let smallItemMultiplyAdds = 1 << 24

/// True when `conv2d` spreads batch items over the cores instead of spreading each gemm.
func runsItemsInParallel(_ g: ConvGeometry) -> Bool {
    kernelThreadCount > 1 && g.batch >= 2 * kernelThreadCount
        && g.outChannels * g.inChannelsPerGroup * g.kernelArea * g.outSpatial < smallItemMultiplyAdds
}

/// 2-D convolution (ONNX `Conv`, cross-correlation) as im2col tiles fed to `gemm`.
///
/// `input` is `[batch, inChannels, inHeight, inWidth]`, `weight` `[outChannels, inChannels/groups, kH, kW]`,
/// `bias` `[outChannels]` or nil, `output` `[batch, outChannels, outHeight, outWidth]`; all dense. `scratch` holds
/// at least `conv2dScratchCount(geometry)` floats. Out-of-range taps read zero. No argument may alias another.
public func conv2d(_ g: ConvGeometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                   bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>,
                   scratch: UnsafeMutablePointer<Float>) {
    guard runsItemsInParallel(g) else {
        for n in 0..<g.batch {
            convolveItem(g, n, input: input, weight: weight, bias: bias, output: output, scratch: scratch)
        }
        return
    }
    let tileFloats = im2colTileFloats(g)
    let x = UncheckedSendable(input), w = UncheckedSendable(weight), b = UncheckedSendable(bias)
    let y = UncheckedSendable(output), work = UncheckedSendable(scratch)
    withSingleThreadedBLAS {
        parallelShares(g.batch, shares: kernelThreadCount) { t, items in
            for n in items {
                convolveItem(g, n, input: x.value, weight: w.value, bias: b.value, output: y.value,
                             scratch: work.value + t * tileFloats)
            }
        }
    }
}

/// Writes batch item `n`'s convolution into `output`, one group and one im2col tile at a time. Each group's block
/// of `output` is filled with the bias just before the gemms that accumulate onto it: batch items run in parallel
/// fill their own (small) blocks, which the gemm then finds in cache.
private func convolveItem(_ g: ConvGeometry, _ n: Int, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                          bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>,
                          scratch: UnsafeMutablePointer<Float>) {
    let cinG = g.inChannelsPerGroup, coutG = g.outChannelsPerGroup
    let rows = cinG * g.kernelArea
    let outSpatial = g.outSpatial
    let tile = tileColumns(rows: rows, total: outSpatial)
    for group in 0..<g.groups {
        let x = input + (n * g.inChannels + group * cinG) * g.inSpatial
        let w = weight + group * coutG * rows
        let y = output + (n * g.outChannels + group * coutG) * outSpatial
        for c in 0..<coutG {
            (y + c * outSpatial).update(repeating: bias?[group * coutG + c] ?? 0, count: outSpatial)
        }
        if g.isPointwise {
            gemm(m: coutG, n: outSpatial, k: cinG, a: w, lda: cinG, b: x, ldb: outSpatial,
                 beta: 1, c: y, ldc: outSpatial)
            continue
        }
        var start = 0
        while start < outSpatial {
            let columns = min(tile, outSpatial - start)
            im2colTile(g, x, scratch, start: start, columns: columns)
            gemm(m: coutG, n: columns, k: rows, a: w, lda: rows, b: scratch, ldb: columns,
                 beta: 1, c: y + start, ldc: outSpatial)
            start += columns
        }
    }
}

/// Unfolds output positions `start ..< start + columns` of one group into `col[rows × columns]`, where row
/// `(c, kh, kw)` holds the input sample each position's tap reads. Rows are spread over the cores when there are
/// enough of them; each output row's run of taps is split into its zero margins and its in-range middle, which
/// is one contiguous copy at stride 1.
private func im2colTile(_ g: ConvGeometry, _ x: UnsafePointer<Float>, _ col: UnsafeMutablePointer<Float>,
                        start: Int, columns: Int) {
    let rows = g.inChannelsPerGroup * g.kernelArea
    let input = UncheckedSendable(x), unfolded = UncheckedSendable(col)
    parallelRanges(rows, minimumPerThread: max(1, (1 << 16) / max(columns, 1))) { range in
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
