import Foundation

/// Softmax along the middle axis of a dense `[outer, length, inner]` tensor (ONNX `Softmax`, opset ≥ 13).
///
/// Subtracts each slice's maximum before exponentiating (`vectorExp`, ≤ 2 ulp). `x` and `y` may alias.
public func softmax(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                    outer: Int, length: Int, inner: Int) {
    if inner == 1 {
        for o in 0..<outer { softmaxRow(x + o * length, y + o * length, length: length) }
        return
    }
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

/// Softmax of one contiguous row; `x` and `y` may alias.
@inline(__always)
func softmaxRow(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, length: Int) {
    let scale = 1 / exponentiateRow(x, y, length: length, maximum: rowMaximum(x, length: length))
    for k in 0..<length { y[k] *= scale }
}

/// The largest of `length ≥ 1` contiguous floats.
@inline(__always)
func rowMaximum(_ x: UnsafePointer<Float>, length: Int) -> Float {
    var maxima = FloatVector(repeating: -.infinity)
    var j = 0
    while j + vectorWidth <= length {
        maxima = lanewiseMax(maxima, UnsafeRawPointer(x + j).loadUnaligned(as: FloatVector.self))
        j += vectorWidth
    }
    var maximum = maxima.max()
    while j < length {
        maximum = max(maximum, x[j])
        j += 1
    }
    return maximum
}

/// The unnormalised softmax of one contiguous row whose largest value is `maximum`: `y[k] = e^(x[k] − maximum)`,
/// or `2^(x[k] − maximum)` when `baseTwo` (scores already scaled by log₂ e: `vectorExp2Normal`, fewer
/// multiplies); returns `Σ y[k]`. `x` and `y` may alias.
@inline(__always)
func exponentiateRow(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, length: Int,
                     maximum: Float, baseTwo: Bool = false) -> Float {
    let shift = FloatVector(repeating: maximum)
    var sums = FloatVector()
    var j = 0
    while j + vectorWidth <= length {
        let t = UnsafeRawPointer(x + j).loadUnaligned(as: FloatVector.self) - shift
        let e = baseTwo ? vectorExp2Normal(t) : vectorExpNormal(t)
        UnsafeMutableRawPointer(y + j).storeBytes(of: e, as: FloatVector.self)
        sums += e
        j += vectorWidth
    }
    var sum = sums.sum()
    while j < length {
        let e = baseTwo ? exp2f(x[j] - maximum) : expf(x[j] - maximum)
        y[j] = e
        sum += e
        j += 1
    }
    return sum
}
