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
