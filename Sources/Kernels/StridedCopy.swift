import Foundation

/// An N-dimensional view of elements: a shape and per-axis strides (in elements) from a base offset.
///
/// Strides may be zero (broadcast) or negative (reversed slices). The view does not own memory.
public struct StridedLayout: Sendable, Equatable {
    public var shape: [Int]
    public var strides: [Int]
    public var offset: Int

    public init(shape: [Int], strides: [Int], offset: Int = 0) {
        precondition(shape.count == strides.count, "shape and strides differ in rank")
        self.shape = shape
        self.strides = strides
        self.offset = offset
    }

    /// The dense row-major layout of `shape`.
    public init(contiguous shape: [Int]) {
        self.init(shape: shape, strides: contiguousStrides(shape))
    }

    public var elementCount: Int { shape.reduce(1, *) }
}

/// Row-major strides (in elements) of a dense tensor of `shape`.
public func contiguousStrides(_ shape: [Int]) -> [Int] {
    var strides = [Int](repeating: 1, count: shape.count)
    var running = 1
    for axis in shape.indices.reversed() {
        strides[axis] = running
        running *= shape[axis]
    }
    return strides
}

/// Merges adjacent axes that are laid out as one in every view, and drops axes of extent 1.
///
/// All layouts share `shape`. Returns the merged shape and, for each layout, the merged strides. The result has
/// at least one axis.
func coalesce(shape: [Int], strides: [[Int]]) -> (shape: [Int], strides: [[Int]]) {
    var outShape: [Int] = []
    var outStrides: [[Int]] = Array(repeating: [], count: strides.count)
    for axis in shape.indices where shape[axis] != 1 {
        if let last = outShape.indices.last,
           strides.indices.allSatisfy({ strides[$0][axis] * shape[axis] == outStrides[$0][last] }) {
            outShape[last] *= shape[axis]
            for v in strides.indices { outStrides[v][last] = strides[v][axis] }
        } else {
            outShape.append(shape[axis])
            for v in strides.indices { outStrides[v].append(strides[v][axis]) }
        }
    }
    if outShape.isEmpty {
        return ([1], Array(repeating: [1], count: strides.count))
    }
    return (outShape, outStrides)
}

/// Walks every element of an N-dimensional iteration space shared by several strided views, calling `body`
/// once per innermost run with the element offsets of each view at the run's start and the run length.
///
/// Views are coalesced first, so dense views produce a few long runs. `body` receives
/// `(offsets, innerStrides, length)`.
func forEachRun(shape: [Int], layouts: [StridedLayout],
                _ body: (_ offsets: [Int], _ innerStrides: [Int], _ length: Int) -> Void) {
    if shape.contains(0) { return }
    let (dims, strides) = coalesce(shape: shape, strides: layouts.map(\.strides))
    let rank = dims.count
    let inner = dims[rank - 1]
    let innerStrides = strides.map { $0[rank - 1] }
    var offsets = layouts.map(\.offset)
    if rank == 1 {
        body(offsets, innerStrides, inner)
        return
    }
    var counter = [Int](repeating: 0, count: rank - 1)
    while true {
        body(offsets, innerStrides, inner)
        var axis = rank - 2
        while axis >= 0 {
            counter[axis] += 1
            for v in offsets.indices { offsets[v] += strides[v][axis] }
            if counter[axis] < dims[axis] { break }
            for v in offsets.indices { offsets[v] -= strides[v][axis] * dims[axis] }
            counter[axis] = 0
            axis -= 1
        }
        if axis < 0 { return }
    }
}

/// Elements from which `stridedCopy` splits a copy over the cores (1 MiB of floats).
let parallelCopyMinimum = 1 << 18

/// Copies the elements of a strided source view into a strided destination view of the same shape.
///
/// `elementSize` is the width of one element in bytes (1, 4 or 8 in practice). The two views must not overlap,
/// and no two destination elements may share memory. Runs that are contiguous in both views are copied with
/// `memcpy`. Copies of `parallelCopyMinimum` elements or more split their first axis longer than 1 over the cores.
public func stridedCopy(from source: UnsafeRawPointer, _ sourceLayout: StridedLayout,
                        to destination: UnsafeMutableRawPointer, _ destinationLayout: StridedLayout,
                        elementSize: Int) {
    precondition(sourceLayout.shape == destinationLayout.shape, "strided copy between different shapes")
    if elementSize == MemoryLayout<Float>.size,
       transposeInSquares(from: source, sourceLayout, to: destination, destinationLayout) { return }
    let (sourceLayout, destinationLayout) = inFewerStreamsOrder(sourceLayout, destinationLayout)
    guard sourceLayout.elementCount >= parallelCopyMinimum,
          let axis = sourceLayout.shape.firstIndex(where: { $0 > 1 }) else {
        copyRuns(from: source, sourceLayout, to: destination, destinationLayout, elementSize: elementSize)
        return
    }
    let input = UncheckedSendable(source), output = UncheckedSendable(destination)
    parallelRanges(sourceLayout.shape[axis]) { range in
        copyRuns(from: input.value, sourceLayout.slice(axis, range), to: output.value,
                 destinationLayout.slice(axis, range), elementSize: elementSize)
    }
}

