import Foundation

/// A forward complex FFT of any length `n` as a circular convolution (Bluestein's chirp-z algorithm): with the
/// chirp `b_j = e^{πi j² / n}`, `X_k = conj(b_k) · Σ_j (x_j · conj(b_j)) · b_{k−j}`, and the sum is a
/// convolution of length `size ≥ 2n − 1` (a power of two) done with two FFTs of that size.
struct FFTBluestein: Sendable {
    let length: Int
    /// The power-of-two convolution plan.
    let inner: FFTStockham
    /// `conj(b_j)` for `j < length`: real parts, then imaginary parts.
    let chirp: [Float]
    /// The spectrum of the convolution kernel (`b_j` at `j` and at `size − j`), divided by `size` so that the
    /// unscaled inverse FFT finishes the convolution: real parts, then imaginary parts.
    let kernel: [Float]

    init(length n: Int) {
        var size = 1
        while size < 2 * n - 1 { size *= 2 }
        let inner = FFTStockham(length: size)!
        var chirp = [Float](repeating: 0, count: 2 * n)
        var kernel = [Float](repeating: 0, count: 2 * size)
        for j in 0..<n {
            // j² mod 2n keeps the angle exact for large j.
            let angle = Double.pi * Double(j * j % (2 * n)) / Double(n)
            let (re, im) = (Float(cos(angle)), Float(sin(angle)))
            chirp[j] = re
            chirp[n + j] = -im
            kernel[j] = re / Float(size)
            kernel[size + j] = im / Float(size)
            if j > 0 {
                kernel[size - j] = re / Float(size)
                kernel[2 * size - j] = im / Float(size)
            }
        }
        kernel.withUnsafeMutableBufferPointer { k in
            let spectrum = SplitPointer(re: k.baseAddress!, im: k.baseAddress! + size)
            withFFTScratch(inner.scratchCount) { scratch in
                inner.transform(spectrum, scratch: SplitPointer(re: scratch, im: scratch + size))
            }
        }
        self.length = n
        self.inner = inner
        self.chirp = chirp
        self.kernel = kernel
    }

    /// The convolution length: the smallest power of two ≥ `2 · length − 1`.
    var size: Int { inner.passes[0].length }

    /// Floats of scratch `transform` needs: the padded sequence and the inner plan's scratch.
    var scratchCount: Int { 2 * size + inner.scratchCount }

    /// Forward transform of `data` (`length` elements) in place.
    func transform(_ data: SplitPointer, scratch: UnsafeMutablePointer<Float>) {
        let n = length, size = size
        let padded = SplitPointer(re: scratch, im: scratch + size)
        chirp.withUnsafeBufferPointer { c in
            let chirp = SplitPointer(re: UnsafeMutablePointer(mutating: c.baseAddress!),
                                     im: UnsafeMutablePointer(mutating: c.baseAddress! + n))
            multiply(data, chirp, into: padded, count: n)
            padded.re.advanced(by: n).update(repeating: 0, count: size - n)
            padded.im.advanced(by: n).update(repeating: 0, count: size - n)
            let spare = scratch + 2 * size
            inner.transform(padded, scratch: SplitPointer(re: spare, im: spare + size))
            kernel.withUnsafeBufferPointer { k in
                let kernel = SplitPointer(re: UnsafeMutablePointer(mutating: k.baseAddress!),
                                          im: UnsafeMutablePointer(mutating: k.baseAddress! + size))
                multiply(padded, kernel, into: padded, count: size)
            }
            // Unscaled inverse = forward with real and imaginary parts swapped on the way in and out.
            inner.transform(SplitPointer(re: padded.im, im: padded.re),
                            scratch: SplitPointer(re: spare + size, im: spare))
            multiply(padded, chirp, into: data, count: n)
        }
    }

    /// `out[i] = a[i] · b[i]`; `out` may alias `a`.
    private func multiply(_ a: SplitPointer, _ b: SplitPointer, into out: SplitPointer, count: Int) {
        for i in 0..<count {
            let ar = a.re[i], ai = a.im[i], br = b.re[i], bi = b.im[i]
            out.re[i] = ar * br - ai * bi
            out.im[i] = ar * bi + ai * br
        }
    }
}
