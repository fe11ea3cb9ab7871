/// Layer normalisation over the last axis of a dense `rows × cols` matrix (ONNX `LayerNormalization` after
/// flattening the normalised axes into `cols`; PyTorch `nn.LayerNorm`).
///
/// `gamma` and `beta` hold `cols` values (`beta` may be nil). `x` and `y` may alias. Statistics as
/// `meanAndInverseStd`; the variance is the biased (population) variance. Rows are spread over the cores.
public func layerNorm(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, rows: Int, cols: Int,
                      gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>?, epsilon: Float) {
    let input = UncheckedSendable(x), output = UncheckedSendable(y)
    let scale = UncheckedSendable(gamma), shift = UncheckedSendable(beta)
    parallelRanges(rows, minimumPerThread: max(1, (1 << 15) / max(cols, 1))) { range in
        for r in range {
            let src = input.value + r * cols, dst = output.value + r * cols
            let (mean, invStd) = meanAndInverseStd(src, count: cols, epsilon: epsilon)
            forEachLane(cols) { c, lanes in
                let normalised = mean.centre(lanes.load(src + c)) * invStd * lanes.load(scale.value + c)
                lanes.store(shift.value.map { normalised + lanes.load($0 + c) } ?? normalised, to: dst + c)
            }
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