/// The two views of a copy, coalesced, with their outer axes in the source's order when that is better than the
/// given order.
///
/// A copy whose innermost runs are contiguous in both views goes run by run. Looping in the destination's order,
/// it writes one stream and reads from as many places as the innermost outer axis is long, each a stride apart;
/// looping in the source's order swaps the two sides. Whichever order makes that axis shorter keeps the strided
/// side down to a few streams the hardware prefetcher can follow. (A `[48, 512, 336]` permutation of a
/// `[512, 48, 336]` tensor: 48 streams in the source's order, 512 runs 64 KiB apart in the destination's.) Other
/// copies are returned as given.
private func inFewerStreamsOrder(_ source: StridedLayout, _ destination: StridedLayout)
    -> (StridedLayout, StridedLayout) {
    let (dims, strides) = coalesce(shape: source.shape, strides: [source.strides, destination.strides])
    let rank = dims.count
    guard rank >= 3, strides[0][rank - 1] == 1, strides[1][rank - 1] == 1 else { return (source, destination) }
    let sourceOrder = (0..<(rank - 1)).sorted { abs(strides[0][$0]) > abs(strides[0][$1]) } + [rank - 1]
    guard dims[sourceOrder[rank - 2]] < dims[rank - 2] else { return (source, destination) }
    func reordered(_ view: Int, offset: Int) -> StridedLayout {
        StridedLayout(shape: sourceOrder.map { dims[$0] }, strides: sourceOrder.map { strides[view][$0] },
                      offset: offset)
    }
    return (reordered(0, offset: source.offset), reordered(1, offset: destination.offset))
}

extension StridedLayout {
    /// The part of this view whose index along `axis` lies in `range`.
    func slice(_ axis: Int, _ range: Range<Int>) -> StridedLayout {
        var part = self
        part.shape[axis] = range.count
        part.offset += range.lowerBound * strides[axis]
        return part
    }
}

/// `stridedCopy` on the caller's thread.
private func copyRuns(from source: UnsafeRawPointer, _ sourceLayout: StridedLayout,
                      to destination: UnsafeMutableRawPointer, _ destinationLayout: StridedLayout,
                      elementSize: Int) {
    forEachRun(shape: sourceLayout.shape, layouts: [sourceLayout, destinationLayout]) { offsets, inner, length in
        let src = source + offsets[0] * elementSize
        let dst = destination + offsets[1] * elementSize
        if inner[0] == 1 && inner[1] == 1 {
            memcpy(dst, src, length * elementSize)
            return
        }
        switch elementSize {
        case 4: copyRun(src, dst, inner, length, UInt32.self)
        case 8: copyRun(src, dst, inner, length, UInt64.self)
        case 1: copyRun(src, dst, inner, length, UInt8.self)
        case 2: copyRun(src, dst, inner, length, UInt16.self)
        default:
            for i in 0..<length {
                memcpy(dst + i * inner[1] * elementSize, src + i * inner[0] * elementSize, elementSize)
            }
        }
    }
}

@inline(__always)
private func copyRun<T>(_ src: UnsafeRawPointer, _ dst: UnsafeMutableRawPointer, _ inner: [Int], _ length: Int,
                        _: T.Type) {
    let s = src.assumingMemoryBound(to: T.self)
    let d = dst.assumingMemoryBound(to: T.self)
    let ss = inner[0], ds = inner[1]
    for i in 0..<length { d[i * ds] = s[i * ss] }
}

/// `stridedCopy` of 4-byte elements that transposes: the destination runs along one axis, which the source
/// crosses with a stride, and the source runs along another. Such copies go element by element, one cache line
/// per element on one side; here they go as `vectorWidth × vectorWidth` squares transposed in vectors
/// (`transposeMatrix`), the edges element by element, spread over the cores by bands of squares. Returns false,
/// having copied nothing, for other copies or ones too small to gain.
private func transposeInSquares(from source: UnsafeRawPointer, _ sourceLayout: StridedLayout,
                                to destination: UnsafeMutableRawPointer, _ destinationLayout: StridedLayout) -> Bool {
    guard sourceLayout.elementCount >= parallelCopyMinimum, !sourceLayout.shape.contains(0) else { return false }
    let (dims, strides) = coalesce(shape: sourceLayout.shape, strides: [sourceLayout.strides, destinationLayout.strides])
    let rank = dims.count, vw = vectorWidth
    // r: the destination's contiguous axis (innermost); c: the source's contiguous one.
    guard rank >= 2, strides[1][rank - 1] == 1, strides[0][rank - 1] != 1,
          let c = strides[0].firstIndex(of: 1), c != rank - 1, strides[1][c] > 1, strides[0][rank - 1] != 0,
          dims[c] >= vw, dims[rank - 1] >= vw else { return false }
    let r = rank - 1
    let outer = dims.indices.filter { $0 != c && $0 != r }
    let outerCount = outer.reduce(1) { $0 * dims[$1] }
    let columnSquares = (dims[c] + vw - 1) / vw
    let x = UncheckedSendable(source.assumingMemoryBound(to: Float.self) + sourceLayout.offset)
    let y = UncheckedSendable(destination.assumingMemoryBound(to: Float.self) + destinationLayout.offset)
    parallelRanges(outerCount * columnSquares) { tasks in
        for task in tasks {
            var (rest, square) = task.quotientAndRemainder(dividingBy: columnSquares)
            var from = 0, to = 0
            for axis in outer.reversed() {
                let index: Int
                (rest, index) = rest.quotientAndRemainder(dividingBy: dims[axis])
                from += index * strides[0][axis]
                to += index * strides[1][axis]
            }
            // A band of up to vectorWidth source columns (the source's stride along c is 1), all rows along r.
            let first = square * vw
            transposeMatrix(x.value + from + first, rowStride: strides[0][r], rows: dims[r],
                            columns: min(vw, dims[c] - first), into: y.value + to + first * strides[1][c],
                            rowStride: strides[1][c])
        }
    }
    return true
}
