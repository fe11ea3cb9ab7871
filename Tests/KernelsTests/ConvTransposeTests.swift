import XCTest
@testable import Kernels

/// `convTranspose2d` against a float64 scatter of every input tap: groups, batch, strides wider than the kernel,
/// dilations, pads that crop, output padding, a 1-D case as height 1, and an input whose gemm/col2im splits into
/// several tiles. Bound: 1e-5 × Σ|terms| per element (bias included).
final class ConvTransposeTests: XCTestCase {
    /// Input position `i` with tap `k` adds into output `i·stride − padBegin + k·dilation` when that is in range.
    private func reference(_ g: ConvGeometry, _ x: [Float], _ w: [Float], _ bias: [Float]?) -> [ReferenceSum] {
        let cinG = g.inChannels / g.groups, coutG = g.outChannels / g.groups
        let plane = g.outHeight * g.outWidth
        var out = (0..<(g.batch * g.outChannels * plane)).map { i in
            ReferenceSum(bias.map { Double($0[(i / plane) % g.outChannels]) } ?? 0)
        }
        for n in 0..<g.batch {
            for ci in 0..<g.inChannels {
                let group = ci / cinG
                for ih in 0..<g.inHeight {
                    for iw in 0..<g.inWidth {
                        let xv = Double(x[((n * g.inChannels + ci) * g.inHeight + ih) * g.inWidth + iw])
                        for c in 0..<coutG {
                            let co = group * coutG + c
                            for kh in 0..<g.kernelHeight {
                                let oh = ih * g.strideHeight - g.padTop + kh * g.dilationHeight
                                guard oh >= 0 && oh < g.outHeight else { continue }
                                for kw in 0..<g.kernelWidth {
                                    let ow = iw * g.strideWidth - g.padLeft + kw * g.dilationWidth
                                    guard ow >= 0 && ow < g.outWidth else { continue }
                                    let wv = w[((ci * coutG + c) * g.kernelHeight + kh) * g.kernelWidth + kw]
                                    out[((n * g.outChannels + co) * g.outHeight + oh) * g.outWidth + ow]
                                        .add(xv * Double(wv))
                                }
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    private func check(_ g: ConvGeometry, bias hasBias: Bool, seed: UInt64,
                       file: StaticString = #filePath, line: UInt = #line) {
        var rng = SplitMix64(seed: seed)
        let x = rng.floats(g.batch * g.inChannels * g.inHeight * g.inWidth)
        let w = rng.floats(g.inChannels * (g.outChannels / g.groups) * g.kernelHeight * g.kernelWidth)
        let bias = hasBias ? rng.floats(g.outChannels) : nil
        var out = [Float](repeating: .nan, count: g.batch * g.outChannels * g.outHeight * g.outWidth)
        var scratch = [Float](repeating: .nan, count: convTranspose2dScratchCount(g))
        withOptionalPointer(bias) {
            convTranspose2d(g, input: x, weight: w, bias: $0, output: &out, scratch: &scratch)
        }
        assertClose(out, reference(g, x, w, bias), tolerance: 1e-5, "\(g)", file: file, line: line)
    }

    func testGroupsBatchStridesDilationsPadsAndOutputPadding() {
        check(convGeometry(batch: 2, inChannels: 6, outChannels: 9, groups: 3, input: (4, 5), kernel: (3, 4),
                           stride: (2, 3), dilation: (2, 1), padBegin: (1, 2), padEnd: (2, 0), transposed: true,
                           outputPadding: (1, 2)), bias: true, seed: 1)
        check(convGeometry(batch: 1, inChannels: 5, outChannels: 5, groups: 5, input: (3, 7), kernel: (2, 3),
                           stride: (3, 1), dilation: (1, 2), padBegin: (0, 3), padEnd: (1, 0), transposed: true),
              bias: false, seed: 2)
    }

    /// Strides wider than the kernel leave output positions no tap reaches: they hold the bias alone.
    func testStrideWiderThanKernelAndCroppingPads() {
        check(convGeometry(batch: 2, inChannels: 3, outChannels: 2, groups: 1, input: (3, 4), kernel: (2, 2),
                           stride: (3, 5), padBegin: (3, 1), padEnd: (2, 4), transposed: true, outputPadding: (2, 1)),
              bias: true, seed: 3)
    }

    func testOneDimensionalAsHeightOne() {
        check(convGeometry(batch: 3, inChannels: 4, outChannels: 6, groups: 2, input: (1, 37), kernel: (1, 8),
                           stride: (1, 4), dilation: (1, 3), padBegin: (0, 2), padEnd: (0, 5), transposed: true),
              bias: true, seed: 4)
        check(convGeometry(batch: 1, inChannels: 1, outChannels: 1, groups: 1, input: (1, 1), kernel: (1, 1),
                           transposed: true), bias: false, seed: 5)
    }

    /// Transposed convolutions that upsample rows only run output row by output row (`rowTransposedConv`):
    /// HT-Demucs's kernel (8, 1) stride (4, 1) with and without a cropping pad, rows wider than a register block
    /// and not a multiple of one, a tap count that is not a multiple of the stride, rows no tap reaches (bias
    /// alone), output padding, a batch and more output channels than one register block; in wide register blocks
    /// and (AVX-512 builds) tall ones, among them HT-Demucs's last decoder's 16 channels by 336 positions.
    func testRowUpsamplingTransposedConvolutions() {
        let shapes = [
            convGeometry(batch: 2, inChannels: 5, outChannels: 14, groups: 1, input: (9, 70), kernel: (8, 1),
                         stride: (4, 1), transposed: true),
            convGeometry(batch: 1, inChannels: 7, outChannels: 3, groups: 1, input: (6, 130), kernel: (8, 1),
                         stride: (4, 1), padBegin: (2, 0), padEnd: (2, 0), transposed: true),
            convGeometry(batch: 1, inChannels: 4, outChannels: 8, groups: 1, input: (5, 17), kernel: (3, 1),
                         stride: (2, 1), padBegin: (1, 0), padEnd: (0, 0), transposed: true, outputPadding: (1, 0)),
            convGeometry(batch: 2, inChannels: 3, outChannels: 2, groups: 1, input: (4, 9), kernel: (1, 1),
                         stride: (3, 1), transposed: true),
            convGeometry(batch: 1, inChannels: 6, outChannels: 16, groups: 1, input: (5, 336), kernel: (8, 1),
                         stride: (4, 1), padBegin: (2, 0), padEnd: (2, 0), transposed: true),
        ]
        XCTAssertEqual(shapes.map(\.rowBlocksAreTall),
                       packedLinearBeatsBLAS ? [true, false, true, false, true] : [false, false, false, false, false])
        for (index, g) in shapes.enumerated() {
            XCTAssertTrue(rowTransposedConvApplies(g), "\(g)")
            check(g, bias: index % 2 == 0, seed: UInt64(20 + index))
        }
        // Groups, or a kernel or stride along the width, take the col2im path.
        XCTAssertFalse(rowTransposedConvApplies(convGeometry(batch: 1, inChannels: 4, outChannels: 14, groups: 2,
                                                             input: (9, 20), kernel: (8, 1), stride: (4, 1),
                                                             transposed: true)))
        XCTAssertFalse(rowTransposedConvApplies(convGeometry(batch: 1, inChannels: 4, outChannels: 6, groups: 1,
                                                             input: (1, 37), kernel: (1, 8), stride: (1, 4),
                                                             transposed: true)))
    }

    /// 2 groups × 9 col2im rows over 500,015 input positions: several tiles per group, starting mid-row.
    func testSeveralTiles() {
        let g = convGeometry(batch: 1, inChannels: 2, outChannels: 2, groups: 2, input: (5, 100_003), kernel: (3, 3),
                             padBegin: (1, 1), padEnd: (1, 1), transposed: true)
        XCTAssertLessThan(ConvTransposeShares(g).columns, g.inHeight * g.inWidth)
        check(g, bias: true, seed: 6)
    }

    /// 7 output channels per group shared between the cores (4 and 3 on two), in three tiles over 18,000 input
    /// positions, with HT-Demucs's stride-4, kernel-8 frequency upsampling.
    func testChannelSharesOverTheCores() {
        let g = convGeometry(batch: 2, inChannels: 4, outChannels: 14, groups: 2, input: (9, 2000), kernel: (8, 1),
                             stride: (4, 1), transposed: true)
        let split = ConvTransposeShares(g)
        XCTAssertEqual(split.shares, min(kernelThreadCount, 7))
        XCTAssertLessThan(split.columns, g.inHeight * g.inWidth)
        check(g, bias: true, seed: 7)
    }
}
