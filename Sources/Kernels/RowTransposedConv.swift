/// True when `rowTransposedConv` computes `g`: a transposed convolution that upsamples rows only (a `kH × 1`
/// kernel, stride and dilation 1 and no padding along the width, which passes through), one group, at most
/// `rowTransposedDepthLimit` input channels. HT-Demucs's frequency decoders upsample so: kernel (8, 1), stride (4, 1).
func rowTransposedConvApplies(_ g: ConvGeometry) -> Bool {
    g.batch > 0 && g.inChannels > 0 && g.outChannels > 0 && g.outHeight > 0 && g.outWidth > 0 && g.inHeight > 0
        && g.kernelWidth == 1 && g.strideWidth == 1 && g.dilationWidth == 1 && g.padLeft == 0
        && g.outWidth == g.inWidth && g.dilationHeight == 1 && g.groups == 1 && g.kernelHeight >= 1
        && g.inChannels <= rowTransposedDepthLimit
}

/// Input channels up to which `rowTransposedConv` packs input rows: one packed row holds `inChannels` ·
/// `width` rounded up to whole register blocks, floats.
let rowTransposedDepthLimit = 4_096

/// Scratch floats `rowTransposedConv` needs: the weights regrouped by tap, and per thread the packed input rows one
/// output row reads (`taps` of them) and one register block's partial sums.
func rowTransposedConvScratchCount(_ g: ConvGeometry) -> Int {
    g.kernelHeight * g.outChannels * g.inChannels + rowTransposedThreadFloats(g) * kernelThreadCount
}

/// Input rows that reach one output row: `ceil(kernelHeight / strideHeight)`.
private func rowTaps(_ g: ConvGeometry) -> Int { (g.kernelHeight + g.strideHeight - 1) / g.strideHeight }

private func rowTransposedThreadFloats(_ g: ConvGeometry) -> Int {
    let (rows, width) = g.rowBlock
    return rowTaps(g) * g.inChannels * roundUp(g.outWidth, to: width) + rows * width
}

/// Output rows one task of `rowTransposedConv` writes.
let rowTransposedRowsPerTask = 8

/// A transposed convolution that upsamples rows only (`rowTransposedConvApplies`), computed output row by output
/// row: row `oh` is `bias + Σ_kh W[·][·][kh]ᵀ · x[(oh + padTop − kh) / strideHeight]` over the taps `kh` whose input
/// row is whole and in range, so each output value is written once (no col2im buffer, no bias fill, no
/// read-modify-write folds, which made the last HT-Demucs decoders' upsampling memory-bound). The input rows a task
/// needs are packed in panels of one register block's width (`[block][inChannel][·]`), the weights regrouped by tap
/// once per call (`[kh][outChannel][inChannel]`), and register blocks (`registerBlockProduct`, wide or tall:
/// `ConvGeometry.rowBlocksAreTall`) of output channels × positions sum the taps. Tasks of `rowTransposedRowsPerTask`
/// output rows go to whichever core is free; each output value's sum runs in the same order wherever it runs.
///
/// `input` `[batch, inChannels, inHeight, width]`, `weight` `[inChannels, outChannels, kernelHeight, 1]`, `bias`
/// `[outChannels]` or nil, `output` `[batch, outChannels, outHeight, width]`; `scratch` holds
/// `rowTransposedConvScratchCount(g)` floats. No argument may alias another.
func rowTransposedConv(_ g: ConvGeometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                       bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>,
                       scratch: UnsafeMutablePointer<Float>) {
    precondition(rowTransposedConvApplies(g), "not a row-upsampling transposed convolution")
    let cin = g.inChannels, cout = g.outChannels, kH = g.kernelHeight
    // byTap[kh][c][k] = W[k][c][kh]: each tap's weights as rows of output channels, the register blocks' A.
    let byTap = scratch, perThread = rowTransposedThreadFloats(g)
    let threadScratch = scratch + kH * cout * cin
    for k in 0..<cin {
        for c in 0..<cout {
            for kh in 0..<kH { byTap[(kh * cout + c) * cin + k] = weight[(k * cout + c) * kH + kh] }
        }
    }
    let tasks = (g.outHeight + rowTransposedRowsPerTask - 1) / rowTransposedRowsPerTask
    let x = UncheckedSendable(input), a = UncheckedSendable(UnsafePointer(byTap)), b = UncheckedSendable(bias)
    let y = UncheckedSendable(output), work = UncheckedSendable(threadScratch)
    for n in 0..<g.batch {
        parallelTasks(tasks) { worker, task in
            let rows = task * rowTransposedRowsPerTask ..< min(g.outHeight, (task + 1) * rowTransposedRowsPerTask)
            let scratch = work.value + worker * perThread
            if g.rowBlocksAreTall {
                transposedRows(TallRegisterBlock.self, g, n, rows, input: x.value, byTap: a.value, bias: b.value,
                               output: y.value, scratch: scratch)
            } else {
                transposedRows(WideRegisterBlock.self, g, n, rows, input: x.value, byTap: a.value, bias: b.value,
                               output: y.value, scratch: scratch)
            }
        }
    }
}

