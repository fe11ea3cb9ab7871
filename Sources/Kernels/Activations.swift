import Foundation

/// GELU as PyTorch's `nn.GELU()` and its ONNX export define it: `y = x · (1 + erf(x / √2)) / 2`, with
/// `1 + erf` from `vectorOnePlusErf` (relative error below 1e-6, where `erff` would be a scalar call per
/// element). `x` and `y` may alias. Spread over the cores.
public func gelu(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
    let input = UncheckedSendable(x), output = UncheckedSendable(y)
    parallelRanges(count, minimumPerThread: 1 << 15) { range in
        mapVectors(input.value + range.lowerBound, output.value + range.lowerBound, count: range.count, geluVector)
    }
}

/// `gelu`'s formula on a vector of floats (`@_transparent`: see `vectorExp`).
@_transparent
public func geluVector(_ v: FloatVector) -> FloatVector { (v * vectorOnePlusErf(v * 0.707_106_77)) * 0.5 }

/// `1 / (1 + e^(−v))` on a vector of floats (`@_transparent`: see `vectorExp`). `e^(−v)` comes from
/// `vectorExpNormal`, its argument clamped at 88: below −87 it is 0 and the sigmoid 1, as in float; above 88 the
/// sigmoid is below 1e-38 either way.
@_transparent
public func sigmoidVector(_ v: FloatVector) -> FloatVector {
    1 / (1 + vectorExpNormal(lanewiseMin(-v, FloatVector(repeating: 88))))
}

/// `1 + erf(u)` for a vector of floats, from the Chebyshev fit of `erfc` in Numerical Recipes (`erfcc`, fractional error
/// below 1.2e-7): `erfc(z) ≈ t · e^(−z² + P(t))` with `t = 1 / (1 + z/2)`, `z = |u|`; then `1 + erf(u)` is
/// `2 − erfc(u)` for `u ≥ 0` and `erfc(−u)` below, so it keeps its relative accuracy where it is tiny (large
/// negative `u`). In float the error grows with `u²` (the rounding of `z²` and of the exponent's scaling to base
/// 2), to about 1e-6 at `|u| = 4`. The exponential is taken in base 2 (`vectorExp2Normal`, half the multiplies
/// of `vectorExp`; exponents below −125, where `erfc` is below 1e-37, give 0): the GELU costs a tenth less. NaN
/// propagates. `@_transparent`: see `vectorExp`.
@_transparent
public func vectorOnePlusErf(_ u: FloatVector) -> FloatVector {
    let negative = u .< 0
    let z = u.replacing(with: -u, where: negative)
    let t = 1 / multiplyAdd(z, 0.5, 1)
    var p = FloatVector(repeating: 0.170_872_77)
    p = multiplyAdd(p, t, -0.822_152_23)
    p = multiplyAdd(p, t, 1.488_515_87)
    p = multiplyAdd(p, t, -1.135_203_98)
    p = multiplyAdd(p, t, 0.278_868_07)
    p = multiplyAdd(p, t, -0.186_288_06)
    p = multiplyAdd(p, t, 0.096_784_18)
    p = multiplyAdd(p, t, 0.374_091_96)
    p = multiplyAdd(p, t, 1.000_023_68)
    p = multiplyAdd(p, t, -1.265_512_23)
    let w = multiplyAdd(-z, z, p) * 1.442_695_04  // the exponent in base 2
    let complement = t * vectorExp2Normal(w).replacing(with: 0, where: w .< -125)
    return (2 - complement).replacing(with: complement, where: negative)
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
            gateRun(a, b, output.value + row * inner, count: inner)
        }
    }
}

/// `y[i] = a[i] · sigmoid(b[i])` for `count` floats: one run of a GLU. `y` may alias `a` or `b`.
@inline(__always)
func gateRun(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
    mapVectors(a, b, y, count: count) { a, b in a * sigmoidVector(b) }
}
