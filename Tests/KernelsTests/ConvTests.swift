import XCTest
@testable import Kernels

/// `conv2d` against a direct float64 convolution: groups, batch, strides, dilations and pads that do not divide
/// evenly, a 1-D convolution as height 1, the pointwise fast path, inputs whose im2col splits into several
/// tiles, cache tiles spread over the cores, and many small batch items run in parallel. Bound: 1e-5 × Σ|terms|
/// per element (bias included).
final class ConvTests: XCTestCase {
    /// Direct convolution: each output sums bias and every in-range tap of its group.
    private func reference(_ g: ConvGeometry, _ x: [Float], _ w: [Float], _ bias: [Float]?) -> [ReferenceSum] {
        let cinG = g.inChannels / g.groups, coutG = g.outChannels / g.groups
        var out: [ReferenceSum] = []
        out.reserveCapacity(g.batch * g.outChannels * g.outHeight * g.outWidth)
        for n in 0..<g.batch {
            for co in 0..<g.outChannels {
                let group = co / coutG
                for oh in 0..<g.outHeight {
                    for ow in 0..<g.outWidth {
                        var sum = ReferenceSum(bias.map { Double($0[co]) } ?? 0)
                        for c in 0..<cinG {
                            let ci = group * cinG + c
                            for kh in 0..<g.kernelHeight {
                                let ih = oh * g.strideHeight - g.padTop + kh * g.dilationHeight
                                guard ih >= 0 && ih < g.inHeight else { continue }
                                for kw in 0..<g.kernelWidth {
                                    let iw = ow * g.strideWidth - g.padLeft + kw * g.dilationWidth
                                    guard iw >= 0 && iw < g.inWidth else { continue }
                                    let xv = x[((n * g.inChannels + ci) * g.inHeight + ih) * g.inWidth + iw]
                                    let wv = w[((co * cinG + c) * g.kernelHeight + kh) * g.kernelWidth + kw]
                                    sum.add(Double(xv) * Double(wv))
                                }
                            }
                        }
                        out.append(sum)
                    }
                }
            }
        }
        return out
    }

    /// Runs `conv2d` (or, with `winograd`, `winogradConv` on the transformed weights) and compares.
    private func check(_ g: ConvGeometry, bias hasBias: Bool, seed: UInt64, winograd: Bool = false,
                       file: StaticString = #filePath, line: UInt = #line) {
        var rng = SplitMix64(seed: seed)
        let x = rng.floats(g.batch * g.inChannels * g.inHeight * g.inWidth)
        let w = rng.floats(g.outChannels * (g.inChannels / g.groups) * g.kernelHeight * g.kernelWidth)
        let bias = hasBias ? rng.floats(g.outChannels) : nil
        var out = [Float](repeating: .nan, count: g.batch * g.outChannels * g.outHeight * g.outWidth)
        if winograd {
            let u = winogradWeights(w, for: g)
            var scratch = [Float](repeating: .nan, count: winogradScratchCount(g))
            withOptionalPointer(bias) {
                winogradConv(g, input: x, transformedWeight: u, bias: $0, output: &out, scratch: &scratch)
            }
        } else {
            var scratch = [Float](repeating: .nan, count: max(conv2dScratchCount(g), 1))
            withOptionalPointer(bias) { conv2d(g, input: x, weight: w, bias: $0, output: &out, scratch: &scratch) }
        }
        assertClose(out, reference(g, x, w, bias), tolerance: 1e-5, "\(g)", file: file, line: line)
    }

    /// Winograd's F(4×4, 3×3): sizes that are and are not multiples of 4 (the last tiles' spare rows and columns
    /// dropped), planes one to three samples wide, rows wider than four vectors (the de-interleaving and
    /// interleaving fast paths, with their scalar edges), a batch, no bias, and enough channels and tiles for
    /// several blocks over the cores.
    func testWinogradMatchesTheDirectSum() {
        for (height, width) in [(8, 12), (9, 13), (1, 1), (2, 2), (3, 1), (7, 75), (6, 2), (5, 139), (4, 3)] {
            let g = convGeometry(batch: 2, inChannels: 5, outChannels: 7, groups: 1, input: (height, width),
                                 kernel: (3, 3), padBegin: (1, 1), padEnd: (1, 1))
            XCTAssertTrue(winogradApplies(g))
            check(g, bias: height % 2 == 0, seed: UInt64(height * 100 + width), winograd: true)
        }
        // 20 rows of 220 tiles, each row 36 · (16 + 16) · 220 floats: several blocks.
        let blocks = convGeometry(batch: 1, inChannels: 16, outChannels: 16, groups: 1, input: (80, 880),
                                  kernel: (3, 3), padBegin: (1, 1), padEnd: (1, 1))
        XCTAssertGreaterThan(20 * 36 * 32 * 220, 2 * winogradBlockFloats)
        check(blocks, bias: true, seed: 77, winograd: true)
    }

