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
