import Foundation

/// A precomputed FFT of `length` real samples (numpy's `rfft` / `irfft` without scaling): immutable, `Sendable`,
/// usable from several threads at once as long as each call has its own scratch.
///
/// The spectrum is the `length / 2 + 1` bins `0 ... length / 2` in split form. An even length runs as one complex
/// FFT of `length / 2` points plus an `O(n)` pass; an odd length as a complex FFT of `length` points.
public final class RealFFTPlan: Sendable {
    /// The number of real samples.
    public let length: Int
    /// The complex FFT: of `length / 2` points (even `length`) or `length` points (odd).
    private let complex: FFTPlan
    /// `e^{−2πi k / length}` for `k` in `0 ... length / 4` (even `length`): real parts, then imaginary parts.
    private let twiddles: [Float]

    public init(length: Int) {
        precondition(length >= 1, "FFT length must be at least 1")
        self.length = length
        let even = length % 2 == 0
        complex = FFTPlan(length: even ? length / 2 : length)
        let count = even ? length / 4 + 1 : 0
        var twiddles = [Float](repeating: 0, count: 2 * count)
        for k in 0..<count {
            let angle = -2 * Double.pi * Double(k) / Double(length)
            twiddles[k] = Float(cos(angle))
            twiddles[count + k] = Float(sin(angle))
        }
        self.twiddles = twiddles
    }

    /// Bins in the half spectrum: `length / 2 + 1`.
    public var binCount: Int { length / 2 + 1 }

    /// Floats of scratch `forward` and `inverse` use: `length` plus the complex plan's (even `length`),
    /// `2 · length` plus the complex plan's (odd).
    public var scratchCount: Int { (length % 2 == 0 ? length : 2 * length) + complex.scratchCount }

    /// `X_k = Σ_n x_n e^{−2πi kn / N}` for `k` in `0 ... N / 2`: reads `length` floats from `input`, writes
    /// `binCount` floats to each of `real` and `imag` (the imaginary parts of bin 0, and of bin N/2 for even N,
    /// are exactly 0).
    ///
    /// No two of `input`, `real`, `imag` and `scratch` may overlap. `scratch` holds at least `scratchCount`
    /// floats; when nil, the call allocates its own.
    public func forward(_ input: UnsafePointer<Float>, real: UnsafeMutablePointer<Float>,
                        imag: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>? = nil) {
        withFFTScratch(scratchCount, scratch) { scratch in
            if length % 2 == 0 {
                evenForward(input, real: real, imag: imag, scratch: scratch)
            } else {
                oddForward(input, real: real, imag: imag, scratch: scratch)
            }
        }
    }

    /// The unscaled inverse of `forward` (numpy's `irfft` times `N`): `x_n = Σ_{k<N} X_k e^{+2πi kn / N}` with
    /// `X_{N−k} = conj(X_k)`, from the `binCount` bins in `real` and `imag`, written as `length` floats to `output`.
    /// The imaginary parts of bin 0, and of bin N/2 for even N, are ignored.
    ///
    /// No two of `real`, `imag`, `output` and `scratch` may overlap. `scratch` holds at least `scratchCount`
    /// floats; when nil, the call allocates its own.
    public func inverse(real: UnsafePointer<Float>, imag: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
                        scratch: UnsafeMutablePointer<Float>? = nil) {
        withFFTScratch(scratchCount, scratch) { scratch in
            if length % 2 == 0 {
                evenInverse(real: real, imag: imag, output: output, scratch: scratch)
            } else {
                oddInverse(real: real, imag: imag, output: output, scratch: scratch)
            }
        }
    }

