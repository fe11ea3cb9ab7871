/// Output channels up to which a 1-D convolution is computed directly (`thinConv1d`) rather than through a gemm:
/// OpenBLAS's kernels fill 16 rows at a time, so products with fewer rows waste most of each multiply.
/// HT-Demucs's residual branches squeeze their channels by 8 (6 to 48 channels) before widening them again.
let thinConvMaximumOutChannels = 48

/// True when `thinConv1d` computes `g`: a 1-D convolution (height 1) with stride 1, one group and at most
/// `thinConvMaximumOutChannels` output channels, whose taps reach at most `thinChunk` positions and whose padded
/// input tile holds at most `unfoldTileBudget` floats (so its scratch stays as bounded as an im2col tile's).
func thinConvApplies(_ g: ConvGeometry) -> Bool {
    guard g.inHeight == 1 && g.kernelHeight == 1 && g.outHeight == 1 && g.strideWidth == 1 && g.groups == 1
            && g.outChannels <= thinConvMaximumOutChannels && g.kernelWidth >= 1 else { return false }
    let (reach, overflow) = (g.kernelWidth - 1).multipliedReportingOverflow(by: g.dilationWidth)
    return !overflow && reach <= thinChunk && g.inChannels <= unfoldTileBudget / (2 * thinChunk)
}

/// Output channels per register block of `thinConv1d`, and vectors of positions per block: 6 × 4 accumulators.
private let thinRows = 6, thinVectors = 4

/// Positions one task of `thinConv1d` covers (a multiple of a block's width).
private var thinChunk: Int { 16 * thinVectors * vectorWidth }

/// Floats of one padded input tile of `thinConv1d`: every input channel over the positions one task loads when it
/// stages its input (its span and its taps' reach), which covers what one register block loads otherwise.
private func thinTileFloats(_ g: ConvGeometry) -> Int {
    g.inChannels * (thinSpan(g) + thinWindow(g) - thinVectors * vectorWidth)
}

/// Floats of input one task of `thinConv1d` copies at most (its tile), so that the tile stays in the core's cache.
private let thinTileBudget = 1 << 15

/// Input floats from which `thinConv1d` stages each task's input before computing it (`thinStages`).
private let thinStagingThreshold = 1 << 21

/// True when `thinConv1d` copies the input each task reads into its tile first: when the input is larger than
/// what the last-level cache likely holds of it (8 MiB), so it comes from memory. Blocks reading it in place load a
/// few hundred bytes from each of dozens of rows at a time, which the prefetchers do not follow; one copy of each
/// task's rows reads it as long runs (the first encoder's residual branches 5.1 → 3.7 ms, isolated). Inputs that
/// are in cache are read in place, where a copy is only extra work.
func thinStages(_ g: ConvGeometry) -> Bool {
    g.batch * g.inChannels * g.inWidth >= thinStagingThreshold
}

/// Positions one task of `thinConv1d` covers: whole register blocks, at most as many as keep its tile within
/// `thinTileBudget` (at least one, at most `thinChunk` positions), and as few as split a row into that many
/// tasks evenly (a 336-position row in 192 and 144 rather than 320 and 16).
private func thinSpan(_ g: ConvGeometry) -> Int {
    let width = thinVectors * vectorWidth, reach = thinWindow(g) - width
    let longest = max(width, min(thinChunk, (thinTileBudget / g.inChannels - reach) / width * width))
    let tasks = (g.outWidth + longest - 1) / longest
    return max(width, roundUp((g.outWidth + tasks - 1) / tasks, to: width))
}

/// Input positions one register block of `thinConv1d` loads per channel.
private func thinWindow(_ g: ConvGeometry) -> Int { thinVectors * vectorWidth + (g.kernelWidth - 1) * g.dilationWidth }

/// Output channels rounded up to whole register blocks; the packed weights' row length.
private func thinPaddedChannels(_ g: ConvGeometry) -> Int { roundUp(g.outChannels, to: thinRows) }

/// Scratch floats `thinConv1d` needs: the packed weights, then one padded input tile per thread.
func thinConvScratchCount(_ g: ConvGeometry) -> Int {
    g.inChannels * g.kernelWidth * thinPaddedChannels(g) + thinTileFloats(g) * kernelThreadCount
}

