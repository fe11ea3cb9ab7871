/// How `reduce` combines the elements of a reduced slice.
public enum Reduction: Sendable {
    case sum, mean, product, max, min, sumSquares

    var identity: Double {
        switch self {
        case .sum, .mean, .sumSquares: 0
        case .product: 1
        case .max: -.infinity
        case .min: .infinity
        }
    }
}

/// The reductions `reduceTrailing` computes: those that are a sum of one term per element.
public func isTrailingSum(_ reduction: Reduction) -> Bool {
    switch reduction {
    case .sum, .mean, .sumSquares: true
    case .product, .max, .min: false
    }
}

/// `reduce` for float32 when the reduced axes are the trailing ones: each of `rows` outputs sums (`isTrailingSum`)
/// the `length` contiguous floats of its row of `x`. Uses `blockedSum` (float lanes within blocks, blocks added in
/// double precision), rows spread over the cores, and a single row's sum split over them. `output` holds `rows`
/// floats and may not alias `x`. Zero-length rows give 0 (NaN for `mean`), as `reduce` does.
public func reduceTrailing(_ x: UnsafePointer<Float>, rows: Int, length: Int, _ reduction: Reduction,
                           output: UnsafeMutablePointer<Float>) {
    precondition(isTrailingSum(reduction), "reduceTrailing computes sums only")
    @inline(__always) func finish(_ sum: Double) -> Float {
        Float(reduction == .mean ? sum / Double(length) : sum)
    }
    let square = reduction == .sumSquares
    if rows == 1 {
        output[0] = finish(chunkedSum(x, count: length, chunks: kernelThreadCount) { square ? $0 * $0 : $0 })
        return
    }
    let input = UncheckedSendable(x), out = UncheckedSendable(output)
    parallelRanges(rows, minimumPerThread: max(1, parallelStatisticsMinimum / max(length, 1))) { range in
        for row in range {
            out.value[row] = finish(blockedSum(input.value + row * length, count: length) { square ? $0 * $0 : $0 })
        }
    }
}

/// Scratch bytes `reduce` needs for an output of `outputCount` elements.
public func reduceScratchBytes(outputCount: Int) -> Int { outputCount * MemoryLayout<Double>.stride }

/// Reduces the axes flagged in `reduced` of a dense tensor of `shape` (ONNX `ReduceMean`, `ReduceProd`, …).
///
/// `output` is dense in `shape` with the reduced axes set to 1 (i.e. keepdims). Values are converted with
/// `load`/`store` and accumulated in double precision in `scratch` (`reduceScratchBytes` bytes), which must not
/// alias `input` or `output`. A reduction over zero elements gives the identity (NaN for `mean`).
public func reduce<T>(_ input: UnsafePointer<T>, shape: [Int], reduced: [Bool], _ reduction: Reduction,
                      output: UnsafeMutablePointer<T>, scratch: UnsafeMutableRawPointer,
                      load: (T) -> Double, store: (Double) -> T) {
    let outShape = shape.indices.map { reduced[$0] ? 1 : shape[$0] }
    let outCount = outShape.reduce(1, *)
    let acc = scratch.bindMemory(to: Double.self, capacity: outCount)
    acc.initialize(repeating: reduction.identity, count: outCount)
    let outStrides = broadcastStrides(outShape, to: shape)
    forEachRun(shape: shape, layouts: [StridedLayout(contiguous: shape),
                                       StridedLayout(shape: shape, strides: outStrides)]) { offsets, inner, length in
        let src = input + offsets[0]
        var o = offsets[1]
        let step = inner[1]
        for i in 0..<length {
            let v = load(src[i * inner[0]])
            switch reduction {
            case .sum, .mean: acc[o] += v
            case .sumSquares: acc[o] += v * v
            case .product: acc[o] *= v
            case .max: acc[o] = Swift.max(acc[o], v)
            case .min: acc[o] = Swift.min(acc[o], v)
            }
            o += step
        }
    }
    let reducedCount = shape.indices.reduce(1) { reduced[$1] ? $0 * shape[$1] : $0 }
    for i in 0..<outCount {
        output[i] = store(reduction == .mean ? acc[i] / Double(reducedCount) : acc[i])
    }
}