    /// Output channels in whole panels: on AVX-512 builds the products run in register blocks of tiles
    /// (`winogradProductPanels`), with tile counts that do and do not fill the blocks' rows, 16 × 16 squares and
    /// edges in the transpose back, odd channel depths, a batch, and the GLU.
    func testWinogradInPanelsMatchesTheDirectSum() {
        for (inChannels, height, width) in [(5, 9, 13), (19, 7, 75), (16, 16, 64), (3, 1, 1)] {
            let g = convGeometry(batch: 2, inChannels: inChannels, outChannels: 2 * broadcastWidth, groups: 1,
                                 input: (height, width), kernel: (3, 3), padBegin: (1, 1), padEnd: (1, 1))
            XCTAssertEqual(winogradProductPanels(g), packedLinearBeatsBLAS)
            check(g, bias: width % 2 == 1, seed: UInt64(inChannels * 1_000 + width), winograd: true)
        }
        let odd = convGeometry(batch: 1, inChannels: 8, outChannels: broadcastWidth + 2, groups: 1, input: (8, 8),
                               kernel: (3, 3), padBegin: (1, 1), padEnd: (1, 1))
        XCTAssertFalse(winogradProductPanels(odd), "a part-filled panel goes through OpenBLAS")
    }

    /// Winograd's F(4, 3) for 1-D three-tap convolutions: rows whose length is and is not a multiple of 4, one to
    /// three samples long, wider than four vectors, a batch, no bias, and a row split into blocks (1,400 tiles of 6
    /// · (16 + 49) floats each, where a block holds 1,344).
    func testOneDimensionalWinogradMatchesTheDirectSum() {
        for width in [1, 2, 3, 4, 13, 75, 139, 256] {
            let g = convGeometry(batch: 2, inChannels: 5, outChannels: 49, groups: 1, input: (1, width),
                                 kernel: (1, 3), padBegin: (0, 1), padEnd: (0, 1))
            XCTAssertTrue(winogradApplies(g))
            check(g, bias: width % 2 == 0, seed: UInt64(width), winograd: true)
        }
        let blocks = convGeometry(batch: 1, inChannels: 16, outChannels: 49, groups: 1, input: (1, 5_600),
                                  kernel: (1, 3), padBegin: (0, 1), padEnd: (0, 1))
        XCTAssertGreaterThan(1_400 * 6 * (16 + 49), winogradRowBlockFloats)
        check(blocks, bias: true, seed: 78, winograd: true)
    }

    /// With `gatedLinear`, the output is exactly `glu` of the plain output: 3×3 planes whose last tile row is
    /// partial and several blocks of them, 1-D rows whose last tile is partial and a row split into blocks.
    func testGatedWinogradIsTheGLUOfThePlainConvolution() {
        let shapes = [
            convGeometry(batch: 2, inChannels: 5, outChannels: 6, groups: 1, input: (9, 13), kernel: (3, 3),
                         padBegin: (1, 1), padEnd: (1, 1)),
            convGeometry(batch: 1, inChannels: 16, outChannels: 16, groups: 1, input: (80, 880), kernel: (3, 3),
                         padBegin: (1, 1), padEnd: (1, 1)),
            convGeometry(batch: 2, inChannels: 7, outChannels: 2 * broadcastWidth, groups: 1, input: (10, 37),
                         kernel: (3, 3), padBegin: (1, 1), padEnd: (1, 1)),
            convGeometry(batch: 2, inChannels: 5, outChannels: 50, groups: 1, input: (1, 139), kernel: (1, 3),
                         padBegin: (0, 1), padEnd: (0, 1)),
            convGeometry(batch: 1, inChannels: 16, outChannels: 50, groups: 1, input: (1, 5_601), kernel: (1, 3),
                         padBegin: (0, 1), padEnd: (0, 1)),
        ]
        for (index, g) in shapes.enumerated() {
            var rng = SplitMix64(seed: UInt64(90 + index))
            let x = rng.floats(g.batch * g.inChannels * g.inHeight * g.inWidth)
            let w = rng.floats(g.outChannels * g.inChannels * g.kernelHeight * g.kernelWidth)
            let bias = rng.floats(g.outChannels)
            let u = winogradWeights(w, for: g)
            var scratch = [Float](repeating: .nan, count: winogradScratchCount(g))
            let spatial = g.outHeight * g.outWidth
            var plain = [Float](repeating: .nan, count: g.batch * g.outChannels * spatial)
            var gated = [Float](repeating: .nan, count: plain.count / 2), expected = gated
            winogradConv(g, input: x, transformedWeight: u, bias: bias, output: &plain, scratch: &scratch)
            winogradConv(g, input: x, transformedWeight: u, bias: bias, output: &gated, gatedLinear: true,
                         scratch: &scratch)
            glu(plain, &expected, outer: g.batch, half: g.outChannels / 2, inner: spatial)
            XCTAssertEqual(gated, expected, "\(g)")
        }
    }

