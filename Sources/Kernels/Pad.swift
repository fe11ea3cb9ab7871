import Foundation

/// How `pad` fills positions outside the source (ONNX `Pad` modes).
public enum PadMode: Sendable {
    case constant, reflect, edge
}

/// Pads a dense tensor (ONNX `Pad`): output axis `a` has `begin[a] + shape[a] + end[a]` positions; a negative
/// `begin`/`end` crops. `constant` fills with the bytes at `fill` (one element); `reflect` mirrors without
/// repeating the edge and needs `begin`, `end` < `shape[a]` on reflected axes; `edge` repeats the edge.
/// `output` must not alias `input`. `elementSize` is in bytes.
public func pad(_ input: UnsafeRawPointer, shape: [Int], begin: [Int], end: [Int], mode: PadMode,
                fill: UnsafeRawPointer, output: UnsafeMutableRawPointer, elementSize: Int) {
    let outShape = shape.indices.map { shape[$0] + begin[$0] + end[$0] }
    // For each axis, the source index of each output index, or -1 for the constant fill.
    let maps: [[Int]] = shape.indices.map { axis in
        (0..<outShape[axis]).map { o in
            let i = o - begin[axis]
            let n = shape[axis]
            if i >= 0 && i < n { return i }
            switch mode {
            case .constant:
                return -1
            case .edge:
                return i < 0 ? 0 : n - 1
            case .reflect:
                if n == 1 { return 0 }
                let period = 2 * (n - 1)
                var r = i % period
                if r < 0 { r += period }
                return r < n ? r : period - r
            }
        }
    }
    let inStrides = contiguousStrides(shape)
    let outCount = outShape.reduce(1, *)
    if outCount == 0 { return }
    let rank = shape.count
    if rank == 0 {
        memcpy(output, input, elementSize)
        return
    }
    let inner = outShape[rank - 1]
    // The innermost axis as runs of output positions whose sources are consecutive (one copy each) or fills.
    var runs: [(start: Int, source: Int, count: Int)] = []
    for (j, s) in maps[rank - 1].enumerated() {
        if let last = runs.last, s < 0 ? last.source < 0 : last.source >= 0 && last.source + last.count == s {
            runs[runs.count - 1].count += 1
        } else {
            runs.append((j, s, 1))
        }
    }
    var index = [Int](repeating: 0, count: max(rank - 1, 0))
    var dst = output
    while true {
        var srcBase = 0
        var outside = false
        for axis in 0..<(rank - 1) {
            let s = maps[axis][index[axis]]
            if s < 0 { outside = true; break }
            srcBase += s * inStrides[axis]
        }
        for run in runs {
            let target = dst + run.start * elementSize
            if outside || run.source < 0 {
                for j in 0..<run.count { memcpy(target + j * elementSize, fill, elementSize) }
            } else {
                memcpy(target, input + (srcBase + run.source) * elementSize, run.count * elementSize)
            }
        }
        dst += inner * elementSize
        var axis = rank - 2
        while axis >= 0 {
            index[axis] += 1
            if index[axis] < outShape[axis] { break }
            index[axis] = 0
            axis -= 1
        }
        if axis < 0 { return }
    }
}
