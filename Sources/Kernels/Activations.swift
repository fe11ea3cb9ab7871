import Foundation

/// GELU as PyTorch's `nn.GELU()` and its ONNX export define it: `y = x · (1 + erf(x / √2)) / 2`, with
/// `1 + erf` from `vectorOnePlusErf` (absolute error below 4e-7, where `erff` would be a scalar call per element).
/// `x` and `y` may alias. Spread over the cores.
public func gelu(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
    let input = UncheckedSendable(x), output = UncheckedSendable(y)
    parallelRanges(count, minimumPerThread: 1 << 15) { range in
        mapVectors(input.value + range.lowerBound, output.value + range.lowerBound, count: range.count, geluVector)
    }
}

/// `y[i] = gelu(x[i]) + r[i]` for `i < count`, spread over the cores: a residual sum after a GELU in the same pass
/// over memory. `y` may alias `x` or `r`.
public func gelu(_ x: UnsafePointer<Float>, plus r: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                 count: Int) {
    let input = UncheckedSendable(x), residual = UncheckedSendable(r), output = UncheckedSendable(y)
    // A local function, always inlined (as a closure it was left a call per vector).
    @inline(__always) func geluPlus(_ v: FloatVector, _ w: FloatVector) -> FloatVector { geluVector(v) + w }
    parallelRanges(count, minimumPerThread: 1 << 15) { range in
        let start = range.lowerBound
        mapVectors(input.value + start, residual.value + start, output.value + start, count: range.count, geluPlus)
    }
}

/// `gelu`'s formula on a vector of floats (`@_transparent`: see `vectorExp`).
@_transparent
public func geluVector(_ v: FloatVector) -> FloatVector { (v * 0.5) * vectorOnePlusErf(v * 0.707_106_77) }

/// `1 / (1 + e^(−v))` on a vector of floats (`@_transparent`: see `vectorExp`). `e^(−v)` is `2^(−v · log₂ e)` from
/// `vectorExp2Normal` (7 multiplies against `vectorExpNormal`'s 11), its argument clamped at 126: the sigmoid of
/// `v` below −87 is then under 1.2e-38, as it is in float either way, and above 86.6 it is 1. The rounding of
/// `v · log₂ e` costs `e^(−v)` about `|v| · 9e-8` of relative accuracy, which moves the sigmoid by at most
/// `σ(1 − σ)` times that: under 4e-8 for any `v`.
@_transparent
public func sigmoidVector(_ v: FloatVector) -> FloatVector {
    1 / (1 + vectorExp2Normal(lanewiseMin(v * -1.442_695_04, FloatVector(repeating: 126))))
}

/// `1 + erf(u)` for a vector of floats, from a rational fit `erf(u) ≈ u · P(u²) / Q(u²)` on `|u| ≤ 3.9` (degrees 6
/// and 4, `Tools/fit_erf_rational.py`; minimax error 4.1e-8 in double precision), `u` clamped there (`erfc(3.9)` is
/// 3.5e-8, below half a float ulp of 1): `1 + u · (P/Q)` in one rounding, at least 0, and exactly 0 from −3.9 down
/// (so GELU(−∞) is NaN, as the exported formula gives). Absolute error below 3.9e-7 in float (a few ulps of 1, from
/// the rounding of P, Q and their quotient); float's own `1 + erff(u)` rounds to multiples of 6e-8 and 1.2e-7, so
/// like it the result keeps no relative accuracy where it is tiny. No exponential and no branch: the GELU is 2.3×
/// faster than through Numerical Recipes' `erfc` fit and `e^(−u²)`. NaN propagates. `@_transparent`: see `vectorExp`.
@_transparent
public func vectorOnePlusErf(_ u: FloatVector) -> FloatVector {
    let limit = FloatVector(repeating: 3.9)
    let c = lanewiseMax(-limit, lanewiseMin(limit, u))  // NaN passes (the second operand wins when unordered)
    let s = c * c
    var p = FloatVector(repeating: 2.011_878_3e-08)
    p = multiplyAdd(p, s, -1.996_956_6e-06)
    p = multiplyAdd(p, s, 1.474_799_5e-04)
    p = multiplyAdd(p, s, 3.896_462_0e-03)
    p = multiplyAdd(p, s, 5.114_945_0e-02)
    p = multiplyAdd(p, s, 2.042_289_5e-01)
    p = multiplyAdd(p, s, 1.128_378_7)
    var q = FloatVector(repeating: 1.006_649_8e-03)
    q = multiplyAdd(q, s, 1.473_085_0e-02)
    q = multiplyAdd(q, s, 1.167_872_0e-01)
    q = multiplyAdd(q, s, 5.143_222_2e-01)
    q = multiplyAdd(q, s, 1)
    return lanewiseMax(FloatVector(), multiplyAdd(c, p / q, 1)).replacing(with: 0, where: u .<= -limit)
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