    /// Refused: a row of tiles wider than its scratch bound (150 tiles × 36 × 4,096 channels), no input
    /// channels, an empty plane, stride 2, groups, no padding, a 3×1 kernel, dilation 2; and the 1-D cases below.
    func testWinogradOnlyTakesSameSizedThreeTapConvolutions() {
        func geometry(channels: (Int, Int) = (4, 4), groups: Int = 1, input: (Int, Int) = (8, 8),
                      kernel: (Int, Int) = (3, 3), stride: (Int, Int) = (1, 1), dilation: (Int, Int) = (1, 1),
                      pad: (Int, Int) = (1, 1)) -> ConvGeometry {
            convGeometry(batch: 1, inChannels: channels.0, outChannels: channels.1, groups: groups, input: input,
                         kernel: kernel, stride: stride, dilation: dilation, padBegin: pad, padEnd: pad)
        }
        let refused = [
            geometry(channels: (2_048, 2_048), input: (2, 600)), geometry(channels: (0, 4)), geometry(input: (0, 8)),
            geometry(stride: (2, 2)), geometry(groups: 2), geometry(pad: (0, 0)),
            geometry(kernel: (3, 1), pad: (1, 0)), geometry(dilation: (2, 2), pad: (2, 2)),
            // 1-D: few output channels (the thin convolution's), dilation 2, padding 0, a 1×3 kernel over 8 rows.
            geometry(channels: (64, 48), input: (1, 100), kernel: (1, 3), pad: (0, 1)),
            geometry(channels: (64, 64), input: (1, 100), kernel: (1, 3), dilation: (1, 2), pad: (0, 2)),
            geometry(channels: (64, 64), input: (1, 100), kernel: (1, 3), pad: (0, 0)),
            geometry(channels: (64, 64), kernel: (1, 3), pad: (0, 1)),
        ]
        for g in refused { XCTAssertFalse(winogradApplies(g), "\(g)") }
        XCTAssertTrue(winogradApplies(geometry()))
        XCTAssertTrue(winogradApplies(geometry(channels: (64, 64), input: (1, 100), kernel: (1, 3), pad: (0, 1))))
    }

    func testGroupsBatchStridesDilationsAndUnevenPads() {
        check(convGeometry(batch: 2, inChannels: 6, outChannels: 9, groups: 3, input: (7, 11), kernel: (3, 4),
                           stride: (2, 3), dilation: (2, 1), padBegin: (1, 2), padEnd: (2, 0)), bias: true, seed: 1)
        check(convGeometry(batch: 1, inChannels: 5, outChannels: 5, groups: 5, input: (6, 5), kernel: (5, 1),
                           stride: (3, 2), padBegin: (3, 0), padEnd: (4, 1)), bias: false, seed: 2)
    }

    func testKernelLargerThanInputReadsOnlyPadding() {
        check(convGeometry(batch: 1, inChannels: 2, outChannels: 3, groups: 1, input: (2, 3), kernel: (3, 5),
                           padBegin: (2, 4), padEnd: (2, 4)), bias: true, seed: 3)
    }

    func testOneDimensionalAsHeightOne() {
        check(convGeometry(batch: 3, inChannels: 4, outChannels: 6, groups: 2, input: (1, 101), kernel: (1, 8),
                           stride: (1, 4), dilation: (1, 3), padBegin: (0, 2), padEnd: (0, 1)), bias: false, seed: 4)
        check(convGeometry(batch: 1, inChannels: 1, outChannels: 1, groups: 1, input: (1, 1), kernel: (1, 1)),
              bias: true, seed: 5)
    }

