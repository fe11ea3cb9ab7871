import XCTest
import Kernels

/// `pad` against a per-element reference: constant, reflect and edge modes, negative pads that crop, pads on
/// several axes at once, rank 0 and 1, a fully cropped axis, and 2-, 4- and 8-byte elements. Exact comparison.
final class PadTests: XCTestCase {
    /// The source index output index `o` reads along an axis of extent `n`, or nil for the constant fill.
    private func source(_ o: Int, begin: Int, extent n: Int, mode: PadMode) -> Int? {
        let i = o - begin
        if i >= 0 && i < n { return i }
        switch mode {
        case .constant: return nil
        case .edge: return min(max(i, 0), n - 1)
        case .reflect: return i < 0 ? -i : 2 * (n - 1) - i
        }
    }

    private func reference<T>(_ x: [T], shape: [Int], begin: [Int], end: [Int], mode: PadMode, fill: T) -> [T] {
        let outShape = shape.indices.map { shape[$0] + begin[$0] + end[$0] }
        let strides = contiguousStrides(shape)
        var out: [T] = []
        forEachIndex(outShape) { index in
            var flat = 0
            for axis in shape.indices {
                guard let i = source(index[axis], begin: begin[axis], extent: shape[axis], mode: mode) else {
                    out.append(fill)
                    return
                }
                flat += i * strides[axis]
            }
            out.append(x[flat])
        }
        return out
    }

    private func check<T: Equatable & BitwiseCopyable>(_ x: [T], shape: [Int], begin: [Int], end: [Int],
                                                       mode: PadMode, fill: T,
                                                       file: StaticString = #filePath, line: UInt = #line) {
        let expected = reference(x, shape: shape, begin: begin, end: end, mode: mode, fill: fill)
        var out = [T](repeating: fill, count: expected.count + 1)  // one spare element to catch overruns
        let sentinel = x.first ?? fill
        out[expected.count] = sentinel
        withUnsafePointer(to: fill) { fillPointer in
            out.withUnsafeMutableBytes { output in
                x.withUnsafeBytes { input in
                    pad(input.baseAddress!, shape: shape, begin: begin, end: end, mode: mode, fill: fillPointer,
                        output: output.baseAddress!, elementSize: MemoryLayout<T>.stride)
                }
            }
        }
        XCTAssertEqual(Array(out.prefix(expected.count)), expected, "\(mode) \(begin) \(end)", file: file, line: line)
        XCTAssertEqual(out[expected.count], sentinel, "wrote past the output", file: file, line: line)
    }

    private func floats(_ count: Int) -> [Float] { (0..<count).map { Float($0) + 0.5 } }

    func testConstantOnEveryAxisWithCrop() {
        check(floats(30), shape: [2, 3, 5], begin: [1, 0, 2], end: [0, 2, 3], mode: .constant, fill: -7.25)
        check(floats(30), shape: [2, 3, 5], begin: [-1, 1, -2], end: [0, -1, 1], mode: .constant, fill: 9)
    }

    func testReflect() {
        check(floats(60), shape: [3, 4, 5], begin: [2, 0, 4], end: [1, 3, 2], mode: .reflect, fill: 0)
        check(floats(60), shape: [3, 4, 5], begin: [-1, 2, 1], end: [2, -3, 4], mode: .reflect, fill: 0)
        check(floats(7), shape: [7], begin: [6], end: [6], mode: .reflect, fill: 0)
    }

    func testEdge() {
        check(floats(12), shape: [1, 4, 3], begin: [3, 2, 0], end: [2, 5, 1], mode: .edge, fill: 0)
        check(floats(12), shape: [1, 4, 3], begin: [0, -2, 4], end: [1, 1, -2], mode: .edge, fill: 0)
    }

    func testRankZeroAndFullCrop() {
        check([Float(3.5)], shape: [], begin: [], end: [], mode: .constant, fill: 0)
        check(floats(15), shape: [3, 5], begin: [0, -3], end: [0, -2], mode: .constant, fill: 1)
    }

    func testOtherElementSizes() {
        let halves: [UInt16] = (0..<24).map { UInt16($0 * 1001) }
        check(halves, shape: [4, 6], begin: [1, -1], end: [2, 3], mode: .reflect, fill: 0)
        let longs: [Int64] = (0..<24).map { Int64($0) << 40 | 7 }
        check(longs, shape: [2, 3, 4], begin: [1, 2, -1], end: [-1, 1, 2], mode: .constant, fill: -1)
        check(longs, shape: [2, 3, 4], begin: [0, 1, 3], end: [2, 0, 1], mode: .edge, fill: -1)
    }
}
