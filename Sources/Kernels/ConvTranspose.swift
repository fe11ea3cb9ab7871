/// Scratch floats `convTranspose2d` needs for `geometry`.
public func convTranspose2dScratchCount(_ g: ConvGeometry) -> Int {
    let rows = g.outChannelsPerGroup * g.kernelArea
    return rows * tileColumns(rows: rows, total: g.inSpatial)
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
private func col2imTile(_ g: ConvGeometry, _ col: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                        start: Int, columns: Int) {
    var row = 0
    for c in 0..<g.outChannelsPerGroup {
        let plane = y + c * g.outSpatial
        for kh in 0..<g.kernelHeight {
            for kw in 0..<g.kernelWidth {
                let src = col + row * columns
                var ih = start / g.inWidth
                var iw = start % g.inWidth
                var j = 0
                while j < columns {
                    let oh = ih * g.strideHeight - g.padTop + kh * g.dilationHeight
                    let run = min(columns - j, g.inWidth - iw)
                    if oh >= 0 && oh < g.outHeight {
                        let dst = plane + oh * g.outWidth
                        var ow = iw * g.strideWidth - g.padLeft + kw * g.dilationWidth
                        for r in 0..<run {
                            if ow >= 0 && ow < g.outWidth { dst[ow] += src[j + r] }
                            ow &+= g.strideWidth  // may wrap past the last tap (a stride near Int.max): never read
                        }
                    }
                    j += run
                    iw = 0
                    ih += 1
                }
                row += 1
            }
        }
    }
}
