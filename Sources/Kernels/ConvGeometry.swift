/// The sizes of a 2-D convolution (a 1-D convolution is one with `height == 1`), in ONNX terms.
///
/// Activations are NCHW and dense. `Conv` weights are `[outChannels, inChannels / groups, kernelH, kernelW]`;
/// `ConvTranspose` weights are `[inChannels, outChannels / groups, kernelH, kernelW]`.
public struct ConvGeometry: Sendable, Equatable {
    public var batch: Int
    public var inChannels: Int
    public var outChannels: Int
    public var groups: Int
    public var inHeight: Int, inWidth: Int
    public var outHeight: Int, outWidth: Int
    public var kernelHeight: Int, kernelWidth: Int
    public var strideHeight: Int, strideWidth: Int
    public var dilationHeight: Int, dilationWidth: Int
    /// Padding before the first row / column (ONNX `pads` begin values).
    public var padTop: Int, padLeft: Int

    public init(batch: Int, inChannels: Int, outChannels: Int, groups: Int,
                inHeight: Int, inWidth: Int, outHeight: Int, outWidth: Int,
                kernelHeight: Int, kernelWidth: Int, strideHeight: Int, strideWidth: Int,
                dilationHeight: Int, dilationWidth: Int, padTop: Int, padLeft: Int) {
        self.batch = batch
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.groups = groups
        self.inHeight = inHeight
        self.inWidth = inWidth
        self.outHeight = outHeight
        self.outWidth = outWidth
        self.kernelHeight = kernelHeight
        self.kernelWidth = kernelWidth
        self.strideHeight = strideHeight
        self.strideWidth = strideWidth
        self.dilationHeight = dilationHeight
        self.dilationWidth = dilationWidth
        self.padTop = padTop
        self.padLeft = padLeft
    }

    var inChannelsPerGroup: Int { inChannels / groups }
    var outChannelsPerGroup: Int { outChannels / groups }
    var kernelArea: Int { kernelHeight * kernelWidth }
    var inSpatial: Int { inHeight * inWidth }
    var outSpatial: Int { outHeight * outWidth }

    /// True when the convolution is a plain matrix product over channels (1×1 kernel, stride 1, no padding).
    public var isPointwise: Bool {
        kernelArea == 1 && strideHeight == 1 && strideWidth == 1 && padTop == 0 && padLeft == 0
            && inHeight == outHeight && inWidth == outWidth
    }
}

/// The largest number of floats an unfolded (im2col / col2im) tile may hold: 4 Mi floats, 16 MiB.
let unfoldTileBudget = 1 << 22

/// Columns per tile so that `rows × columns ≤ unfoldTileBudget`, at least 1 and at most `total`.
func tileColumns(rows: Int, total: Int) -> Int {
    max(1, min(total, unfoldTileBudget / max(rows, 1)))
}

/// The taps `r` in `0 ..< count` whose position `first + r · stride` lies in `0 ..< limit` (a contiguous range,
/// empty when none does). `stride` is positive; no step overflows, even for strides near `Int.max`, which hostile
/// model files can declare.
@inline(__always)
func inRangeTaps(first: Int, stride: Int, count: Int, limit: Int) -> Range<Int> {
    let lo = first >= 0 ? 0 : min(count, (-first - 1) / stride + 1)
    let hi = max(lo, min(count, first > limit - 1 ? 0 : (limit - 1 - first) / stride + 1))
    return lo..<hi
}

/// Splits the flat positions `start ..< start + count` of a plane `width` wide into runs that stay in one row,
/// calling `body(row, column, offset, length)` for each: the run's row and first column in the plane, and its
/// offset from `start`.
@inline(__always)
func forEachRowRun(width: Int, start: Int, count: Int, _ body: (_ row: Int, _ column: Int, _ offset: Int, _ length: Int) -> Void) {
    var (row, column) = start.quotientAndRemainder(dividingBy: width)
    var offset = 0
    while offset < count {
        let length = min(count - offset, width - column)
        body(row, column, offset, length)
        offset += length
        column = 0
        row += 1
    }
}

/// Floats a cache tile's unfolded block (or the other block the gemm streams, when that is taller) may hold: 1 MiB,
/// one Zen 5 core's L2. Measured on the HT-Demucs decoders' 3×3 convolutions: 256 Ki floats ran 20–30 % faster
/// than 64 Ki and than the 4 Mi of a whole-item tile.
let cacheTileFloats = 1 << 18

/// Cache tiles narrower than this lose more to gemm call and packing overhead than they gain.
let minimumCacheTileColumns = 256

/// Columns of a cache tile whose tallest block has `tallest` rows: `cacheTileFloats` worth, a multiple of 16 (may
/// be below `minimumCacheTileColumns`, or 0, for very tall blocks).
func cacheTileColumns(tallest: Int) -> Int { cacheTileFloats / max(tallest, 1) / 16 * 16 }

/// Floats of one im2col / col2im tile of `rows` rows over `total` positions (`tileColumns` columns).
func unfoldTileFloats(rows: Int, total: Int) -> Int { rows * tileColumns(rows: rows, total: total) }

extension ConvGeometry {
    /// True when the row kernels (`rowConv`, `rowTransposedConv`), whose register blocks are output channels ×
    /// output positions, compute `g` in `TallRegisterBlock`s, which pad fewer multiplies there (`tallBlocksPadLess`):
    /// HT-Demucs's 336 positions are 7 × 48 but 5¼ × 64, and its last frequency decoder's 16 channels 2 × 8 but
    /// 6 + 6 + 4 (78 % of the wide blocks' multiplies used).
    var rowBlocksAreTall: Bool { tallBlocksPadLess(rows: outChannels, columns: outWidth) }

    /// Rows and width of the register blocks the row kernels compute `g` in (`rowBlocksAreTall`).
    var rowBlock: (rows: Int, width: Int) {
        rowBlocksAreTall ? (TallRegisterBlock.rows, blockWidth(TallRegisterBlock.self))
                         : (broadcastRows, broadcastWidth)
    }
}
