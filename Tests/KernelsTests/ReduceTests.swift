import XCTest
import Kernels

/// `reduce` against a float64 reference: every reduction over non-adjacent axes, all axes, no axes, axes of extent
/// 1, an empty reduced axis (the identity), and a non-float element type. Bound: 1e-5 relative per element (the
/// kernel accumulates in double, so only the final rounding to float remains).
final class ReduceTests: XCTestCase {
    private static let all: [Reduction] = [.sum, .mean, .product, .max, .min, .sumSquares]

    /// Combines, for each keepdims output element, every input element whose non-reduced coordinates match.
    private func reference(_ x: [Double], shape: [Int], reduced: [Bool], _ reduction: Reduction) -> [Double] {
        let outShape = shape.indices.map { reduced[$0] ? 1 : shape[$0] }
        var groups = [[Double]](repeating: [], count: outShape.reduce(1, *))
        var flat = 0
        forEachIndex(shape) { index in
            groups[broadcastOffset(index, in: outShape)].append(x[flat])
            flat += 1
        }
        return groups.map { g in
            switch reduction {
            case .sum: g.reduce(0, +)
            case .mean: g.reduce(0, +) / Double(g.count)
            case .product: g.reduce(1, *)
            case .max: g.max() ?? -.infinity
            case .min: g.min() ?? .infinity
            case .sumSquares: g.reduce(0) { $0 + $1 * $1 }
            }
        }
    }

    private func run<T>(_ x: [T], shape: [Int], reduced: [Bool], _ reduction: Reduction,
                        load: (T) -> Double, store: (Double) -> T) -> [T] {
        let count = shape.indices.reduce(1) { reduced[$1] ? $0 : $0 * shape[$1] }
        var out = [T](repeating: store(-42), count: count)
        let scratch = UnsafeMutableRawPointer.allocate(byteCount: max(reduceScratchBytes(outputCount: count), 1),
                                                       alignment: 8)
        defer { scratch.deallocate() }
        let input = x.isEmpty ? [store(0)] : x  // an empty array has no address; the kernel reads nothing
        reduce(input, shape: shape, reduced: reduced, reduction, output: &out, scratch: scratch, load: load,
               store: store)
        return out
    }

    private func check(shape: [Int], reduced: [Bool], seed: UInt64,
                       file: StaticString = #filePath, line: UInt = #line) {
        var rng = SplitMix64(seed: seed)
        let x = rng.floats(shape.reduce(1, *), in: 0.5...1.5).enumerated().map { $0 % 3 == 0 ? -$1 : $1 }
        for reduction in Self.all {
            let got = run(x, shape: shape, reduced: reduced, reduction, load: { Double($0) }, store: { Float($0) })
            assertClose(got, reference(x.map(Double.init), shape: shape, reduced: reduced, reduction),
                        relative: 1e-5, "\(reduction) over \(reduced) of \(shape)", file: file, line: line)
        }
    }

    func testNonAdjacentAxes() {
        check(shape: [3, 4, 5, 2], reduced: [true, false, true, false], seed: 1)
        check(shape: [2, 3, 7], reduced: [true, false, true], seed: 2)
        check(shape: [5, 3, 2, 3], reduced: [false, true, false, true], seed: 3)
    }

    func testAllAndNoAxes() {
        check(shape: [3, 5, 7], reduced: [true, true, true], seed: 4)
        check(shape: [4, 3], reduced: [false, false], seed: 5)
        check(shape: [], reduced: [], seed: 6)
    }

    func testUnitAxes() {
        check(shape: [1, 7, 1, 3], reduced: [false, true, true, false], seed: 7)
        check(shape: [2, 1, 5], reduced: [false, true, false], seed: 8)
    }

    func testEmptyReductionGivesIdentity() {
        let expected: [Reduction: Float] = [.sum: 0, .mean: .nan, .product: 1, .max: -.infinity, .min: .infinity,
                                            .sumSquares: 0]
        for reduction in Self.all {
            let got = run([Float](), shape: [2, 0, 3], reduced: [false, true, false], reduction,
                          load: { Double($0) }, store: { Float($0) })
            assertClose(got, [Double](repeating: Double(expected[reduction]!), count: 6), relative: 0, "\(reduction)")
        }
    }

    func testIntegerElements() {
        let x: [Int64] = (0..<24).map { Int64($0 % 5) - 2 }
        let shape = [2, 3, 4], reduced = [false, true, true]
        for reduction in Self.all {
            let got = run(x, shape: shape, reduced: reduced, reduction, load: { Double($0) }, store: { Int64($0) })
            let expected = reference(x.map(Double.init), shape: shape, reduced: reduced, reduction)
            XCTAssertEqual(got, expected.map { Int64($0) }, "\(reduction)")
        }
    }

    /// `reduceTrailing` (the float fast path for sums over trailing axes) against the same reference: one long
    /// row split over the cores, several rows, rows shorter than a vector, values with a large mean, empty rows.
    /// Bound: 1e-6 of the sum of magnitudes (float lanes within blocks of 256).
    func testTrailingSums() {
        var rng = SplitMix64(seed: 9)
        for (rows, length, offset) in [(1, 70_001, 0.0), (5, 1_000, 0.0), (3, 7, 0.0), (2, 40_000, 1_000.0), (4, 0, 0.0)] {
            let x = rng.floats(rows * length, in: -1...1).map { $0 + Float(offset) }
            for reduction in Self.all where isTrailingSum(reduction) {
                var out = [Float](repeating: -42, count: rows)
                let input = x.isEmpty ? [0] : x
                reduceTrailing(input, rows: rows, length: length, reduction, output: &out)
                let expected = reference(x.map(Double.init), shape: [rows, length], reduced: [false, true], reduction)
                // Relative to the sum of magnitudes: a sum of signed values may cancel to near 0.
                let scale = reference(x.map { Double(abs($0)) }, shape: [rows, length], reduced: [false, true], reduction)
                assertClose(out, expected, scale: scale, tolerance: 1e-6,
                            "\(reduction) of \(rows) × \(length) + \(offset)")
            }
        }
    }
}
