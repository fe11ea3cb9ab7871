import Kernels

/// ONNX `Gather` along `axis`; indices outside the axis are a fault, not a wild read.
func executeGather(axis: Int, _ data: TensorRef, _ indices: TensorRef, _ out: TensorRef) throws {
    let length = data.shape[axis]
    let idx = indices.int64s()
    for i in 0..<indices.elementCount where idx[i] < -Int64(length) || idx[i] >= Int64(length) {
        throw ExecutionFault(detail: "index \(idx[i]) is outside an axis of length \(length)")
    }
    gather(data.data, outer: data.shape[..<axis].reduce(1, *), axisLength: length,
           inner: data.shape[(axis + 1)...].reduce(1, *), indices: idx, indexCount: indices.elementCount,
           output: out.data, elementSize: data.dataType.byteWidth)
}

/// ONNX `ScatterND` without reduction; every index tuple is checked against `data`'s shape first.
func executeScatterND(_ data: TensorRef, _ indices: TensorRef, _ updates: TensorRef, _ out: TensorRef) throws {
    let depth = indices.shape.last ?? 0
    let count = depth == 0 ? 0 : indices.elementCount / depth
    let idx = indices.int64s()
    for u in 0..<count {
        for d in 0..<depth {
            let v = idx[u * depth + d], extent = Int64(data.shape[d])
            if v < -extent || v >= extent {
                throw ExecutionFault(detail: "ScatterND index \(v) is outside an axis of length \(extent)")
            }
        }
    }
    scatterND(data: data.data, dataShape: data.shape, indices: idx, indexDepth: depth, updateCount: count,
              updates: updates.data, output: out.data, elementSize: data.dataType.byteWidth)
}

/// ONNX `Range`: `out[i] = start + i · delta` for as many elements as `out` holds.
func executeRange(_ start: TensorRef, _ delta: TensorRef, _ out: TensorRef) {
    switch out.dataType {
    case .float32:
        let s = start.floats()[0], d = delta.floats()[0], p = out.floats()
        for i in 0..<out.elementCount { p[i] = s + Float(i) * d }
    case .int64:
        let s = start.int64s()[0], d = delta.int64s()[0], p = out.int64s()
        for i in 0..<out.elementCount { p[i] = s &+ Int64(i) &* d }
    case .bool:
        preconditionFailure("Range over bools")
    }
}

/// ONNX `Cast` between the engine's element types. Float → int truncates toward zero (NaN and out-of-range
/// values saturate), anything → bool is `!= 0`.
func executeCast(_ x: TensorRef, _ out: TensorRef) {
    let n = x.elementCount
    switch (x.dataType, out.dataType) {
    case (.float32, .float32), (.int64, .int64), (.bool, .bool):
        out.data.copyMemory(from: x.data, byteCount: n * x.dataType.byteWidth)
    case (.float32, .int64):
        let s = x.floats(), d = out.int64s()
        for i in 0..<n { d[i] = s[i].isNaN ? 0 : Int64(exactly: s[i].rounded(.towardZero)) ?? (s[i] < 0 ? .min : .max) }
    case (.float32, .bool):
        let s = x.floats(), d = out.bools()
        for i in 0..<n { d[i] = s[i] != 0 }
    case (.int64, .float32):
        let s = x.int64s(), d = out.floats()
        for i in 0..<n { d[i] = Float(s[i]) }
    case (.int64, .bool):
        let s = x.int64s(), d = out.bools()
        for i in 0..<n { d[i] = s[i] != 0 }
    case (.bool, .float32):
        let s = x.bools(), d = out.floats()
        for i in 0..<n { d[i] = s[i] ? 1 : 0 }
    case (.bool, .int64):
        let s = x.bools(), d = out.int64s()
        for i in 0..<n { d[i] = s[i] ? 1 : 0 }
    }
}

/// ONNX `Reduce*` over the flagged axes (the output shape drops or keeps them; the elements are the same).
func executeReduce(_ reduction: Reduction, reduced: [Bool], _ x: TensorRef, _ out: TensorRef,
                   scratch: UnsafeMutableRawPointer) {
    switch x.dataType {
    case .float32 where isTrailingSum(reduction) && reducesTrailingAxes(x.shape, reduced):
        let length = x.shape.indices.reduce(1) { reduced[$1] ? $0 * x.shape[$1] : $0 }
        reduceTrailing(x.floats(), rows: out.elementCount, length: length, reduction, output: out.floats())
    case .float32:
        reduce(x.floats(), shape: x.shape, reduced: reduced, reduction, output: out.floats(), scratch: scratch,
               load: { Double($0) }, store: { Float($0) })
    case .int64:
        reduce(x.int64s(), shape: x.shape, reduced: reduced, reduction, output: out.int64s(), scratch: scratch,
               load: { Double($0) }, store: { $0.isFinite ? Int64(clamping: Int64(exactly: $0.rounded()) ?? 0) : 0 })
    case .bool:
        preconditionFailure("Reduce over bools")
    }
}

/// True when every reduced axis of `shape` longer than 1 comes after every kept axis longer than 1, so each
/// output sums one contiguous run of the input.
private func reducesTrailingAxes(_ shape: [Int], _ reduced: [Bool]) -> Bool {
    let kept = shape.indices.filter { !reduced[$0] && shape[$0] > 1 }
    let summed = shape.indices.filter { reduced[$0] && shape[$0] > 1 }
    return (kept.last ?? -1) < (summed.first ?? shape.count)
}

/// ONNX `Gemm`: `out = alpha · op(A) · op(B) + beta · C` with C broadcast to `[m, n]`.
func executeGemm(_ inputs: [TensorRef], _ out: TensorRef, transposeA: Bool, transposeB: Bool,
                 alpha: Float, beta: Float, m: Int, k: Int, n: Int) {
    let y = out.floats()
    var accumulate: Float = 0
    if inputs.count > 2 && beta != 0 {
        let c = inputs[2]
        stridedCopy(from: c.data, StridedLayout(shape: [m, n], strides: broadcastStrides(c.shape, to: [m, n])),
                    to: out.data, StridedLayout(contiguous: [m, n]), elementSize: 4)
        if beta != 1 { for i in 0..<(m * n) { y[i] *= beta } }
        accumulate = 1
    }
    gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
         a: inputs[0].floats(), lda: transposeA ? m : k, b: inputs[1].floats(), ldb: transposeB ? k : n,
         beta: accumulate, c: y, ldc: n)
}
