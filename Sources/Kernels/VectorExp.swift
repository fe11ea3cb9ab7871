/// `e^x` for a vector of floats at once (Cephes `expf`: range reduction by ln 2 in two parts, a degree-6 polynomial, the
/// power of two built from exponent bits in two halves so that results underflow gradually to 0 like `expf`).
/// Relative error ≤ 2 ulp for normal results; inputs above 88.376 are clamped there (about 2.4e38, where
/// `expf` goes on to 3.4e38 and then +∞; softmax and sigmoid never depend on that). NaN is not propagated.
///
/// Written with `lanewiseMin/Max` and signed integer lanes, which vectorise on baseline x86-64 (`clamped` or
/// unsigned lanes get split into scalar code there, up to 10× slower), and with `FloatVector`: 16 lanes only where
/// the build targets AVX-512, since elsewhere they too are split into scalar code.
///
/// `@_transparent`, as are the activations built on it: the optimiser sometimes leaves `@inline(__always)` calls
/// to these bodies in place (seen in GroupNorm + GLU and GELU), and a `SIMD16<Float>` crossing a call is passed
/// and computed as four 128-bit pieces, several times slower.
@_transparent
public func vectorExp(_ x: FloatVector) -> FloatVector {
    let clamped = lanewiseMin(lanewiseMax(x, FloatVector(repeating: -104)), FloatVector(repeating: 88.3762))
    let (p, shifted) = exponentialParts(clamped)
    // 2^n = 2^(n/2) · 2^(n − n/2): each factor stays a normal float for n in -150 ... 127.
    let k = unsafeBitCast(shifted, to: Int32Vector.self) &- unsafeBitCast(exponentMagic, to: Int32Vector.self)
    let half = k &>> 1
    let low = unsafeBitCast((half &+ 127) &<< 23, to: FloatVector.self)
    let high = unsafeBitCast((k &- half &+ 127) &<< 23, to: FloatVector.self)
    return p * low * high
}

/// 1.5 · 2^23: added to `x / ln 2`, it rounds to an integer `n` held in the sum's low mantissa bits.
@usableFromInline var exponentMagic: FloatVector {
    @_transparent get { FloatVector(repeating: 12_582_912) }
}

/// Cephes `expf`'s reduction and polynomial: `x = n · ln 2 + r` with `n = round(x / ln 2)` (ln 2 in two parts)
/// and `|r| ≤ ln 2 / 2`; returns `p = e^r` (degree-7 polynomial) and `shifted = x / ln 2 + exponentMagic`, whose
/// low mantissa bits hold `n`. `e^x = p · 2^n`.
@usableFromInline @_transparent
func exponentialParts(_ x: FloatVector) -> (p: FloatVector, shifted: FloatVector) {
    let shifted = multiplyAdd(x, 1.442_695_04, exponentMagic)
    let n = shifted - exponentMagic
    var r = multiplyAdd(n, -0.693_359_375, x)
    r = multiplyAdd(n, 2.121_944_4e-4, r)
    var p = FloatVector(repeating: 1.987_569_15e-4)
    p = multiplyAdd(p, r, 1.398_199_95e-3)
    p = multiplyAdd(p, r, 8.333_451_9e-3)
    p = multiplyAdd(p, r, 4.166_579_59e-2)
    p = multiplyAdd(p, r, 1.666_666_55e-1)
    p = multiplyAdd(p, r, 5.000_000_12e-1)
    return (multiplyAdd(p, r * r, r + 1), shifted)
}

/// `e^x` for the arguments of a softmax (`x ≤ 0`, any `x ≤ 88.37`), when results below the normal range do not
/// matter: `vectorExp`'s reduction and polynomial (≤ 2 ulp), but arguments below −87 give 0 instead of e^x's
/// subnormal values (under 1.2e-38), and the power of two is built by one shift of `n`'s bits, not in two halves.
/// A softmax's terms add to at least 1, so terms below 1e-38 cannot change it.
@_transparent
public func vectorExpNormal(_ x: FloatVector) -> FloatVector {
    let clamped = lanewiseMax(x, FloatVector(repeating: -87))
    let (p, shifted) = exponentialParts(clamped)
    // `shifted`'s low bits hold n ≥ −126: shifted into the exponent field, plus the bias, they are 2^n.
    let power = (unsafeBitCast(shifted, to: Int32Vector.self) &<< 23) &+ Int32Vector(repeating: 127 << 23)
    return (p * unsafeBitCast(power, to: FloatVector.self)).replacing(with: 0, where: x .< clamped)
}

/// `2^x` for the arguments of a softmax whose scores were scaled by log₂ e (`x ≤ 0`, any `x ≤ 127`), when results
/// below 2^−125 do not matter: `x = n + r` with `n = round(x)` and `|r| ≤ 1/2` (exact, no ln 2 to split), `2^r` by a
/// degree-6 polynomial fitted for relative error (7.9e-8 at most in float arithmetic, about 1 ulp), and `2^n` by
/// one shift of `n`'s bits. Arguments below −125 give 2^−125 · 2^r (under 3e-38, where `exp2f` would go on to
/// subnormal values and 0): a softmax's terms add to at least 1, so such terms cannot change it. Half the
/// multiplies of `vectorExpNormal`, for the attention's scores.
@_transparent
public func vectorExp2Normal(_ x: FloatVector) -> FloatVector {
    let clamped = lanewiseMax(x, FloatVector(repeating: -125))
    let shifted = clamped + exponentMagic
    let r = clamped - (shifted - exponentMagic)
    var p = FloatVector(repeating: 1.535_336_05e-4)
    p = multiplyAdd(p, r, 1.339_887_50e-3)
    p = multiplyAdd(p, r, 9.618_436_92e-3)
    p = multiplyAdd(p, r, 5.550_332_37e-2)
    p = multiplyAdd(p, r, 2.402_264_77e-1)
    p = multiplyAdd(p, r, 6.931_471_82e-1)
    p = multiplyAdd(p, r, 1)
    let power = (unsafeBitCast(shifted, to: Int32Vector.self) &<< 23) &+ Int32Vector(repeating: 127 << 23)
    return p * unsafeBitCast(power, to: FloatVector.self)
}

