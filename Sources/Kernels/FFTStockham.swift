import Foundation

/// A forward complex FFT of a length whose prime factors are 2, 3 and 5, as a Stockham (self-sorting)
/// decimation-in-frequency sequence of radix-4, 3, 5 and 2 passes that ping-pong between the data and a scratch
/// buffer, with no bit-reversal pass.
///
/// Pass `i` sees `stride` interleaved sub-transforms of `length` points (element `t` of sub-transform `q` at
/// `q + stride · t`). It splits each into `radix` legs of `m = length / radix` points, takes a radix-point DFT
/// across the legs at every `p < m`, multiplies output `k` by `e^{−2πi pk / length}`, and stores it at
/// `q + stride · (radix · p + k)`: `radix · stride` interleaved sub-transforms of `m` points. After the last pass
/// (`m == 1`) the spectrum is in natural order. Lanes of four run along `q`, or along `p` in the first pass.
struct FFTStockham: Sendable {
    /// One pass; its twiddles `e^{−2πi pk / length}` (`k` in `1 ..< radix`, `p < legs`) are at
    /// `twiddles[offset + (k − 1) · legs + p]` (real) and `twiddles[offset + (radix − 1 + k − 1) · legs + p]`
    /// (imaginary).
    struct Pass: Sendable {
        let radix: Int
        let length: Int
        let stride: Int
        let offset: Int
        var legs: Int { length / radix }
    }

    let passes: [Pass]
    let twiddles: [Float]

    /// The plan for `length`, or nil when `length` has a prime factor above 5.
    init?(length: Int) {
        var radices: [Int] = [], rest = length
        for radix in [4, 3, 5] {
            while rest % radix == 0 {
                radices.append(radix)
                rest /= radix
            }
        }
        if rest == 2 {
            radices.append(2)
            rest = 1
        }
        guard rest == 1 else { return nil }

        var passes: [Pass] = [], twiddles: [Float] = []
        var n = length, stride = 1
        for radix in radices {
            let pass = Pass(radix: radix, length: n, stride: stride, offset: twiddles.count)
            let legs = pass.legs
            var real = [Float](repeating: 0, count: (radix - 1) * legs), imag = real
            for k in 1..<radix {
                for p in 0..<legs {
                    let angle = -2 * Double.pi * Double(p * k % n) / Double(n)
                    real[(k - 1) * legs + p] = Float(cos(angle))
                    imag[(k - 1) * legs + p] = Float(sin(angle))
                }
            }
            twiddles += real + imag
            passes.append(pass)
            n = legs
            stride *= radix
        }
        self.passes = passes
        self.twiddles = twiddles
    }

    /// Floats of scratch `transform` needs: none for a single pass, else `2 · length`.
    var scratchCount: Int { passes.count > 1 ? 2 * passes[0].length : 0 }

    /// Forward transform of `data` in place, using `scratch` (`length` elements) as the ping-pong buffer.
    func transform(_ data: SplitPointer, scratch: SplitPointer) {
        forEachPass(data, scratch) { pass, twiddles, x, y in run(pass, twiddles: twiddles, from: x, to: y) }
    }

    /// `transform` of `vectorWidth` lines at once, one per lane of a `FloatVector`: element `t`'s real parts (one
    /// per line) are the vector at `data.re + t · elementStride`, its imaginary parts the one at
    /// `data.im + t · elementStride`. `scratch` is laid out the same way. Every butterfly is whole vectors, with no
    /// shuffles, whatever the pass.
    func transformLanes(_ data: SplitPointer, scratch: SplitPointer, elementStride: Int) {
        forEachPass(data, scratch) { pass, twiddles, x, y in
            switch pass.radix {
            case 4: runLanes(Radix4.self, pass, twiddles, from: x, to: y, elementStride: elementStride)
            case 2: runLanes(Radix2.self, pass, twiddles, from: x, to: y, elementStride: elementStride)
            case 3: runLanes(Radix3.self, pass, twiddles, from: x, to: y, elementStride: elementStride)
            default: runLanes(Radix5.self, pass, twiddles, from: x, to: y, elementStride: elementStride)
            }
        }
    }