    /// Packs even samples as real and odd samples as imaginary parts, `Z = FFT_{N/2}(z)`, then untangles the
    /// even- and odd-sample spectra `E_k = (Z_k + conj Z_{M−k}) / 2`, `O_k = (Z_k − conj Z_{M−k}) / 2i` into
    /// `X_k = E_k + W^k O_k` and `X_{M−k} = conj(E_k − W^k O_k)`, with `M = N / 2`, `W = e^{−2πi / N}`.
    private func evenForward(_ input: UnsafePointer<Float>, real: UnsafeMutablePointer<Float>,
                             imag: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>) {
        let m = length / 2
        let z = SplitPointer(re: real, im: imag)
        deinterleave(input, into: z, count: m)
        complex.transform(real: real, imag: imag, inverse: false, scratch: scratch)
        let (zr, zi) = (real[0], imag[0])
        (real[0], imag[0]) = (zr + zi, 0)
        (real[m], imag[m]) = (zr - zi, 0)
        forEachMirroredPair(m) { w, k, lanes in
            func separate<V: FFTLane>(_: V.Type) {
                let a: SplitComplex<V> = z.load(at: k), b: SplitComplex<V> = z.loadReversed(at: m - k)
                let (low, high) = Self.separated(a, b, twiddle: w.load(at: k))
                z.store(low, at: k, laneStride: 1)
                z.storeReversed(high, at: m - k)
            }
            if lanes == 4 { separate(SIMD4<Float>.self) } else { separate(Float.self) }
        }
    }

    /// `(X_k, X_{M−k})` from `a = Z_k`, `b = Z_{M−k}` and `twiddle = W^k` (`evenForward`).
    @inline(__always)
    private static func separated<V: FFTLane>(_ a: SplitComplex<V>, _ b: SplitComplex<V>,
                                              twiddle: SplitComplex<V>) -> (SplitComplex<V>, SplitComplex<V>) {
        let half = V(broadcast: 0.5)
        let e = SplitComplex(re: (a.re + b.re) * half, im: (a.im - b.im) * half)
        let t = twiddle * SplitComplex(re: (a.im + b.im) * half, im: (b.re - a.re) * half)
        return (e + t, SplitComplex(re: e.re - t.re, im: t.im - e.im))
    }

    /// `(Z_k, Z_{M−k})` from `a = X_k`, `b = X_{M−k}` and `twiddle = W^k` (`evenInverse`).
    @inline(__always)
    private static func combined<V: FFTLane>(_ a: SplitComplex<V>, _ b: SplitComplex<V>,
                                             twiddle: SplitComplex<V>) -> (SplitComplex<V>, SplitComplex<V>) {
        let e = SplitComplex(re: a.re + b.re, im: a.im - b.im)
        let o = SplitComplex(re: a.re - b.re, im: a.im + b.im) * SplitComplex(re: twiddle.re, im: -twiddle.im)
        return (SplitComplex(re: e.re - o.im, im: e.im + o.re), SplitComplex(re: e.re + o.im, im: o.re - e.im))
    }

    /// The reverse of `evenForward`: `Z_k = E'_k + i O'_k` with `E'_k = X_k + conj X_{M−k}` and
    /// `O'_k = (X_k − conj X_{M−k}) · conj(W^k)`, then `z = IFFT_{N/2}(Z)` holds even samples in its real parts
    /// and odd samples in its imaginary parts.
    private func evenInverse(real: UnsafePointer<Float>, imag: UnsafePointer<Float>,
                             output: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>) {
        let m = length / 2
        let x = SplitPointer(re: UnsafeMutablePointer(mutating: real), im: UnsafeMutablePointer(mutating: imag))
        let z = SplitPointer(re: scratch, im: scratch + m)
        (z.re[0], z.im[0]) = (real[0] + real[m], real[0] - real[m])
        forEachMirroredPair(m) { w, k, lanes in
            func combine<V: FFTLane>(_: V.Type) {
                let a: SplitComplex<V> = x.load(at: k), b: SplitComplex<V> = x.loadReversed(at: m - k)
                let (low, high) = Self.combined(a, b, twiddle: w.load(at: k))
                z.store(low, at: k, laneStride: 1)
                z.storeReversed(high, at: m - k)
            }
            if lanes == 4 { combine(SIMD4<Float>.self) } else { combine(Float.self) }
        }
        complex.transform(real: z.re, imag: z.im, inverse: true, scratch: scratch + length)
        interleave(z, into: output, count: m)
    }

    /// True when `forwardLanes` and `inverseLanes` run: even lengths whose half has no prime factor above 5.
    public var runsInLanes: Bool { length % 2 == 0 && complex.stockham != nil }

    /// Floats of scratch `forwardLanes` and `inverseLanes` use: `length · vectorWidth`.
    public var laneScratchCount: Int { length * vectorWidth }

