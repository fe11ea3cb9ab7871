import XCTest
import Kernels

/// `stridedCopy` against a per-element reference over byte buffers: negative strides (reversed views), transposes,
/// destinations with gaps, broadcast (stride 0) sources, axes of extent 1 and 0, rank 0, and element sizes 1, 2, 3,
/// 4, 8 and 16 (the fixed-width and the generic paths), and copies large enough to be split over the cores. Exact
/// comparison, including bytes the copy must not touch.
final class StridedCopyTests: XCTestCase {
    private func check(_ source: StridedLayout, _ destination: StridedLayout, sourceCount: Int, destinationCount: Int,
                       elementSizes: [Int] = [1, 2, 3, 4, 8, 16], file: StaticString = #filePath, line: UInt = #line) {
        for size in elementSizes {
            let src = (0..<(sourceCount * size)).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            var expected = [UInt8](repeating: 0xee, count: destinationCount * size)
            forEachIndex(source.shape) { index in
                let s = offset(of: index, strides: source.strides, base: source.offset) * size
                let d = offset(of: index, strides: destination.strides, base: destination.offset) * size
                expected[d..<(d + size)] = src[s..<(s + size)]
            }
            var dst = [UInt8](repeating: 0xee, count: destinationCount * size)
            dst.withUnsafeMutableBytes { out in
                stridedCopy(from: src, source, to: out.baseAddress!, destination, elementSize: size)
            }
            XCTAssertEqual(dst, expected, "element size \(size)", file: file, line: line)
        }
    }

    func testReversedAxes() {
        // A [3, 4, 5] tensor read with its first and last axes reversed.
        let reversed = StridedLayout(shape: [3, 4, 5], strides: [-20, 5, -1], offset: 2 * 20 + 4)
        check(reversed, StridedLayout(contiguous: [3, 4, 5]), sourceCount: 60, destinationCount: 60)
        // Every other element of a 13-vector, backwards, written forwards into a gappy destination.
        check(StridedLayout(shape: [7], strides: [-2], offset: 12), StridedLayout(shape: [7], strides: [3]),
              sourceCount: 13, destinationCount: 19)
    }

    func testTransposeAndGappyDestination() {
        // [5, 3] transposed to [3, 5], into rows of 7 (two spare elements each) with an offset.
        let transposed = StridedLayout(shape: [3, 5], strides: [1, 3])
        check(transposed, StridedLayout(shape: [3, 5], strides: [7, 1], offset: 2), sourceCount: 15,
              destinationCount: 23)
        // A 4-D permutation (0, 2, 3, 1) of a [2, 3, 4, 5] tensor.
        check(StridedLayout(shape: [2, 4, 5, 3], strides: [60, 5, 1, 20]), StridedLayout(contiguous: [2, 4, 5, 3]),
              sourceCount: 120, destinationCount: 120, elementSizes: [1, 4, 16])
    }

    /// Large transposes of 4-byte elements go through squares transposed in vectors: every bit pattern must move
    /// unchanged (the source bytes include NaN payloads), the edges of partial squares included.
    func testLargeTransposesInSquares() {
        // [3, 300, 1_000] with its last two axes swapped: 900,000 elements, every square whole.
        check(StridedLayout(shape: [3, 1_000, 300], strides: [300_000, 1, 1_000]), StridedLayout(contiguous: [3, 1_000, 300]),
              sourceCount: 900_000, destinationCount: 900_000, elementSizes: [4, 8])
        // A [2, 37, 5, 1_430] tensor permuted (0, 3, 2, 1), as the transformer's output is: partial squares on
        // both axes, an axis between them, into a destination with an offset.
        check(StridedLayout(shape: [2, 1_430, 5, 37], strides: [264_550, 1, 1_430, 7_150]),
              StridedLayout(shape: [2, 1_430, 5, 37], strides: [264_550, 185, 37, 1], offset: 3),
              sourceCount: 529_100, destinationCount: 529_103, elementSizes: [4])
    }

    /// Permutations whose innermost runs are contiguous on both sides loop in whichever order strides over fewer
    /// places: here the source's ([200, 8, 170] read as [8, 200, 170]), small and above `parallelCopyMinimum`,
    /// and the destination's for the inverse permutation.
    func testRunPermutationsInEitherOrder() {
        check(StridedLayout(shape: [3, 20, 7], strides: [7, 21, 1]), StridedLayout(contiguous: [3, 20, 7]),
              sourceCount: 420, destinationCount: 420)
        check(StridedLayout(shape: [8, 200, 170], strides: [170, 1_360, 1]), StridedLayout(contiguous: [8, 200, 170]),
              sourceCount: 272_000, destinationCount: 272_000, elementSizes: [4, 3])
        check(StridedLayout(shape: [200, 8, 170], strides: [170, 34_000, 1]), StridedLayout(contiguous: [200, 8, 170]),
              sourceCount: 272_000, destinationCount: 272_000, elementSizes: [4])
    }

    func testBroadcastSource() {
        check(StridedLayout(shape: [3, 1, 4, 2], strides: [0, 99, 1, 0], offset: 1),
              StridedLayout(contiguous: [3, 1, 4, 2]), sourceCount: 5, destinationCount: 24)
    }

    func testContiguousAndDegenerateShapes() {
        check(StridedLayout(shape: [2, 1, 6], strides: [6, -5, 1]), StridedLayout(contiguous: [2, 1, 6]),
              sourceCount: 12, destinationCount: 12)
        check(StridedLayout(shape: [], strides: [], offset: 3), StridedLayout(shape: [], strides: [], offset: 1),
              sourceCount: 4, destinationCount: 2)
        check(StridedLayout(shape: [3, 0, 2], strides: [-1, 1, 1], offset: 2), StridedLayout(contiguous: [3, 0, 2]),
              sourceCount: 3, destinationCount: 1)
    }

    /// Above `parallelCopyMinimum` elements the first axis longer than 1 is split over the cores: here the second
    /// (a leading axis of extent 1 first), of a reversed, transposing view into a gappy destination.
    func testLargeCopiesSplitOverTheCores() {
        let source = StridedLayout(shape: [1, 67, 40, 101], strides: [0, -1, 67 * 101, 67], offset: 66)
        let destination = StridedLayout(shape: [1, 67, 40, 101], strides: [0, 40 * 103, 103, 1], offset: 1)
        check(source, destination, sourceCount: 67 * 40 * 101, destinationCount: 67 * 40 * 103 + 1,
              elementSizes: [4, 3])
    }
}