    /// Calls `body(pass, twiddles, from, to)` for each pass in order, ping-ponging between `data` and `scratch`.
    /// The last pass (m == 1) may run in place, so it always writes `data`.
    @inline(__always)
    private func forEachPass(_ data: SplitPointer, _ scratch: SplitPointer,
                             _ body: (Pass, UnsafePointer<Float>, SplitPointer, SplitPointer) -> Void) {
        twiddles.withUnsafeBufferPointer { table in
            var source = data, spare = scratch
            for (index, pass) in passes.enumerated() {
                let destination = index == passes.count - 1 ? data : spare
                body(pass, table.baseAddress! + pass.offset, source, destination)
                spare = source
                source = destination
            }
        }
    }

    /// One pass of `transformLanes`: butterfly `(p, q)` reads its legs at elements `q + s·p + j·s·m` and writes
    /// output `k`, times its twiddle (the same in every lane), at element `q + s·(radix·p + k)`.
    @inline(__always)
    private func runLanes<B: FFTButterfly>(_: B.Type, _ pass: Pass, _ twiddles: UnsafePointer<Float>,
                                           from x: SplitPointer, to y: SplitPointer, elementStride: Int) {
        let m = pass.legs, table = FFTTwiddleTable(base: twiddles, legs: m, radix: B.radix)
        laneButterflies(B.self, pass, 0, from: x, to: y, elementStride, FFTNoTwiddles<FFTLines>())
        for p in 1..<max(m, 1) {
            laneButterflies(B.self, pass, p, from: x, to: y, elementStride,
                            FFTLegTwiddles<FFTLines>(broadcasting: FFTLegTwiddles<Float>(table, at: p)))
        }
    }

    /// The butterflies `(p, q)`, `q < stride`, of one pass of `transformLanes`.
    @inline(__always)
    private func laneButterflies<B: FFTButterfly, T: FFTTwiddles>(
        _: B.Type, _ pass: Pass, _ p: Int, from x: SplitPointer, to y: SplitPointer, _ elementStride: Int,
        _ twiddles: T
    ) where T.Lane == FFTLines {
        let s = pass.stride, leg = s * pass.legs * elementStride
        let source = x + s * p * elementStride, destination = y + s * B.radix * p * elementStride
        for q in 0..<s {
            butterfly(B.self, from: source + q * elementStride, inputLeg: leg, twiddles: twiddles) { k, value in
                destination.store(value, at: (q + k * s) * elementStride, laneStride: 1)
            }
        }
    }

    private func run(_ pass: Pass, twiddles: UnsafePointer<Float>, from x: SplitPointer, to y: SplitPointer) {
        switch pass.radix {
        case 4: run(Radix4.self, pass, twiddles, from: x, to: y)
        case 2: run(Radix2.self, pass, twiddles, from: x, to: y)
        case 3: run(Radix3.self, pass, twiddles, from: x, to: y)
        default: run(Radix5.self, pass, twiddles, from: x, to: y)
        }
    }

