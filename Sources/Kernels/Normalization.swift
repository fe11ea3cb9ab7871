/// Layer normalisation over the last axis of a dense `rows × cols` matrix (ONNX `LayerNormalization` after
/// flattening the normalised axes into `cols`; PyTorch `nn.LayerNorm`).
///
/// `gamma` and `beta` hold `cols` values (`beta` may be nil). `x` and `y` may alias. Statistics accumulate in
/// double precision; the variance is the biased (population) variance.
public func layerNorm(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, rows: Int, cols: Int,
                      gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>?, epsilon: Float) {
    for r in 0..<rows {
        let src = x + r * cols, dst = y + r * cols
        let (mean, invStd) = meanAndInverseStd(src, count: cols, epsilon: epsilon)
        for c in 0..<cols {
            dst[c] = mean.centre(src[c]) * invStd * gamma[c] + (beta?[c] ?? 0)
        }
    }
}

/// Instance normalisation (ONNX `InstanceNormalization`): each `[n, c]` plane of a dense
/// `[batch, channels, spatial]` tensor is normalised by its own mean and biased variance, then scaled by
/// `scale[c]` and shifted by `bias[c]`. `x` and `y` may alias.
public func instanceNorm(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                         batch: Int, channels: Int, spatial: Int,
                         scale: UnsafePointer<Float>, bias: UnsafePointer<Float>, epsilon: Float) {
    for n in 0..<batch {
        for c in 0..<channels {
            let offset = (n * channels + c) * spatial
            let (mean, invStd) = meanAndInverseStd(x + offset, count: spatial, epsilon: epsilon)
            let a = invStd * scale[c]
            let b = bias[c]
            for i in 0..<spatial { y[offset + i] = mean.centre(x[offset + i]) * a + b }
        }
    }
}

/// A double-precision mean held as two floats, so that `x − mean` costs two float subtractions yet stays exact
/// to float precision even when the mean is large next to the spread (`x − high` is exact for `x` near the mean).
struct SplitMean {
    let high: Float
    let low: Float

    init(_ mean: Double) {
        high = Float(mean)
        low = Float(mean - Double(high))
    }

    @inline(__always)
    func centre(_ x: Float) -> Float { (x - high) - low }
}

/// Mean and `1 / sqrt(variance + epsilon)` of `count` floats, two-pass, accumulated in double precision.
func meanAndInverseStd(_ x: UnsafePointer<Float>, count: Int, epsilon: Float) -> (SplitMean, Float) {
    var sum = 0.0
    for i in 0..<count { sum += Double(x[i]) }
    let mean = sum / Double(count)
    var squares = 0.0
    for i in 0..<count {
        let d = Double(x[i]) - mean
        squares += d * d
    }
    let variance = squares / Double(count)
    return (SplitMean(mean), Float(1 / (variance + Double(epsilon)).squareRoot()))
}