    func testPointwiseAndStridedOneByOne() {
        let pointwise = convGeometry(batch: 2, inChannels: 6, outChannels: 4, groups: 2, input: (3, 7), kernel: (1, 1))
        XCTAssertEqual(conv2dScratchCount(pointwise), 0)
        check(pointwise, bias: true, seed: 6)
        check(convGeometry(batch: 2, inChannels: 3, outChannels: 2, groups: 1, input: (5, 7), kernel: (1, 1),
                           stride: (2, 3)), bias: true, seed: 7)
        check(convGeometry(batch: 1, inChannels: 3, outChannels: 2, groups: 1, input: (4, 4), kernel: (1, 1),
                           padBegin: (1, 0), padEnd: (0, 1)), bias: false, seed: 8)
    }

    /// 9 im2col rows × 500,003 output positions: two tiles, the second starting in the middle of an output row.
    func testSeveralTilesInTwoDimensions() {
        let g = convGeometry(batch: 1, inChannels: 1, outChannels: 2, groups: 1, input: (7, 71_429), kernel: (3, 3),
                             padBegin: (1, 1), padEnd: (1, 1))
        XCTAssertLessThan(tileColumns(rows: 9, total: g.outHeight * g.outWidth), g.outHeight * g.outWidth)
        check(g, bias: true, seed: 9)
    }

    /// 576 im2col rows over 1,480 output positions in cache tiles of 448 columns run on separate cores: four tiles,
    /// the last one partial, each starting mid-row; and a pointwise convolution in cache tiles.
    func testCacheTilesOverTheCores() {
        let unfolded = convGeometry(batch: 2, inChannels: 64, outChannels: 5, groups: 1, input: (40, 37), kernel: (3, 3),
                                    padBegin: (1, 1), padEnd: (1, 1))
        let pointwise = convGeometry(batch: 1, inChannels: 300, outChannels: 3, groups: 1, input: (3, 700),
                                     kernel: (1, 1))
        if kernelThreadCount > 1 {
            XCTAssertEqual(convSchedule(unfolded), .cacheTiles(columns: 448))
            XCTAssertEqual(convSchedule(pointwise), .cacheTiles(columns: 864))
        }
        check(unfolded, bias: true, seed: 14)
        check(pointwise, bias: true, seed: 15)
    }

    /// 2 groups × 3,000 im2col rows over 1,399 output positions: two tiles per group, the last one column wide.
    func testSeveralTilesWithManyRowsAndGroups() {
        let g = convGeometry(batch: 1, inChannels: 2000, outChannels: 2, groups: 2, input: (1, 1401), kernel: (1, 3))
        XCTAssertEqual(tileColumns(rows: 3000, total: g.outWidth), g.outWidth - 1)
        check(g, bias: false, seed: 10)
    }

    /// 1-D convolutions with few output channels, computed directly (`thinConv1d`): channel counts that do not
    /// fill the last register block, rows narrower than a block and wider than a task (several tasks per item),
    /// dilations with uneven padding (taps reaching past both ends), wide kernels, a batch, no bias; and inputs
    /// large enough that each task stages its input first (`thinStages`), as many short rows and as long rows split
    /// into tasks whose last ends inside a register block.
    func testThinOneDimensionalConvolutions() {
        let cases = [
            convGeometry(batch: 3, inChannels: 5, outChannels: 7, groups: 1, input: (1, 70), kernel: (1, 3),
                         dilation: (1, 3), padBegin: (0, 3), padEnd: (0, 3)),
            convGeometry(batch: 1, inChannels: 9, outChannels: 13, groups: 1, input: (1, 2_500), kernel: (1, 5),
                         dilation: (1, 2), padBegin: (0, 5), padEnd: (0, 1)),
            convGeometry(batch: 2, inChannels: 3, outChannels: 48, groups: 1, input: (1, 5), kernel: (1, 1)),
            convGeometry(batch: 4, inChannels: 2, outChannels: 1, groups: 1, input: (1, 3), kernel: (1, 9),
                         padBegin: (0, 4), padEnd: (0, 4)),
        ]
        let staged = [
            convGeometry(batch: 600, inChannels: 12, outChannels: 5, groups: 1, input: (1, 300), kernel: (1, 3),
                         padBegin: (0, 1), padEnd: (0, 1)),
            convGeometry(batch: 2, inChannels: 36, outChannels: 5, groups: 1, input: (1, 30_000), kernel: (1, 3),
                         dilation: (1, 2), padBegin: (0, 3), padEnd: (0, 1)),
        ]
        XCTAssertFalse(cases.contains(where: thinStages))
        XCTAssertTrue(staged.allSatisfy(thinStages))
        for (i, g) in (cases + staged).enumerated() {
            XCTAssertTrue(thinConvApplies(g), "\(g)")
            check(g, bias: i % 2 == 0, seed: 40 + UInt64(i))
        }
        // Taps reaching further than a task, or too many input channels for a bounded padded tile, go through
        // the gemm path (and still compute right).
        let farReaching = convGeometry(batch: 1, inChannels: 2, outChannels: 4, groups: 1, input: (1, 5_000),
                                       kernel: (1, 3), dilation: (1, 2_000), padBegin: (0, 2_000), padEnd: (0, 2_000))
        XCTAssertFalse(thinConvApplies(farReaching))
        check(farReaching, bias: true, seed: 48)
        XCTAssertFalse(thinConvApplies(convGeometry(batch: 1, inChannels: 5_000, outChannels: 4, groups: 1,
                                                    input: (1, 10), kernel: (1, 3))))
    }

