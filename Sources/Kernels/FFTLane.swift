/// The arithmetic the FFT butterflies run on: one float, or a vector of floats processed in lockstep (one
/// independent butterfly per lane). Plain `a * b + c` only: no fused multiply-add, which is a library call on
/// baseline x86-64.
protocol FFTLane {
    init(broadcast value: Float)
    /// Reads lane `i` from `pointer[i]`.
    init(loading pointer: UnsafePointer<Float>)
    /// Reads lane `i` from `pointer[−i]`.
    init(loadingReversed pointer: UnsafePointer<Float>)
    /// Writes lane `i` to `pointer[i * stride]`.
    func store(to pointer: UnsafeMutablePointer<Float>, stride: Int)
    /// Writes lane `i` to `pointer[−i]`.
    func storeReversed(to pointer: UnsafeMutablePointer<Float>)
    static func + (a: Self, b: Self) -> Self
    static func - (a: Self, b: Self) -> Self
    static func * (a: Self, b: Self) -> Self
    static prefix func - (a: Self) -> Self
}

extension Float: FFTLane {
    @inline(__always)
    init(broadcast value: Float) { self = value }

    @inline(__always)
    init(loading pointer: UnsafePointer<Float>) { self = pointer.pointee }

    @inline(__always)
    init(loadingReversed pointer: UnsafePointer<Float>) { self = pointer.pointee }

    @inline(__always)
    func store(to pointer: UnsafeMutablePointer<Float>, stride: Int) { pointer.pointee = self }

    @inline(__always)
    func storeReversed(to pointer: UnsafeMutablePointer<Float>) { pointer.pointee = self }
}

extension SIMD4: FFTLane where Scalar == Float {
    @inline(__always)
    init(broadcast value: Float) { self.init(repeating: value) }

    @inline(__always)
    init(loading pointer: UnsafePointer<Float>) {
        self = UnsafeRawPointer(pointer).loadUnaligned(as: SIMD4<Float>.self)
    }

    @inline(__always)
    init(loadingReversed pointer: UnsafePointer<Float>) {
        let v = SIMD4<Float>(loading: pointer - 3)
        self.init(v[3], v[2], v[1], v[0])
    }

    @inline(__always)
    func storeReversed(to pointer: UnsafeMutablePointer<Float>) {
        SIMD4(self[3], self[2], self[1], self[0]).store(to: pointer - 3, stride: 1)
    }

    @inline(__always)
    func store(to pointer: UnsafeMutablePointer<Float>, stride: Int) {
        if stride == 1 {
            UnsafeMutableRawPointer(pointer).storeBytes(of: self, as: SIMD4<Float>.self)
        } else {
            for i in 0..<4 { pointer[i * stride] = self[i] }
        }
    }
}

/// A `FloatVector` as FFT lanes: `vectorWidth` independent lines transformed in lockstep
/// (`FFTStockham.transformLanes`). A wrapper, so that `FloatVector`'s own operators stay the only ones.
struct FFTLines: FFTLane {
    var value: FloatVector

    @inline(__always)
    init(_ value: FloatVector) { self.value = value }

    @inline(__always)
    init(broadcast value: Float) { self.value = FloatVector(repeating: value) }

    @inline(__always)
    init(loading pointer: UnsafePointer<Float>) {
        value = UnsafeRawPointer(pointer).loadUnaligned(as: FloatVector.self)
    }

    /// Element by element: the lane-batched transforms never read backwards.
    init(loadingReversed pointer: UnsafePointer<Float>) {
        value = FloatVector()
        for i in 0..<vectorWidth { value[i] = pointer[-i] }
    }

    /// Element by element: the lane-batched transforms never write backwards.
    func storeReversed(to pointer: UnsafeMutablePointer<Float>) {
        for i in 0..<vectorWidth { pointer[-i] = value[i] }
    }

    @inline(__always)
    func store(to pointer: UnsafeMutablePointer<Float>, stride: Int) {
        if stride == 1 {
            UnsafeMutableRawPointer(pointer).storeBytes(of: value, as: FloatVector.self)
        } else {
            for i in 0..<vectorWidth { pointer[i * stride] = value[i] }
        }
    }

    @inline(__always)
    static func + (a: Self, b: Self) -> Self { Self(a.value + b.value) }

    @inline(__always)
    static func - (a: Self, b: Self) -> Self { Self(a.value - b.value) }

    @inline(__always)
    static func * (a: Self, b: Self) -> Self { Self(a.value * b.value) }

    @inline(__always)
    static prefix func - (a: Self) -> Self { Self(-a.value) }
}

/// A complex value (or a lane of them) as separate real and imaginary parts.
struct SplitComplex<V: FFTLane> {
    var re: V
    var im: V

    @inline(__always)
    init(re: V, im: V) {
        self.re = re
        self.im = im
    }

    @inline(__always)
    static func + (a: Self, b: Self) -> Self { Self(re: a.re + b.re, im: a.im + b.im) }

    @inline(__always)
    static func - (a: Self, b: Self) -> Self { Self(re: a.re - b.re, im: a.im - b.im) }

    @inline(__always)
    static func * (a: Self, b: Self) -> Self {
        Self(re: a.re * b.re - a.im * b.im, im: a.re * b.im + a.im * b.re)
    }

    /// Both parts times the real `factor`.
    @inline(__always)
    func scaled(by factor: V) -> Self { Self(re: re * factor, im: im * factor) }

    /// `self · (−i)`.
    @inline(__always)
    var timesMinusI: Self { Self(re: im, im: -re) }
}

/// Split-complex storage: `count` real parts at `re`, `count` imaginary parts at `im`.
struct SplitPointer {
    var re: UnsafeMutablePointer<Float>
    var im: UnsafeMutablePointer<Float>

    @inline(__always)
    static func + (base: SplitPointer, offset: Int) -> SplitPointer {
        SplitPointer(re: base.re + offset, im: base.im + offset)
    }

    /// Elements `offset`, `offset + 1`, … one per lane.
    @inline(__always)
    func load<V: FFTLane>(at offset: Int) -> SplitComplex<V> {
        SplitComplex(re: V(loading: re + offset), im: V(loading: im + offset))
    }

    /// Elements `offset`, `offset − 1`, … one per lane.
    @inline(__always)
    func loadReversed<V: FFTLane>(at offset: Int) -> SplitComplex<V> {
        SplitComplex(re: V(loadingReversed: re + offset), im: V(loadingReversed: im + offset))
    }

    /// Writes lane `i` of `value` at `offset − i`.
    @inline(__always)
    func storeReversed<V: FFTLane>(_ value: SplitComplex<V>, at offset: Int) {
        value.re.storeReversed(to: re + offset)
        value.im.storeReversed(to: im + offset)
    }

    /// Writes lane `i` of `value` at `offset + i * laneStride`.
    @inline(__always)
    func store<V: FFTLane>(_ value: SplitComplex<V>, at offset: Int, laneStride: Int) {
        value.re.store(to: re + offset, stride: laneStride)
        value.im.store(to: im + offset, stride: laneStride)
    }
}
