import Foundation

/// Exact GELU as PyTorch's `nn.GELU()` and its ONNX export compute it, with the same rounding steps:
/// `y = (x · (erf(x / √2) + 1)) · 0.5`. `x` and `y` may alias. Spread over the cores.
public func gelu(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
    let root2 = Float(2).squareRoot()
    let input = UncheckedSendable(x), output = UncheckedSendable(y)
    parallelRanges(count, minimumPerThread: 1 << 15) { range in
        for i in range {
            let v = input.value[i]
            output.value[i] = (v * (erff(v / root2) + 1)) * 0.5
        }
    }
}

/// GLU over a channel axis (`Split` in two halves → `Sigmoid` → `Mul`): for a dense `[outer, 2·half, inner]`
/// input, `y[o][c][i] = a · sigmoid(b)` with `a = x[o][c][i]`, `b = x[o][half + c][i]`. `y` is
/// `[outer, half, inner]` and must not alias `x`.
public func glu(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, outer: Int, half: Int, inner: Int) {
    let input = UncheckedSendable(x), output = UncheckedSendable(y)
    parallelRanges(outer * half, minimumPerThread: max(1, (1 << 15) / max(inner, 1))) { rows in
        for row in rows {
            let (o, c) = row.quotientAndRemainder(dividingBy: half)
            let a = input.value + (o * 2 * half + c) * inner, b = a + half * inner
            let out = output.value + row * inner
            sigmoid(b, out, count: inner)
            for i in 0..<inner { out[i] = a[i] * out[i] }
        }
    }
}
