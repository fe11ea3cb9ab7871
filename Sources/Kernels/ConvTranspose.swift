/// How `convTranspose2d` splits its work: each group's output channels in `shares` shares of at most
/// `channels`, one per core, and the input positions in tiles of `columns`.
struct ConvTransposeShares: Equatable {
    let shares: Int
    let channels: Int
    let columns: Int

    /// As many shares as cores (fewer when the group has fewer output channels); tiles sized so that a share's
    /// col2im block (or the input tile, when that is taller) holds about `cacheTileFloats`.
    init(_ g: ConvGeometry) {
        shares = max(1, min(kernelThreadCount, g.outChannelsPerGroup))
        channels = (g.outChannelsPerGroup + shares - 1) / shares
        let tiled = cacheTileColumns(tallest: max(channels * g.kernelArea, g.inChannelsPerGroup))
        columns = max(1, min(g.inSpatial, max(minimumCacheTileColumns, tiled)))
    }

    /// Scratch floats of one share: its col2im block for one tile.
    func scratchPerShare(_ g: ConvGeometry) -> Int { channels * g.kernelArea * columns }
}

/// Scratch floats `convTranspose2d` needs for `geometry`.
public func convTranspose2dScratchCount(_ g: ConvGeometry) -> Int {
    if rowTransposedConvApplies(g) { return rowTransposedConvScratchCount(g) }
    let split = ConvTransposeShares(g)
    return split.shares * split.scratchPerShare(g)
}

/// 2-D transposed convolution (ONNX `ConvTranspose`) as `gemm` tiles followed by col2im accumulation.
///
/// `input` is `[batch, inChannels, inHeight, inWidth]`, `weight` `[inChannels, outChannels/groups, kH, kW]`,
/// `bias` `[outChannels]` or nil, `output` `[batch, outChannels, outHeight, outWidth]`, all dense. Input position
/// `i` with tap `k` lands on output `i·stride − padBegin + k·dilation`; taps that fall outside the output are
/// dropped (that is how ONNX `pads` crop). `scratch` holds `convTranspose2dScratchCount(geometry)` floats.
/// No argument may alias another.
///
/// Transposed convolutions that upsample rows only (HT-Demucs's frequency decoders) are computed output row by
/// output row instead (`rowTransposedConv`). Otherwise each core takes a share of every group's output channels
/// (`ConvTransposeShares`): it fills their planes with the bias, then for each cache-sized tile of input positions
/// runs a single-threaded gemm for its channels' taps and adds them into its planes, which no other core writes.
public func convTranspose2d(_ g: ConvGeometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                            bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>,
                            scratch: UnsafeMutablePointer<Float>) {
    if rowTransposedConvApplies(g) {
        rowTransposedConv(g, input: input, weight: weight, bias: bias, output: output, scratch: scratch)
        return
    }
    let split = ConvTransposeShares(g)
    let x = UncheckedSendable(input), w = UncheckedSendable(weight), b = UncheckedSendable(bias)
    let y = UncheckedSendable(output), work = UncheckedSendable(scratch)
    guard split.shares > 1 else {
        transposedChannels(g, 0..<g.outChannelsPerGroup, columns: split.columns, input: input, weight: weight,
                           bias: bias, output: output, scratch: scratch)
        return
    }
    withSingleThreadedBLAS {
        parallelShares(g.outChannelsPerGroup, shares: split.shares) { share, channels in
            transposedChannels(g, channels, columns: split.columns, input: x.value, weight: w.value, bias: b.value,
                               output: y.value, scratch: work.value + share * split.scratchPerShare(g))
        }
    }
}

/// Writes output channels `channels` (indices within a group) of every batch item and group: their planes are
/// filled with the bias, then for each tile of at most `columns` input positions a gemm writes those channels'
/// col2im rows `(c, kh, kw) × columns` into `scratch` and `foldRow` adds each into its plane.
private func transposedChannels(_ g: ConvGeometry, _ channels: Range<Int>, columns tile: Int,
                                input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                                bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>,
                                scratch: UnsafeMutablePointer<Float>) {
    let cinG = g.inChannelsPerGroup, coutG = g.outChannelsPerGroup, taps = g.kernelArea
    let rows = coutG * taps, inSpatial = g.inSpatial, outSpatial = g.outSpatial
    for n in 0..<g.batch {
        for group in 0..<g.groups {
            let x = input + (n * g.inChannels + group * cinG) * inSpatial
            let w = weight + group * cinG * rows + channels.lowerBound * taps
            let y = output + (n * g.outChannels + group * coutG) * outSpatial
            for c in channels {
                (y + c * outSpatial).update(repeating: bias?[group * coutG + c] ?? 0, count: outSpatial)
            }
            var start = 0
            while start < inSpatial {
                let columns = min(tile, inSpatial - start)
                // col[(c, tap) × columns] = Wᵀ[(c, tap) × cinG] · x[cinG × columns] for this share's channels
                gemm(transposeA: true, m: channels.count * taps, n: columns, k: cinG, a: w, lda: rows,
                     b: x + start, ldb: inSpatial, beta: 0, c: scratch, ldc: columns)
                for (index, c) in channels.enumerated() {
                    for tap in 0..<taps {
                        let (kh, kw) = tap.quotientAndRemainder(dividingBy: g.kernelWidth)
                        foldRow(g, scratch + (index * taps + tap) * columns, into: y + c * outSpatial, kh: kh, kw: kw,
                                start: start, columns: columns)
                    }
                }
                start += columns
            }
        }
    }
}

/// Adds one col2im row — tap `(kh, kw)` for input positions `start ..< start + columns` — into an output plane.
@inline(__always)
private func foldRow(_ g: ConvGeometry, _ src: UnsafePointer<Float>, into plane: UnsafeMutablePointer<Float>,
                     kh: Int, kw: Int, start: Int, columns: Int) {
    forEachRowRun(width: g.inWidth, start: start, count: columns) { ih, iw, j, run in
        let oh = ih * g.strideHeight - g.padTop + kh * g.dilationHeight
        guard oh >= 0 && oh < g.outHeight else { return }
        let dst = plane + oh * g.outWidth, from = src + j
        let first = iw * g.strideWidth - g.padLeft + kw * g.dilationWidth  // output column of the run's first tap
        let sw = g.strideWidth
        let taps = inRangeTaps(first: first, stride: sw, count: run, limit: g.outWidth)
        if sw == 1 {
            let to = dst + first
            for r in taps { to[r] += from[r] }
        } else if !taps.isEmpty {
            var ow = first + taps.lowerBound * sw
            for r in taps {
                dst[ow] += from[r]
                ow &+= sw  // may wrap past the last tap: never read
            }
        }
    }
}