    /// `forward` of `vectorWidth` lines at once, one per lane of a `FloatVector`, in place (`runsInLanes` only).
    ///
    /// On entry sample `n` of every line is the vector at `data + n · vectorWidth`, `n < length`; on return the
    /// real parts of bin `k` are the vector at `data + 2k · vectorWidth` and its imaginary parts the next one, for
    /// `k ≤ length / 2`, so `data` holds `(length + 2) · vectorWidth` floats. `scratch` holds `laneScratchCount`
    /// floats; neither overlaps the other. Each lane's results are `forward`'s for that line, to rounding.
    public func forwardLanes(_ data: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>) {
        precondition(runsInLanes, "forwardLanes needs an even length whose half is 2-3-5-smooth")
        // Even samples are the real parts and odd samples the imaginary parts of `m` complex elements as they lie.
        let m = length / 2, vw = vectorWidth, z = SplitPointer(re: data, im: data + vw)
        complex.stockham!.transformLanes(z, scratch: SplitPointer(re: scratch, im: scratch + vw),
                                         elementStride: 2 * vw)
        let z0: SplitComplex<FFTLines> = z.load(at: 0), zero = FFTLines(broadcast: 0)
        let dc = SplitComplex<FFTLines>(re: z0.re + z0.im, im: zero)
        let nyquist = SplitComplex<FFTLines>(re: z0.re - z0.im, im: zero)
        z.store(dc, at: 0, laneStride: 1)
        z.store(nyquist, at: 2 * m * vw, laneStride: 1)
        // A local function, always inlined (as a closure it was left a call per pair).
        @inline(__always) func separate(_ a: SplitComplex<FFTLines>, _ b: SplitComplex<FFTLines>,
                                        _ twiddle: SplitComplex<FFTLines>) -> (SplitComplex<FFTLines>, SplitComplex<FFTLines>) {
            Self.separated(a, b, twiddle: twiddle)
        }
        transformLanePairs(z, m, separate)
    }

    /// `inverse` of `vectorWidth` spectra at once, one per lane of a `FloatVector`, in place (`runsInLanes` only):
    /// `forwardLanes`'s layouts the other way round. On entry bin `k`'s real parts are the vector at
    /// `data + 2k · vectorWidth` and its imaginary parts the next one, `k ≤ length / 2`; on return sample `n` of
    /// every output is the vector at `data + n · vectorWidth`, `n < length`. `scratch` holds `laneScratchCount`
    /// floats; neither overlaps the other. Each lane's results are `inverse`'s for that spectrum, to rounding.
    public func inverseLanes(_ data: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>) {
        precondition(runsInLanes, "inverseLanes needs an even length whose half is 2-3-5-smooth")
        let m = length / 2, vw = vectorWidth, x = SplitPointer(re: data, im: data + vw)
        let first: SplitComplex<FFTLines> = x.load(at: 0), last: SplitComplex<FFTLines> = x.load(at: 2 * m * vw)
        let z0 = SplitComplex<FFTLines>(re: first.re + last.re, im: first.re - last.re)
        x.store(z0, at: 0, laneStride: 1)
        @inline(__always) func combine(_ a: SplitComplex<FFTLines>, _ b: SplitComplex<FFTLines>,
                                       _ twiddle: SplitComplex<FFTLines>) -> (SplitComplex<FFTLines>, SplitComplex<FFTLines>) {
            Self.combined(a, b, twiddle: twiddle)
        }
        transformLanePairs(x, m, combine)
        // The unscaled inverse is the forward transform with real and imaginary parts swapped in and out; its
        // elements' real parts are the even samples and its imaginary parts the odd ones, in place.
        complex.stockham!.transformLanes(SplitPointer(re: data + vw, im: data),
                                         scratch: SplitPointer(re: scratch + vw, im: scratch), elementStride: 2 * vw)
    }