/// `a · b + c` in each lane: one fused multiply-add (a single rounding) where the build targets hardware that has
/// it (AArch64; x86-64 built with `FUSED_MULTIPLY_ADD`, see Package.swift), a multiply and an add elsewhere, where
/// `addingProduct` would be a library call per lane.
@inlinable @inline(__always)
public func multiplyAdd(_ a: FloatVector, _ b: FloatVector, _ c: FloatVector) -> FloatVector {
    #if FUSED_MULTIPLY_ADD || arch(arm64)
    c.addingProduct(a, b)
    #else
    a * b + c
    #endif
}

/// `multiplyAdd` with a constant multiplier and addend.
@inlinable @inline(__always)
public func multiplyAdd(_ a: FloatVector, _ b: Float, _ c: Float) -> FloatVector {
    multiplyAdd(a, FloatVector(repeating: b), FloatVector(repeating: c))
}

/// `multiplyAdd` with a constant multiplier.
@inlinable @inline(__always)
public func multiplyAdd(_ a: FloatVector, _ b: Float, _ c: FloatVector) -> FloatVector {
    multiplyAdd(a, FloatVector(repeating: b), c)
}

/// `multiplyAdd` with a constant addend.
@inlinable @inline(__always)
public func multiplyAdd(_ a: FloatVector, _ b: FloatVector, _ c: Float) -> FloatVector {
    multiplyAdd(a, b, FloatVector(repeating: c))
}

/// The larger of `a` and `b` in each lane (`b` where they compare unordered). The standard library's
/// `pointwiseMax` is not inlined and costs a call per vector; a masked select compiles to `maxps`.
@inlinable @inline(__always)
public func lanewiseMax(_ a: FloatVector, _ b: FloatVector) -> FloatVector { b.replacing(with: a, where: a .> b) }

/// The smaller of `a` and `b` in each lane (`b` where they compare unordered); see `lanewiseMax`.
@inlinable @inline(__always)
public func lanewiseMin(_ a: FloatVector, _ b: FloatVector) -> FloatVector { b.replacing(with: a, where: a .< b) }

/// `y[i] = e^{x[i]}` for `count` floats; `x` and `y` may alias.
public func exponential(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
    mapVectors(x, y, count: count, vectorExp)
}

/// `y[i] = 1 / (1 + e^{−x[i]})` for `count` floats; `x` and `y` may alias.
public func sigmoid(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
    mapVectors(x, y, count: count, sigmoidVector)
}

/// Applies a vector function to `count` floats, the tail through a zero-padded vector.
@inlinable @inline(__always)
func mapVectors(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int,
                _ f: (FloatVector) -> FloatVector) {
    forEachLane(count) { i, lanes in lanes.store(f(lanes.load(x + i)), to: y + i) }
}

/// Applies a vector function of two operands to `count` pairs `(x[i], z[i])`, the tail through zero-padded
/// vectors; `y` may alias `x` or `z`.
@inlinable @inline(__always)
func mapVectors(_ x: UnsafePointer<Float>, _ z: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int,
                _ f: (FloatVector, FloatVector) -> FloatVector) {
    forEachLane(count) { i, lanes in lanes.store(f(lanes.load(x + i), lanes.load(z + i)), to: y + i) }
}

/// Loads and stores of `count` or fewer floats as one `FloatVector`, for loops over rows whose operands differ in
/// their index (`forEachLane`): a tail shorter than `vectorWidth` reads as zeros beyond `count` and writes only `count` lanes.
@frozen @usableFromInline
struct VectorLanes {
    @usableFromInline let count: Int

    @inlinable @inline(__always)
    init(count: Int) { self.count = count }

    @inlinable @inline(__always)
    func load(_ p: UnsafePointer<Float>) -> FloatVector {
        if count == vectorWidth { return UnsafeRawPointer(p).loadUnaligned(as: FloatVector.self) }
        var v = FloatVector()
        for j in 0..<count { v[j] = p[j] }
        return v
    }

    @inlinable @inline(__always)
    func load(_ p: UnsafeMutablePointer<Float>) -> FloatVector { load(UnsafePointer(p)) }

    @inlinable @inline(__always)
    func store(_ v: FloatVector, to p: UnsafeMutablePointer<Float>) {
        if count == vectorWidth {
            UnsafeMutableRawPointer(p).storeBytes(of: v, as: FloatVector.self)
        } else {
            for j in 0..<count { p[j] = v[j] }
        }
    }
}

/// Calls `body(i, lanes)` for `i` = 0, `vectorWidth`, 2 · `vectorWidth`, … below `count`; `lanes` loads and stores
/// the `vectorWidth` floats from `i`, or the fewer that remain at the tail.
@inlinable @inline(__always)
func forEachLane(_ count: Int, _ body: (Int, VectorLanes) -> Void) {
    var i = 0
    while i + vectorWidth <= count {
        body(i, VectorLanes(count: vectorWidth))
        i += vectorWidth
    }
    if i < count { body(i, VectorLanes(count: count - i)) }
}