    @inline(__always)
    private func run<B: FFTButterfly>(_: B.Type, _ pass: Pass, _ twiddles: UnsafePointer<Float>,
                                      from x: SplitPointer, to y: SplitPointer) {
        let radix = B.radix, m = pass.legs, s = pass.stride
        let table = FFTTwiddleTable(base: twiddles, legs: m, radix: radix)
        if s == 1 {
            // First pass: lanes along p; output k of butterfly p goes to radix · p + k.
            var p = 0
            while p + 4 <= m {
                let twiddles = FFTLegTwiddles<SIMD4<Float>>(table, at: p)
                if radix == 4 {
                    // Four butterflies' outputs are a 4 × 4 block: transposed, it is 16 consecutive outputs.
                    var block = FFTBlock4()
                    butterfly(B.self, from: x + p, inputLeg: m, twiddles: twiddles) { (k, value: Vector) in
                        block.set(k, value)
                    }
                    block.storeTransposed(to: y + 4 * p)
                } else {
                    butterfly(B.self, from: x + p, inputLeg: m, twiddles: twiddles) { (k, value: Vector) in
                        y.store(value, at: radix * p + k, laneStride: radix)
                    }
                }
                p += 4
            }
            while p < m {
                let twiddles = FFTLegTwiddles<Float>(table, at: p)
                butterfly(B.self, from: x + p, inputLeg: m, twiddles: twiddles) { (k, value: Scalar) in
                    y.store(value, at: radix * p + k, laneStride: 1)
                }
                p += 1
            }
            return
        }
        for p in 0..<m {
            let source = x + s * p, destination = y + s * radix * p
            if p == 0 {
                columns(B.self, s, from: source, inputLeg: s * m, to: destination,
                        FFTNoTwiddles<SIMD4<Float>>(), FFTNoTwiddles<Float>())
            } else {
                let scalar = FFTLegTwiddles<Float>(table, at: p)
                columns(B.self, s, from: source, inputLeg: s * m, to: destination,
                        FFTLegTwiddles<SIMD4<Float>>(broadcasting: scalar), scalar)
            }
        }
    }

    /// The butterflies `q < count` of one `p`, four lanes at a time: legs at `x + q + j · inputLeg`, output `k` at
    /// `y + q + k · count`.
    @inline(__always)
    private func columns<B: FFTButterfly, T4: FFTTwiddles, T1: FFTTwiddles>(
        _: B.Type, _ count: Int, from x: SplitPointer, inputLeg: Int, to y: SplitPointer, _ vector: T4, _ scalar: T1
    ) where T4.Lane == SIMD4<Float>, T1.Lane == Float {
        var q = 0
        while q + 4 <= count {
            butterfly(B.self, from: x + q, inputLeg: inputLeg, twiddles: vector) { (k, value: Vector) in
                y.store(value, at: q + k * count, laneStride: 1)
            }
            q += 4
        }
        while q < count {
            butterfly(B.self, from: x + q, inputLeg: inputLeg, twiddles: scalar) { (k, value: Scalar) in
                y.store(value, at: q + k * count, laneStride: 1)
            }
            q += 1
        }
    }

    /// One butterfly (or one lane of them) on the legs at `x + j · inputLeg`, handing output `k`, times its
    /// twiddle, to `output`.
    @inline(__always)
    private func butterfly<B: FFTButterfly, T: FFTTwiddles>(_: B.Type, from x: SplitPointer, inputLeg: Int,
                                                            twiddles: T,
                                                            output: (Int, SplitComplex<T.Lane>) -> Void) {
        B.apply({ (j: Int) -> SplitComplex<T.Lane> in x.load(at: j * inputLeg) }, { k, value in
            output(k, twiddles.apply(k, value))
        })
    }
}

/// The outputs of four radix-4 butterflies, one per lane: `row k` holds output `k` of butterflies `0 ..< 4`.
struct FFTBlock4 {
    private var r0, r1, r2, r3: SplitComplex<SIMD4<Float>>

    @inline(__always)
    init() {
        let zero = SplitComplex(re: SIMD4<Float>(), im: SIMD4<Float>())
        (r0, r1, r2, r3) = (zero, zero, zero, zero)
    }

    @inline(__always)
    mutating func set(_ k: Int, _ value: SplitComplex<SIMD4<Float>>) {
        switch k {
        case 0: r0 = value
        case 1: r1 = value
        case 2: r2 = value
        default: r3 = value
        }
    }

