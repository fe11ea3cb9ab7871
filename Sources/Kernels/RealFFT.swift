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
        for n in 0..<m {
            real[n] = input[2 &* n]
            imag[n] = input[2 &* n &+ 1]
        }
        complex.transform(real: real, imag: imag, inverse: false, scratch: scratch)
        let zr = real[0], zi = imag[0]
        real[0] = zr + zi
        imag[0] = 0
        real[m] = zr - zi
        imag[m] = 0
        twiddles.withUnsafeBufferPointer { table in
            let wRe = table.baseAddress!, wIm = wRe + table.count / 2
            for k in stride(from: 1, through: m / 2, by: 1) {
                let j = m &- k
                let a = real[k], b = imag[k], c = real[j], d = imag[j]
                let eRe = (a + c) * 0.5, eIm = (b - d) * 0.5
                let oRe = (b + d) * 0.5, oIm = (c - a) * 0.5
                let tRe = wRe[k] * oRe - wIm[k] * oIm
                let tIm = wRe[k] * oIm + wIm[k] * oRe
                real[k] = eRe + tRe
                imag[k] = eIm + tIm
                real[j] = eRe - tRe
                imag[j] = tIm - eIm
            }
        }
    }

    /// The reverse of `evenForward`: `Z_k = E'_k + i O'_k` with `E'_k = X_k + conj X_{M−k}` and
    /// `O'_k = (X_k − conj X_{M−k}) · conj(W^k)`, then `z = IFFT_{N/2}(Z)` holds even samples in its real parts
    /// and odd samples in its imaginary parts.
    private func evenInverse(real: UnsafePointer<Float>, imag: UnsafePointer<Float>,
                             output: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>) {
        let m = length / 2
        let zRe = scratch, zIm = scratch + m
        zRe[0] = real[0] + real[m]
        zIm[0] = real[0] - real[m]
        twiddles.withUnsafeBufferPointer { table in
            let wRe = table.baseAddress!, wIm = wRe + table.count / 2
            for k in stride(from: 1, through: m / 2, by: 1) {
                let j = m &- k
                let a = real[k], b = imag[k], c = real[j], d = imag[j]
                let eRe = a + c, eIm = b - d
                let dRe = a - c, dIm = b + d
                let oRe = dRe * wRe[k] + dIm * wIm[k]
                let oIm = dIm * wRe[k] - dRe * wIm[k]
                zRe[k] = eRe - oIm
                zIm[k] = eIm + oRe
                zRe[j] = eRe + oIm
                zIm[j] = oRe - eIm
            }
        }
        complex.transform(real: zRe, imag: zIm, inverse: true, scratch: scratch + length)
        for n in 0..<m {
            output[2 &* n] = zRe[n]
            output[2 &* n &+ 1] = zIm[n]
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