    /// Replaces elements `k` and `m − k` of `z` (lanes, elements `2 · vectorWidth` floats apart) by
    /// `pair(z_k, z_{m−k}, W^k)` for `k` in `1 ... m / 2`, the twiddle the same in every lane. When `k == m − k`
    /// both of the pair's results go to the same element; `separated` and `combined` give them equal there.
    @inline(__always)
    private func transformLanePairs(_ z: SplitPointer, _ m: Int, _ pair: (SplitComplex<FFTLines>,
                                    SplitComplex<FFTLines>, SplitComplex<FFTLines>)
                                    -> (SplitComplex<FFTLines>, SplitComplex<FFTLines>)) {
        let step = 2 * vectorWidth
        twiddles.withUnsafeBufferPointer { table in
            let count = table.count / 2
            for k in stride(from: 1, through: m / 2, by: 1) {
                let twiddle = SplitComplex(re: FFTLines(broadcast: table[k]), im: FFTLines(broadcast: table[count + k]))
                let (low, high) = pair(z.load(at: k * step), z.load(at: (m - k) * step), twiddle)
                z.store(low, at: k * step, laneStride: 1)
                z.store(high, at: (m - k) * step, laneStride: 1)
            }
        }
    }

    /// Calls `body(twiddles, k, lanes)` for `k` in `1 ... m / 2`: for `lanes == 4`, bins `k ..< k + 4` and their
    /// mirrors `m − k − 3 ... m − k` are disjoint; for `lanes == 1`, bin `k` and its mirror may coincide.
    @inline(__always)
    private func forEachMirroredPair(_ m: Int, _ body: (SplitPointer, Int, Int) -> Void) {
        twiddles.withUnsafeBufferPointer { table in
            let base = UnsafeMutablePointer(mutating: table.baseAddress!)
            let w = SplitPointer(re: base, im: base + table.count / 2)
            var k = 1
            while 2 * k + 6 < m {
                body(w, k, 4)
                k += 4
            }
            while k <= m / 2 {
                body(w, k, 1)
                k += 1
            }
        }
    }

    private func oddForward(_ input: UnsafePointer<Float>, real: UnsafeMutablePointer<Float>,
                            imag: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>) {
        let n = length
        let zRe = scratch, zIm = scratch + n
        zRe.update(from: input, count: n)
        zIm.update(repeating: 0, count: n)
        complex.transform(real: zRe, imag: zIm, inverse: false, scratch: scratch + 2 * n)
        real.update(from: zRe, count: binCount)
        imag.update(from: zIm, count: binCount)
        imag[0] = 0
    }

    private func oddInverse(real: UnsafePointer<Float>, imag: UnsafePointer<Float>,
                            output: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>) {
        let n = length
        let zRe = scratch, zIm = scratch + n
        zRe[0] = real[0]
        zIm[0] = 0
        for k in 1..<binCount {
            zRe[k] = real[k]
            zIm[k] = imag[k]
            zRe[n - k] = real[k]
            zIm[n - k] = -imag[k]
        }
        complex.transform(real: zRe, imag: zIm, inverse: true, scratch: scratch + 2 * n)
        output.update(from: zRe, count: n)
    }
}

/// `z[n] = x[2n] + i · x[2n + 1]` for `n < count`.
private func deinterleave(_ x: UnsafePointer<Float>, into z: SplitPointer, count: Int) {
    var n = 0
    while n + 4 <= count {
        let a = SIMD4<Float>(loading: x + 2 * n), b = SIMD4<Float>(loading: x + 2 * n + 4)
        SIMD4(a[0], a[2], b[0], b[2]).store(to: z.re + n, stride: 1)
        SIMD4(a[1], a[3], b[1], b[3]).store(to: z.im + n, stride: 1)
        n += 4
    }
    while n < count {
        (z.re[n], z.im[n]) = (x[2 * n], x[2 * n + 1])
        n += 1
    }
}

/// `x[2n] = re z[n]`, `x[2n + 1] = im z[n]` for `n < count`.
private func interleave(_ z: SplitPointer, into x: UnsafeMutablePointer<Float>, count: Int) {
    var n = 0
    while n + 4 <= count {
        let re = SIMD4<Float>(loading: z.re + n), im = SIMD4<Float>(loading: z.im + n)
        SIMD4(re[0], im[0], re[1], im[1]).store(to: x + 2 * n, stride: 1)
        SIMD4(re[2], im[2], re[3], im[3]).store(to: x + 2 * n + 4, stride: 1)
        n += 4
    }
    while n < count {
        (x[2 * n], x[2 * n + 1]) = (z.re[n], z.im[n])
        n += 1
    }
}
