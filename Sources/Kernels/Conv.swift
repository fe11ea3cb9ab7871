/// Scratch floats `conv2d` needs for `geometry`.
public func conv2dScratchCount(_ g: ConvGeometry) -> Int {
    if g.isPointwise { return 0 }
    let rows = g.inChannelsPerGroup * g.kernelArea
    return rows * tileColumns(rows: rows, total: g.outSpatial)
}

/// 2-D convolution (ONNX `Conv`, cross-correlation) as im2col tiles fed to `gemm`.
///
/// `input` is `[batch, inChannels, inHeight, inWidth]`, `weight` `[outChannels, inChannels/groups, kH, kW]`,
/// `bias` `[outChannels]` or nil, `output` `[batch, outChannels, outHeight, outWidth]`; all dense. `scratch` holds
/// at least `conv2dScratchCount(geometry)` floats. Out-of-range taps read zero. No argument may alias another.
public func conv2d(_ g: ConvGeometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                   bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>,
                   scratch: UnsafeMutablePointer<Float>) {
    let cinG = g.inChannelsPerGroup, coutG = g.outChannelsPerGroup
    let rows = cinG * g.kernelArea
    let outSpatial = g.outSpatial
    fillBias(output, bias: bias, batch: g.batch, channels: g.outChannels, spatial: outSpatial)
    let tile = tileColumns(rows: rows, total: outSpatial)
    for n in 0..<g.batch {
        for group in 0..<g.groups {
            let x = input + (n * g.inChannels + group * cinG) * g.inSpatial
            let w = weight + group * coutG * rows
            let y = output + (n * g.outChannels + group * coutG) * outSpatial
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
}

/// Writes `bias[c]` (or zero) into every output position of channel `c`.
func fillBias(_ output: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>?,
              batch: Int, channels: Int, spatial: Int) {
    for n in 0..<batch {
        for c in 0..<channels {
            output.advanced(by: (n * channels + c) * spatial).update(repeating: bias?[c] ?? 0, count: spatial)
        }
    }
}

/// Unfolds output positions `start ..< start + columns` of one group into `col[rows × columns]`, where row
/// `(c, kh, kw)` holds the input sample each position's tap reads.
private func im2colTile(_ g: ConvGeometry, _ x: UnsafePointer<Float>, _ col: UnsafeMutablePointer<Float>,
                        start: Int, columns: Int) {
    let cinG = g.inChannelsPerGroup
    var row = 0
    for c in 0..<cinG {
        let plane = x + c * g.inSpatial
        for kh in 0..<g.kernelHeight {
            for kw in 0..<g.kernelWidth {
                let dst = col + row * columns
                var oh = start / g.outWidth
                var ow = start % g.outWidth
                var j = 0
                while j < columns {
                    let ih = oh * g.strideHeight - g.padTop + kh * g.dilationHeight
                    let run = min(columns - j, g.outWidth - ow)
                    if ih < 0 || ih >= g.inHeight {
                        dst.advanced(by: j).update(repeating: 0, count: run)
                    } else {
                        let src = plane + ih * g.inWidth
                        var iw = ow * g.strideWidth - g.padLeft + kw * g.dilationWidth
                        for r in 0..<run {
                            dst[j + r] = iw >= 0 && iw < g.inWidth ? src[iw] : 0
                            iw &+= g.strideWidth  // may wrap past the last tap (a stride near Int.max): never read
                        }
                    }
                    j += run
                    ow = 0
                    oh += 1
                }
                row += 1
            }
        }
    }
}