/// One tap's register block in `transposedRows`: `rows` output channels (weights `weights`, rows `inChannels`
/// apart) by `blockWidth(shape)` positions (`input`, rows that wide, as are `partial`'s); added to the taps' sum so far in
/// `partial` when `adding`, then stored either back to `partial` or, for the last tap, plus the bias to the first
/// `columns` floats of each channel's row at `output` (rows `outputRow` apart).
///
/// Not inlined: inside `transposedRows` the optimiser left the block's store a call, which spilled the
/// accumulators.
@inline(never)
private func tapBlock<Shape: RegisterBlockShape>(
    _ shape: Shape.Type, weights: UnsafePointer<Float>, inChannels: Int, rows: Int, input: UnsafePointer<Float>,
    partial: UnsafeMutablePointer<Float>, adding: Bool, into output: UnsafeMutablePointer<Float>?, outputRow: Int,
    bias: UnsafePointer<Float>?, columns: Int
) {
    let vw = blockWidth(shape)
    @inline(__always) func store(_ i: Int, _ c0: FloatVector, _ c1: FloatVector, _ c2: FloatVector, _ c3: FloatVector) {
        var v0 = c0, v1 = c1, v2 = c2, v3 = c3
        if adding {
            let (s0, s1, s2, s3) = loadPrefix(partial + i * vw, count: vw)
            (v0, v1, v2, v3) = (v0 + s0, v1 + s1, v2 + s2, v3 + s3)
        }
        if let output {
            let shift = FloatVector(repeating: bias?[i] ?? 0)
            storePrefix(v0 + shift, v1 + shift, v2 + shift, v3 + shift, to: output + i * outputRow, count: columns)
        } else {
            storePrefix(v0, v1, v2, v3, to: partial + i * vw, count: vw)
        }
    }
    registerBlockProduct(shape, a: weights, lda: inChannels, rows: rows, b: input, ldb: vw, depth: inChannels,
                         store: store)
}

/// Output rows `rows` of batch item `n` (`rowTransposedConv`), in register blocks of `shape`.
private func transposedRows<Shape: RegisterBlockShape>(
    _ shape: Shape.Type, _ g: ConvGeometry, _ n: Int, _ rows: Range<Int>, input: UnsafePointer<Float>,
    byTap: UnsafePointer<Float>, bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>,
    scratch: UnsafeMutablePointer<Float>
) {
    let cin = g.inChannels, cout = g.outChannels, width = g.outWidth, vw = blockWidth(shape)
    let blocks = (width + vw - 1) / vw, taps = rowTaps(g), rowFloats = cin * blocks * vw
    let partial = scratch + taps * rowFloats  // one register block's sums over the taps so far
    let plane = input + n * cin * g.inHeight * width
    // Packed input rows, one slot per tap, each remembering which input row it holds.
    var held = [Int](repeating: -1, count: taps)
    /// The slot holding input row `ih` packed as `[block][k][vw]` (zero past the width), packing it if needed.
    func packed(_ ih: Int) -> UnsafePointer<Float> {
        let slot = ih % taps, panels = scratch + slot * rowFloats
        if held[slot] != ih {
            for k in 0..<cin {
                let row = plane + (k * g.inHeight + ih) * width
                for block in 0..<blocks {
                    let panel = panels + (block * cin + k) * vw, filled = min(vw, width - block * vw)
                    panel.update(from: row + block * vw, count: filled)
                    (panel + filled).update(repeating: 0, count: vw - filled)
                }
            }
            held[slot] = ih
        }
        return UnsafePointer(panels)
    }
    for oh in rows {
        // The taps reaching this row: kh ≡ oh + padTop (mod stride), input row (oh + padTop − kh) / stride.
        var reach: [(tap: Int, row: UnsafePointer<Float>)] = []
        var kh = ((oh + g.padTop) % g.strideHeight + g.strideHeight) % g.strideHeight
        while kh < g.kernelHeight {
            let shifted = oh + g.padTop - kh
            if shifted >= 0 && shifted / g.strideHeight < g.inHeight {
                reach.append((kh, packed(shifted / g.strideHeight)))
            }
            kh += g.strideHeight
        }
        let out = output + n * cout * g.outHeight * width + oh * width
        var first = 0
        while first < cout {
            let count = min(Shape.rows, cout - first)
            for block in 0..<blocks {
                let columns = min(vw, width - block * vw)
                // Each tap's product is added to the taps' sum so far (kept in `partial`); the last one adds the
                // bias and stores the block's rows into the output.
                for (index, tap) in reach.enumerated() {
                    let last = index == reach.count - 1
                    tapBlock(shape, weights: byTap + (tap.tap * cout + first) * cin, inChannels: cin, rows: count,
                             input: tap.row + block * cin * vw, partial: partial, adding: index > 0,
                             into: last ? out + first * g.outHeight * width + block * vw : nil,
                             outputRow: g.outHeight * width, bias: bias.map { $0 + first }, columns: columns)
                }
                if reach.isEmpty {
                    for i in 0..<count {
                        (out + (first + i) * g.outHeight * width + block * vw).update(repeating: bias?[first + i] ?? 0,
                                                                                      count: columns)
                    }
                }
            }
            first += count
        }
    }
}