/// 1-D convolution with few output channels (`thinConvApplies`), computed directly: each block of 6 output
/// channels × 4 vectors of positions is held in 24 accumulators while every tap `(c, k)` of every input channel
/// adds one broadcast weight times four input vectors, read in place or from a copy in which the padding is zeros
/// (`thinStages`). Tasks of up to `thinChunk` positions of one batch item go to separate cores.
///
/// `input` `[batch, inChannels, 1, inWidth]` laid out as `inputLayout` (dense when nil), `weight` `[outChannels,
/// inChannels, 1, kernelWidth]`, `bias` `[outChannels]` or nil, `output` `[batch, outChannels, 1, outWidth]`
/// (dense); `scratch` holds `thinConvScratchCount(g)` floats. No argument may alias another.
func thinConv1d(_ g: ConvGeometry, input: UnsafePointer<Float>, inputLayout: ItemLayout? = nil,
                weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>,
                scratch: UnsafeMutablePointer<Float>) {
    precondition(thinConvApplies(g), "not a thin 1-D convolution")
    let taps = g.inChannels * g.kernelWidth, rows = thinPaddedChannels(g)
    // packed[(c · kernelWidth + k) · rows + m] = weight[m][c][k], zero for the padding channels.
    let packed = scratch
    packed.update(repeating: 0, count: taps * rows)
    for m in 0..<g.outChannels {
        for tap in 0..<taps { packed[tap * rows + m] = weight[m * taps + tap] }
    }
    let staged = thinStages(g), span = staged ? thinSpan(g) : thinChunk, chunks = (g.outWidth + span - 1) / span
    let x = UncheckedSendable(input), w = UncheckedSendable(UnsafePointer(packed)), b = UncheckedSendable(bias)
    let y = UncheckedSendable(output), tiles = UncheckedSendable(scratch + taps * rows)
    let tileFloats = thinTileFloats(g), layout = inputLayout ?? .dense(channels: g.inChannels, length: g.inWidth)
    parallelTasks(g.batch * chunks) { worker, task in
        let (n, chunk) = task.quotientAndRemainder(dividingBy: chunks)
        let positions = chunk * span ..< min(g.outWidth, (chunk + 1) * span)
        thinConvChunk(g, n, positions, staged: staged, input: x.value, layout: layout, packed: w.value,
                      bias: b.value, output: y.value, tile: tiles.value + worker * tileFloats)
    }
}

/// Output positions `positions` of batch item `n`, a register block's width at a time. When `staged`, every input
/// position they read is first copied into `tile` (`stageInput`) and the blocks read the copy; otherwise each block
/// reads the input in place when every position it loads lies inside it, else from a copy of those positions.
private func thinConvChunk(_ g: ConvGeometry, _ n: Int, _ positions: Range<Int>, staged: Bool,
                           input: UnsafePointer<Float>, layout: ItemLayout, packed: UnsafePointer<Float>,
                           bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>,
                           tile: UnsafeMutablePointer<Float>) {
    let width = thinVectors * vectorWidth, paddedChannels = thinPaddedChannels(g), window = thinWindow(g)
    let item = input + layout.offset(item: n, channel: 0), out = output + n * g.outChannels * g.outWidth
    /// Every output channel's block at `count` positions from `start`, whose taps start at `rows` (`rowStride`
    /// apart).
    func blocks(_ rows: UnsafePointer<Float>, rowStride: Int, start: Int, count: Int) {
        for m in stride(from: 0, to: g.outChannels, by: thinRows) {
            thinBlock(g, rows: rows, rowStride: rowStride, packed: packed + m, paddedChannels: paddedChannels,
                      bias: bias, firstChannel: m, output: out + start, count: count)
        }
    }
    let stagedFloats = roundUp(positions.count, to: width) + window - width
    if staged {
        stageInput(g, item, channelStride: layout.channelStride, first: positions.lowerBound - g.padLeft,
                   count: stagedFloats, into: tile)
    }
    for start in stride(from: positions.lowerBound, to: positions.upperBound, by: width) {
        let count = min(width, positions.upperBound - start), first = start - g.padLeft
        if staged {
            blocks(tile + (start - positions.lowerBound), rowStride: stagedFloats, start: start, count: count)
        } else if inRangeTaps(first: first, stride: 1, count: window, limit: g.inWidth) == 0..<window {
            blocks(item + first, rowStride: layout.channelStride, start: start, count: count)
        } else {
            stageInput(g, item, channelStride: layout.channelStride, first: first, count: window, into: tile)
            blocks(tile, rowStride: window, start: start, count: count)
        }
    }
}