    /// Convolutions along rows only, computed directly on AVX-512 builds (`rowConv`): HT-Demucs's kernel (8, 1)
    /// stride (4, 1) with its pad of 2 (taps past both ends), rows narrower than a register block and wider than
    /// several, not a multiple of one, channel counts that do not fill the last block, tall blocks (16 channels by
    /// 96 positions) and wide ones, a dilation, a batch, no bias. Width kernels, strides or pads, groups and 1 × 1
    /// kernels take the other paths.
    func testConvolutionsAlongRowsOnly() {
        let cases = [
            convGeometry(batch: 2, inChannels: 5, outChannels: 7, groups: 1, input: (21, 70), kernel: (8, 1),
                         stride: (4, 1), padBegin: (2, 0), padEnd: (2, 0)),
            convGeometry(batch: 1, inChannels: 4, outChannels: 16, groups: 1, input: (32, 96), kernel: (8, 1),
                         stride: (4, 1), padBegin: (2, 0), padEnd: (2, 0)),
            convGeometry(batch: 1, inChannels: 3, outChannels: 13, groups: 1, input: (9, 5), kernel: (3, 1),
                         dilation: (2, 1), padBegin: (3, 0), padEnd: (1, 0)),
            convGeometry(batch: 3, inChannels: 2, outChannels: 6, groups: 1, input: (4, 130), kernel: (2, 1)),
        ]
        XCTAssertEqual(cases.map(rowConvApplies), Array(repeating: packedLinearBeatsBLAS, count: cases.count))
        for (i, g) in cases.enumerated() { check(g, bias: i % 2 == 0, seed: 60 + UInt64(i)) }
        let others = [
            convGeometry(batch: 1, inChannels: 4, outChannels: 6, groups: 1, input: (9, 20), kernel: (8, 2),
                         stride: (4, 1)),
            convGeometry(batch: 1, inChannels: 4, outChannels: 6, groups: 1, input: (9, 20), kernel: (8, 1),
                         stride: (4, 2)),
            convGeometry(batch: 1, inChannels: 4, outChannels: 6, groups: 1, input: (9, 20), kernel: (8, 1),
                         padBegin: (0, 1), padEnd: (0, 1)),
            convGeometry(batch: 1, inChannels: 4, outChannels: 6, groups: 2, input: (9, 20), kernel: (8, 1)),
            convGeometry(batch: 1, inChannels: 4, outChannels: 6, groups: 1, input: (9, 20), kernel: (1, 1)),
        ]
        XCTAssertFalse(others.contains(where: rowConvApplies))
    }

    /// Many small batch items (HT-Demucs's residual branches fold frequencies into the batch) run on separate
    /// cores, each with its own im2col tile: dilated, padded and strided taps, and the pointwise form.
    func testManySmallBatchItemsInParallel() {
        let dilated = convGeometry(batch: 9, inChannels: 6, outChannels: 49, groups: 1, input: (1, 37), kernel: (1, 3),
                                   dilation: (1, 2), padBegin: (0, 2), padEnd: (0, 2))
        let strided = convGeometry(batch: 7, inChannels: 4, outChannels: 6, groups: 2, input: (5, 9), kernel: (3, 3),
                                   stride: (2, 2), padBegin: (1, 1), padEnd: (1, 1))
        let pointwise = convGeometry(batch: 8, inChannels: 6, outChannels: 50, groups: 1, input: (1, 33), kernel: (1, 1))
        XCTAssertFalse([dilated, strided, pointwise].contains(where: thinConvApplies), "these run through gemms")
        if kernelThreadCount > 1 {
            XCTAssertTrue([dilated, strided, pointwise].allSatisfy { convSchedule($0) == .items })
        }
        check(dilated, bias: true, seed: 11)
        check(strided, bias: false, seed: 12)
        check(pointwise, bias: true, seed: 13)
    }
}
