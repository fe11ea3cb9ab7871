/// Scratch floats `convTranspose2d` needs for `geometry`.
public func convTranspose2dScratchCount(_ g: ConvGeometry) -> Int {
    unfoldTileFloats(rows: g.outChannelsPerGroup * g.kernelArea, total: g.inSpatial)
}

/// 2-D transposed convolution (ONNX `ConvTranspose`) as `gemm` tiles followed by col2im accumulation.
///
/// `input` is `[batch, inChannels, inHeight, inWidth]`, `weight` `[inChannels, outChannels/groups, kH, kW]`,
/// `bias` `[outChannels]` or nil, `output` `[batch, outChannels, outHeight, outWidth]`, all dense. Input position
/// `i` with tap `k` lands on output `i·stride − padBegin + k·dilation`; taps that fall outside the output are
/// dropped (that is how ONNX `pads` crop). `scratch` holds `convTranspose2dScratchCount(geometry)` floats.
/// No argument may alias another.
public func convTranspose2d(_ g: ConvGeometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                            bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>,
                            scratch: UnsafeMutablePointer<Float>) {
    let cinG = g.inChannelsPerGroup, coutG = g.outChannelsPerGroup
    let rows = coutG * g.kernelArea
    let inSpatial = g.inSpatial
    fillBias(output, bias: bias, batch: g.batch, channels: g.outChannels, spatial: g.outSpatial)
    let tile = tileColumns(rows: rows, total: inSpatial)
    for n in 0..<g.batch {
        for group in 0..<g.groups {
            let x = input + (n * g.inChannels + group * cinG) * inSpatial
            let w = weight + group * cinG * rows
            let y = output + (n * g.outChannels + group * coutG) * g.outSpatial
            var start = 0
            while start < inSpatial {
                let columns = min(tile, inSpatial - start)
                // col[rows × columns] = Wᵀ[rows × cinG] · x[cinG × columns]
                gemm(transposeA: true, m: rows, n: columns, k: cinG, a: w, lda: rows,
                     b: x + start, ldb: inSpatial, beta: 0, c: scratch, ldc: columns)
                col2imTile(g, scratch, y, start: start, columns: columns)
                start += columns
            }
        }
    }
}

/// Adds `col[(c, kh, kw) × columns]`, for input positions `start ..< start + columns`, into one group's output.
/// Output channels are spread over the cores (each channel's plane is written by its own rows only); each input
/// row's run of taps adds only its in-range part, without a test per tap.
private func col2imTile(_ g: ConvGeometry, _ col: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                        start: Int, columns: Int) {
    let unfolded = UncheckedSendable(col), output = UncheckedSendable(y)
    parallelRanges(g.outChannelsPerGroup, minimumPerThread: max(1, (1 << 16) / max(columns * g.kernelArea, 1))) { range in
        for c in range {
            let plane = output.value + c * g.outSpatial
            for tap in 0..<g.kernelArea {
                let (kh, kw) = tap.quotientAndRemainder(dividingBy: g.kernelWidth)
                foldRow(g, unfolded.value + (c * g.kernelArea + tap) * columns, into: plane, kh: kh, kw: kw,
                        start: start, columns: columns)
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

/// Writes `bias[c]` (or zero) into every output position of channel `c`.
private func fillBias(_ output: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>?,
                      batch: Int, channels: Int, spatial: Int) {
    for n in 0..<batch {
        for c in 0..<channels {
            output.advanced(by: (n * channels + c) * spatial).update(repeating: bias?[c] ?? 0, count: spatial)
        }
    }
}
