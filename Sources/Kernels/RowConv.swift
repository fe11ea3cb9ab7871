/// True when `rowConv` computes `g`: a convolution along rows only (a `kH × 1` kernel with `kH > 1`; stride and
/// dilation 1 and no padding along the width, which passes through), one group, at most `rowConvDepthLimit` taps
/// per output value, on builds whose register blocks beat OpenBLAS (`packedLinearBeatsBLAS`). HT-Demucs's frequency
/// encoders convolve so: kernel (8, 1), stride (4, 1).
func rowConvApplies(_ g: ConvGeometry) -> Bool {
    packedLinearBeatsBLAS && g.batch > 0 && g.inChannels > 0 && g.outChannels > 0 && g.outHeight > 0
        && g.outWidth > 0 && g.inHeight > 0 && g.kernelHeight > 1 && g.kernelWidth == 1 && g.strideWidth == 1
        && g.dilationWidth == 1 && g.padLeft == 0 && g.outWidth == g.inWidth && g.groups == 1
        && g.inChannels <= rowConvDepthLimit / g.kernelHeight
}

/// Taps (input channels × kernel rows) up to which `rowConv` stages one register block's width of them per task:
/// 4,096 × 64 floats is 1 MiB.
let rowConvDepthLimit = 4_096

/// Scratch floats `rowConv` needs: one staged panel of every tap, one register block wide (`rowBlock`), per thread.
func rowConvScratchCount(_ g: ConvGeometry) -> Int {
    g.inChannels * g.kernelHeight * g.rowBlock.width * kernelThreadCount
}

/// A convolution along rows only (`rowConvApplies`), without im2col: output row `oh`'s values at one register
/// block's width of positions are `bias + W · P`, one product of the weight as it lies (`[outChannels][inChannels ·
/// kH]`) by a panel `P[c · kH + kh][·]` = input row `oh · strideHeight + kh · dilationHeight − padTop` of channel
/// `c` at those positions (zero outside the input), staged per task. Register blocks of output channels ×
/// positions (`registerBlockProduct`, tall where they pad less: `ConvGeometry.rowBlocksAreTall`) write each output
/// value once, with its bias. Tasks of one output row × one panel of positions go to whichever core is free; each
/// value's sum runs in the same order wherever it runs.
///
/// `input` `[batch, inChannels, inHeight, width]`, `weight` `[outChannels, inChannels, kernelHeight, 1]`, `bias`
/// `[outChannels]` or nil, `output` `[batch, outChannels, outHeight, width]`; `scratch` holds
/// `rowConvScratchCount(g)` floats. No argument may alias another.
func rowConv(_ g: ConvGeometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
             bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>) {
    precondition(rowConvApplies(g), "not a convolution along rows only")
    if g.rowBlocksAreTall {
        rowConvPanels(TallRegisterBlock.self, g, input: input, weight: weight, bias: bias, output: output,
                      scratch: scratch)
    } else {
        rowConvPanels(WideRegisterBlock.self, g, input: input, weight: weight, bias: bias, output: output,
                      scratch: scratch)
    }
}

/// `rowConv` in register blocks of `shape`, whose width is the panels'.
private func rowConvPanels<Shape: RegisterBlockShape>(
    _ shape: Shape.Type, _ g: ConvGeometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>
) {
    let width = blockWidth(shape), panels = (g.outWidth + width - 1) / width
    let depth = g.inChannels * g.kernelHeight, rowTasks = g.outHeight * panels
    let x = UncheckedSendable(input), w = UncheckedSendable(weight), b = UncheckedSendable(bias)
    let y = UncheckedSendable(output), work = UncheckedSendable(scratch)
    parallelTasks(g.batch * rowTasks) { worker, task in
        let (n, rest) = task.quotientAndRemainder(dividingBy: rowTasks)
        let (oh, panel) = rest.quotientAndRemainder(dividingBy: panels)
        let first = panel * width, columns = min(width, g.outWidth - first)
        let staged = work.value + worker * depth * width
        stageRowTaps(g, n, outputRow: oh, first: first, columns: columns, width: width, input: x.value,
                     into: staged)
        var channel = 0
        while channel < g.outChannels {
            registerBlockProduct(shape, a: w.value + channel * depth, lda: depth,
                                 rows: min(Shape.rows, g.outChannels - channel), b: staged, ldb: width,
                                 depth: depth) { i, c0, c1, c2, c3 in
                let shift = FloatVector(repeating: b.value?[channel + i] ?? 0)
                let row = y.value + ((n * g.outChannels + channel + i) * g.outHeight + oh) * g.outWidth + first
                storePrefix(c0 + shift, c1 + shift, c2 + shift, c3 + shift, to: row, count: columns)
            }
            channel += Shape.rows
        }
    }
}

/// Copies the `columns` positions from `first` of every input row that output row `outputRow` of batch item `n`
/// reads into rows of `width` floats at `staged`, tap `(c, kh)` at row `c · kernelHeight + kh`, with zeros for
/// rows outside the input and past `columns`.
private func stageRowTaps(_ g: ConvGeometry, _ n: Int, outputRow: Int, first: Int, columns: Int, width: Int,
                          input: UnsafePointer<Float>, into staged: UnsafeMutablePointer<Float>) {
    for c in 0..<g.inChannels {
        let plane = input + (n * g.inChannels + c) * g.inHeight * g.inWidth
        for kh in 0..<g.kernelHeight {
            let to = staged + (c * g.kernelHeight + kh) * width
            let row = outputRow * g.strideHeight + kh * g.dilationHeight - g.padTop
            guard row >= 0 && row < g.inHeight else {
                to.update(repeating: 0, count: width)
                continue
            }
            to.update(from: plane + row * g.inWidth + first, count: columns)
            (to + columns).update(repeating: 0, count: width - columns)
        }
    }
}
