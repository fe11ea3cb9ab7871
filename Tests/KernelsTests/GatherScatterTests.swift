import XCTest
import Kernels

/// `gather` and `scatterND` against per-element references: negative indices, repeated indices, first / middle /
/// last axis, no indices, whole-slice, row and single-element updates, in place, and 1-, 4- and 8-byte elements.
/// Exact comparison.
final class GatherScatterTests: XCTestCase {
    private func checkGather<T: Equatable & BitwiseCopyable>(_ x: [T], outer: Int, axisLength: Int, inner: Int,
                                                             indices: [Int64],
                                                             file: StaticString = #filePath, line: UInt = #line) {
        var expected: [T] = []
        for o in 0..<outer {
            for index in indices {
                let i = index < 0 ? Int(index) + axisLength : Int(index)
                expected += x[((o * axisLength + i) * inner)..<((o * axisLength + i + 1) * inner)]
            }
        }
        var out = x + x  // any values, more than enough; the tail must stay untouched
        let untouched = Array(out[expected.count...])
        out.withUnsafeMutableBytes { output in
            gather(x, outer: outer, axisLength: axisLength, inner: inner, indices: indices, indexCount: indices.count,
                   output: output.baseAddress!, elementSize: MemoryLayout<T>.stride)
        }
        XCTAssertEqual(Array(out[..<expected.count]), expected, "indices \(indices)", file: file, line: line)
        XCTAssertEqual(Array(out[expected.count...]), untouched, "wrote past the output", file: file, line: line)
    }

    func testGatherMiddleAxisWithNegativeAndRepeatedIndices() {
        let x = (0..<105).map { Float($0) * 0.5 }
        checkGather(x, outer: 3, axisLength: 7, inner: 5, indices: [-1, 0, 6, -7, 3, 3])
    }

    func testGatherFirstAndLastAxes() {
        let bytes = (0..<35).map { UInt8($0 * 7 % 256) }
        checkGather(bytes, outer: 1, axisLength: 5, inner: 7, indices: [4, -5, -2])
        let longs = (0..<35).map { Int64($0) << 33 - 1 }
        checkGather(longs, outer: 7, axisLength: 5, inner: 1, indices: [-1, 2])
        checkGather(longs, outer: 5, axisLength: 7, inner: 1, indices: [-3])
    }

    func testGatherNoIndices() {
        checkGather([Float(1), 2, 3], outer: 3, axisLength: 1, inner: 1, indices: [])
    }

    private func checkScatter<T: Equatable & BitwiseCopyable>(_ data: [T], shape: [Int], indices: [[Int64]],
                                                              updates: [T], inPlace: Bool = false,
                                                              file: StaticString = #filePath, line: UInt = #line) {
        let depth = indices.first?.count ?? 1
        let strides = contiguousStrides(shape)
        let slice = shape[depth...].reduce(1, *)
        var expected = data
        for (u, tuple) in indices.enumerated() {
            let start = tuple.indices.reduce(0) { sum, d in
                sum + (tuple[d] < 0 ? Int(tuple[d]) + shape[d] : Int(tuple[d])) * strides[d]
            }
            expected[start..<(start + slice)] = updates[(u * slice)..<((u + 1) * slice)]
        }
        let flat: [Int64] = indices.joined() + [0]  // never empty, so it has an address
        var out = inPlace ? data : data.map { _ in updates[0] }
        out.withUnsafeMutableBytes { output in
            let write = { (source: UnsafeRawPointer) in
                scatterND(data: source, dataShape: shape, indices: flat, indexDepth: depth,
                          updateCount: indices.count, updates: updates, output: output.baseAddress!,
                          elementSize: MemoryLayout<T>.stride)
            }
            if inPlace {
                write(UnsafeRawPointer(output.baseAddress!))
            } else {
                data.withUnsafeBytes { write($0.baseAddress!) }
            }
        }
        XCTAssertEqual(out, expected, "indices \(indices)", file: file, line: line)
    }

    func testScatterWholeSlices() {
        let data = (0..<60).map { Float($0) }
        checkScatter(data, shape: [4, 3, 5], indices: [[-1], [1]], updates: (0..<30).map { -Float($0) - 1 })
    }

    func testScatterRows() {
        let data = (0..<60).map { Float($0) }
        checkScatter(data, shape: [4, 3, 5], indices: [[0, -1], [3, 0], [-2, 1]], updates: (0..<15).map { -Float($0) })
    }

    func testScatterElementsInPlace() {
        let data = (0..<60).map { Int64($0) << 35 }
        checkScatter(data, shape: [4, 3, 5], indices: [[0, 0, 0], [3, 2, 4], [-1, -3, -4], [1, -2, 2]],
                     updates: [-1, -2, -3, -4], inPlace: true)
    }

    func testScatterNothingCopiesData() {
        checkScatter((0..<6).map { UInt8($0) }, shape: [2, 3], indices: [], updates: [9])
    }
}
