/// ONNX `DFT`: `transform` along the middle axis of `x`, viewed as `[outer, axisLength, inner, c]` with
/// `c = transform.inputComponents`, into `out`, `[outer, transform.outputCount, inner, transform.outputComponents]`.
///
/// A line longer or shorter than the transform is truncated or zero-padded. `scratch` holds
/// `transform.scratchCount` floats; `out` and `scratch` overlap nothing else.
public func dft(_ transform: FourierTransform, x: UnsafePointer<Float>, outer: Int, axisLength: Int, inner: Int,
                out: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>) {
    let inComponents = transform.inputComponents, outComponents = transform.outputComponents
    let outLength = transform.outputCount
    for o in 0..<outer {
        for j in 0..<inner {
            transform.transform(x + (o * axisLength * inner + j) * inComponents, available: axisLength,
                                inputStride: inner * inComponents,
                                output: out + (o * outLength * inner + j) * outComponents,
                                outputStride: inner * outComponents, scratch: scratch)
        }
    }
}

/// ONNX `STFT`: frame `f` of item `b` is the `transform.length` values of `signal[b]` from `f · step`, each times
/// `window[i]` when a window is given, and `out[b][f]` is its forward `transform`.
///
/// `signal` is `[batch, length, transform.inputComponents]`, `window` holds `transform.length` floats, `out` is
/// `[batch, frames, transform.outputCount, 2]`, with `(frames − 1) · step + transform.length ≤ length`.
/// `scratch` holds `transform.scratchCount` floats; `out` and `scratch` overlap nothing else.
public func stft(_ transform: FourierTransform, signal: UnsafePointer<Float>, batch: Int, length: Int, step: Int,
                 frames: Int, window: UnsafePointer<Float>?, out: UnsafeMutablePointer<Float>,
                 scratch: UnsafeMutablePointer<Float>) {
    assert(!transform.inverse && (frames == 0 || (frames - 1) * step + transform.length <= length))
    let components = transform.inputComponents, frameFloats = transform.outputCount * 2
    for b in 0..<batch {
        for f in 0..<frames {
            transform.transform(signal + (b * length + f * step) * components, available: transform.length,
                                inputStride: components, window: window,
                                output: out + (b * frames + f) * frameFloats, outputStride: 2, scratch: scratch)
        }
    }
}
