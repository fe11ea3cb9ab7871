import Foundation

/// Softmax along the middle axis of a dense `[outer, length, inner]` tensor (ONNX `Softmax`, opset ≥ 13).
///
/// Subtracts each slice's maximum before exponentiating. `x` and `y` may alias.
public func softmax(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                    outer: Int, length: Int, inner: Int) {
    for o in 0..<outer {
        for i in 0..<inner {
            let base = o * length * inner + i
            var maximum = -Float.infinity
            for j in 0..<length { maximum = max(maximum, x[base + j * inner]) }
            var sum: Float = 0
            for j in 0..<length {
                let e = expf(x[base + j * inner] - maximum)
                y[base + j * inner] = e
                sum += e
            }
            let scale = 1 / sum
            for j in 0..<length { y[base + j * inner] *= scale }
        }
    }
}