    /// Writes output `k` of butterfly `i` to `y + 4 · i + k`.
    @inline(__always)
    func storeTransposed(to y: SplitPointer) {
        Self.storeTransposed(r0.re, r1.re, r2.re, r3.re, to: y.re)
        Self.storeTransposed(r0.im, r1.im, r2.im, r3.im, to: y.im)
    }

    @inline(__always)
    private static func storeTransposed(_ a: SIMD4<Float>, _ b: SIMD4<Float>, _ c: SIMD4<Float>, _ d: SIMD4<Float>,
                                        to pointer: UnsafeMutablePointer<Float>) {
        let ab01 = SIMD4(a[0], b[0], a[1], b[1]), ab23 = SIMD4(a[2], b[2], a[3], b[3])
        let cd01 = SIMD4(c[0], d[0], c[1], d[1]), cd23 = SIMD4(c[2], d[2], c[3], d[3])
        SIMD4(lowHalf: ab01.lowHalf, highHalf: cd01.lowHalf).store(to: pointer, stride: 1)
        SIMD4(lowHalf: ab01.highHalf, highHalf: cd01.highHalf).store(to: pointer + 4, stride: 1)
        SIMD4(lowHalf: ab23.lowHalf, highHalf: cd23.lowHalf).store(to: pointer + 8, stride: 1)
        SIMD4(lowHalf: ab23.highHalf, highHalf: cd23.highHalf).store(to: pointer + 12, stride: 1)
    }
}

private typealias Vector = SplitComplex<SIMD4<Float>>
private typealias Scalar = SplitComplex<Float>

/// What a butterfly's output `k` is multiplied by on its way out.
protocol FFTTwiddles {
    associatedtype Lane: FFTLane
    func apply(_ k: Int, _ value: SplitComplex<Lane>) -> SplitComplex<Lane>
}

/// Twiddles that are all 1 (butterfly `p = 0` of every pass).
struct FFTNoTwiddles<Lane: FFTLane>: FFTTwiddles {
    @inline(__always)
    func apply(_ k: Int, _ value: SplitComplex<Lane>) -> SplitComplex<Lane> { value }
}

/// A pass's twiddle table (see `FFTStockham.Pass`).
struct FFTTwiddleTable {
    let base: UnsafePointer<Float>
    let legs: Int
    let radix: Int
}

/// The twiddles `w_1 … w_{radix−1}` (radix ≤ 5) one butterfly (or lane of them) multiplies its outputs by.
struct FFTLegTwiddles<V: FFTLane>: FFTTwiddles {
    private var w1, w2, w3, w4: SplitComplex<V>

    /// The twiddles of butterfly `p + i` in lane `i`.
    @inline(__always)
    init(_ table: FFTTwiddleTable, at p: Int) {
        func load(_ k: Int) -> SplitComplex<V> {
            guard k < table.radix else { return SplitComplex(re: V(broadcast: 1), im: V(broadcast: 0)) }
            let re = table.base + ((k - 1) * table.legs + p)
            return SplitComplex(re: V(loading: re), im: V(loading: re + (table.radix - 1) * table.legs))
        }
        w1 = load(1)
        w2 = load(2)
        w3 = load(3)
        w4 = load(4)
    }

    @inline(__always)
    init(broadcasting scalar: FFTLegTwiddles<Float>) {
        func widen(_ w: SplitComplex<Float>) -> SplitComplex<V> {
            SplitComplex(re: V(broadcast: w.re), im: V(broadcast: w.im))
        }
        w1 = widen(scalar[1])
        w2 = widen(scalar[2])
        w3 = widen(scalar[3])
        w4 = widen(scalar[4])
    }

    @inline(__always)
    func apply(_ k: Int, _ value: SplitComplex<V>) -> SplitComplex<V> { k == 0 ? value : value * self[k] }

    @inline(__always)
    subscript(k: Int) -> SplitComplex<V> {
        switch k {
        case 1: w1
        case 2: w2
        case 3: w3
        default: w4
        }
    }
}
