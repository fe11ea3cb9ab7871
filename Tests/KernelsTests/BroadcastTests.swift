import XCTest
import Kernels

/// `broadcastShape`, `broadcastStrides`, `broadcastBinary` and `broadcastSelect` against per-element references:
/// size-1 and missing leading axes on either side, scalars, every fast path, an output larger than the inputs'
/// broadcast, in place, empty outputs, and mixed element types. Exact comparison (the ops are exact or the same
/// float operation the reference applies).
final class BroadcastTests: XCTestCase {
    func testShape() {
        XCTAssertEqual(broadcastShape([2, 1, 3], [4, 1]), [2, 4, 3])
        XCTAssertEqual(broadcastShape([], [3]), [3])
        XCTAssertEqual(broadcastShape([5, 1], []), [5, 1])
        XCTAssertEqual(broadcastShape([0, 1], [1, 5]), [0, 5])
        XCTAssertEqual(broadcastShape([1], [0]), [0])
        XCTAssertNil(broadcastShape([2, 3], [3, 2]))
        XCTAssertNil(broadcastShape([2], [0]))
    }

    func testStrides() {
        XCTAssertEqual(broadcastStrides([3, 1], to: [2, 3, 4]), [0, 1, 0])
        XCTAssertEqual(broadcastStrides([], to: [2]), [0])
        XCTAssertEqual(broadcastStrides([2, 3], to: [2, 3]), [3, 1])
        XCTAssertEqual(broadcastStrides([1, 5, 1, 7], to: [4, 5, 6, 7]), [0, 7, 0, 1])
    }

    /// Runs `broadcastBinary` on `a` and `b` and compares with the per-element reference.
    private func check<A, B, C: Equatable>(_ a: [A], _ aShape: [Int], _ b: [B], _ bShape: [Int], to outShape: [Int],
                                           _ op: (A, B) -> C, file: StaticString = #filePath, line: UInt = #line) {
        var expected: [C] = []
        forEachIndex(outShape) { index in
            expected.append(op(a[broadcastOffset(index, in: aShape)], b[broadcastOffset(index, in: bShape)]))
        }
        guard let first = expected.first else {
            var out = [op(a[0], b[0])]
            broadcastBinary(a, aShape, b, bShape, &out, outShape, op)
            XCTAssertEqual(out, [op(a[0], b[0])], "empty output written", file: file, line: line)
            return
        }
        var out = [C](repeating: first, count: expected.count)
        broadcastBinary(a, aShape, b, bShape, &out, outShape, op)
        XCTAssertEqual(out, expected, "\(aShape) ⊕ \(bShape) → \(outShape)", file: file, line: line)
    }

    private func floats(_ shape: [Int], seed: UInt64) -> [Float] {
        var rng = SplitMix64(seed: seed)
        return rng.floats(shape.reduce(1, *), in: -8...8)
    }

    func testSameShapeAndScalars() {
        let a = floats([3, 5], seed: 1), b = floats([3, 5], seed: 2)
        check(a, [3, 5], b, [3, 5], to: [3, 5], -)
        check(a, [3, 5], [Float(2)], [], to: [3, 5], -)
        check(a, [3, 5], [Float(2)], [1, 1], to: [3, 5], /)
        check([Float(2)], [1], b, [3, 5], to: [3, 5], -)
    }

    func testSizeOneAndMissingLeadingAxes() {
        check(floats([2, 1, 3], seed: 3), [2, 1, 3], floats([4, 1], seed: 4), [4, 1], to: [2, 4, 3], -)
        check(floats([3], seed: 5), [3], floats([2, 5, 3], seed: 6), [2, 5, 3], to: [2, 5, 3], -)
        check(floats([5, 1], seed: 7), [5, 1], floats([1, 5], seed: 8), [1, 5], to: [5, 5], -)
        check(floats([1, 7, 1], seed: 9), [1, 7, 1], floats([3, 1, 1], seed: 10), [3, 1, 1], to: [3, 7, 1], -)
    }

    /// One value per row of the other operand's trailing axes, on either side (the rows' fast path), and shapes
    /// that look alike but broadcast along a leading axis too (the general path).
    func testOneValuePerRowOnEitherSide() {
        check(floats([3, 4, 5], seed: 12), [3, 4, 5], floats([3, 4, 1], seed: 13), [3, 4, 1], to: [3, 4, 5], -)
        check(floats([3, 1, 1], seed: 14), [3, 1, 1], floats([3, 4, 5], seed: 15), [3, 4, 5], to: [3, 4, 5], -)
        check(floats([2, 3, 4], seed: 16), [2, 3, 4], floats([3, 1], seed: 17), [3, 1], to: [2, 3, 4], -)
        check(floats([1, 3, 1], seed: 18), [1, 3, 1], floats([2, 3, 4], seed: 19), [2, 3, 4], to: [2, 3, 4], /)
    }

    /// An output larger than the inputs' own broadcast (as `Expand` uses it): both inputs broadcast along the
    /// innermost axis.
    func testOutputWiderThanInputs() {
        check(floats([5, 1], seed: 11), [5, 1], [Float(0.5)], [1, 1], to: [5, 3], -)
    }

    func testMixedTypes() {
        let a = floats([4, 1, 3], seed: 12), b = floats([2, 1], seed: 13)
        check(a, [4, 1, 3], b, [2, 1], to: [4, 2, 3], <)
        let ints: [Int64] = [-3, 0, 7, 1 << 40]
        check(ints, [2, 2], [Int32(5), -2], [2], to: [2, 2]) { $0 - Int64($1) }
    }

    func testEmptyOutput() {
        check([Float(1)], [1, 1], [Float(2), 3, 4], [1, 1, 3], to: [0, 1, 3], +)
    }

    func testInPlaceWhenOutputHasTheFirstShape() {
        var a = floats([2, 3, 4], seed: 14)
        let b = floats([3, 1], seed: 15)
        var expected: [Float] = []
        forEachIndex([2, 3, 4]) { index in
            expected.append(a[broadcastOffset(index, in: [2, 3, 4])] * b[broadcastOffset(index, in: [3, 1])])
        }
        a.withUnsafeMutableBufferPointer { p in
            broadcastBinary(UnsafePointer(p.baseAddress!), [2, 3, 4], b, [3, 1], p.baseAddress!, [2, 3, 4], *)
        }
        XCTAssertEqual(a, expected)
    }

    func testSelect() {
        let condition = [true, false, false, true]
        let x = floats([3, 1, 5], seed: 16), y = floats([5], seed: 17)
        var expected: [Float] = []
        forEachIndex([3, 4, 5]) { index in
            expected.append(condition[broadcastOffset(index, in: [1, 4, 1])]
                            ? x[broadcastOffset(index, in: [3, 1, 5])] : y[broadcastOffset(index, in: [5])])
        }
        var out = [Float](repeating: .nan, count: 60)
        broadcastSelect(condition, [1, 4, 1], x, [3, 1, 5], y, [5], &out, [3, 4, 5])
        XCTAssertEqual(out, expected)

        let longs: [Int64] = [1, 2, 3, 4, 5, 6]
        var picked = [Int64](repeating: 0, count: 6)
        broadcastSelect([false], [], longs, [2, 3], [-1], [], &picked, [2, 3])
        XCTAssertEqual(picked, [-1, -1, -1, -1, -1, -1])
        broadcastSelect([true, false, true], [3], longs, [2, 3], [-1], [1, 1], &picked, [2, 3])
        XCTAssertEqual(picked, [1, -1, 3, 4, -1, 6])
    }
}