/// Copies input positions `first ..< first + count` of every channel of one batch item (its rows `channelStride`
/// apart) into consecutive rows of `count` floats at `tile`, with zeros for the positions outside the input (the
/// padding).
private func stageInput(_ g: ConvGeometry, _ item: UnsafePointer<Float>, channelStride: Int, first: Int, count: Int,
                        into tile: UnsafeMutablePointer<Float>) {
    let inside = inRangeTaps(first: first, stride: 1, count: count, limit: g.inWidth)
    for c in 0..<g.inChannels {
        let row = tile + c * count
        row.update(repeating: 0, count: inside.lowerBound)
        (row + inside.lowerBound).update(from: item + c * channelStride + first + inside.lowerBound,
                                         count: inside.count)
        (row + inside.upperBound).update(repeating: 0, count: count - inside.upperBound)
    }
}

/// One register block: output channels `firstChannel ..< firstChannel + 6` (those that exist) at `count ≤ 64`
/// positions, whose taps start at `rows` in each input channel's row (`rowStride` apart). `packed` points at the
/// block's first channel in the packed weights.
@inline(__always)
private func thinBlock(_ g: ConvGeometry, rows: UnsafePointer<Float>, rowStride: Int, packed: UnsafePointer<Float>,
                       paddedChannels: Int, bias: UnsafePointer<Float>?, firstChannel: Int,
                       output: UnsafeMutablePointer<Float>, count: Int) {
    let vw = vectorWidth
    @inline(__always) func start(_ r: Int) -> FloatVector {
        FloatVector(repeating: firstChannel + r < g.outChannels ? bias?[firstChannel + r] ?? 0 : 0)
    }
    var a0 = start(0), a1 = start(1), a2 = start(2), a3 = start(3), a4 = start(4), a5 = start(5)
    var b0 = a0, b1 = a1, b2 = a2, b3 = a3, b4 = a4, b5 = a5
    var c0 = a0, c1 = a1, c2 = a2, c3 = a3, c4 = a4, c5 = a5
    var d0 = a0, d1 = a1, d2 = a2, d3 = a3, d4 = a4, d5 = a5
    var tap = 0
    for c in 0..<g.inChannels {
        let row = rows + c * rowStride
        for k in 0..<g.kernelWidth {
            let p = UnsafeRawPointer(row + k * g.dilationWidth)
            let x0 = p.loadUnaligned(as: FloatVector.self)
            let x1 = p.loadUnaligned(fromByteOffset: 4 * vw, as: FloatVector.self)
            let x2 = p.loadUnaligned(fromByteOffset: 8 * vw, as: FloatVector.self)
            let x3 = p.loadUnaligned(fromByteOffset: 12 * vw, as: FloatVector.self)
            let w = packed + tap * paddedChannels
            var s = FloatVector(repeating: w[0])
            a0 = multiplyAdd(x0, s, a0); b0 = multiplyAdd(x1, s, b0); c0 = multiplyAdd(x2, s, c0); d0 = multiplyAdd(x3, s, d0)
            s = FloatVector(repeating: w[1])
            a1 = multiplyAdd(x0, s, a1); b1 = multiplyAdd(x1, s, b1); c1 = multiplyAdd(x2, s, c1); d1 = multiplyAdd(x3, s, d1)
            s = FloatVector(repeating: w[2])
            a2 = multiplyAdd(x0, s, a2); b2 = multiplyAdd(x1, s, b2); c2 = multiplyAdd(x2, s, c2); d2 = multiplyAdd(x3, s, d2)
            s = FloatVector(repeating: w[3])
            a3 = multiplyAdd(x0, s, a3); b3 = multiplyAdd(x1, s, b3); c3 = multiplyAdd(x2, s, c3); d3 = multiplyAdd(x3, s, d3)
            s = FloatVector(repeating: w[4])
            a4 = multiplyAdd(x0, s, a4); b4 = multiplyAdd(x1, s, b4); c4 = multiplyAdd(x2, s, c4); d4 = multiplyAdd(x3, s, d4)
            s = FloatVector(repeating: w[5])
            a5 = multiplyAdd(x0, s, a5); b5 = multiplyAdd(x1, s, b5); c5 = multiplyAdd(x2, s, c5); d5 = multiplyAdd(x3, s, d5)
            tap += 1
        }
    }
    /// Stores one output channel's four vectors, only the `count` positions that exist.
    @inline(__always) func store(_ r: Int, _ v0: FloatVector, _ v1: FloatVector, _ v2: FloatVector, _ v3: FloatVector) {
        guard firstChannel + r < g.outChannels else { return }
        storePrefix(v0, v1, v2, v3, to: output + (firstChannel + r) * g.outWidth, count: count)
    }
    store(0, a0, b0, c0, d0)
    store(1, a1, b1, c1, d1)
    store(2, a2, b2, c2, d2)
    store(3, a3, b3, c3, d3)
    store(4, a4, b4, c4, d4)
    store(5, a5, b5, c5, d5)
}
