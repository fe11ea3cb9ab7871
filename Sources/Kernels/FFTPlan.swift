/// A precomputed complex FFT of one length: immutable, `Sendable`, and usable from several threads at once as
/// long as each call has its own scratch.
///
/// Any length ≥ 1 works. Lengths whose prime factors are 2, 3 and 5 run as radix-4/2/3/5 Stockham passes
/// (`O(n log n)`, vectorised); others run Bluestein's algorithm on a power-of-two FFT of size
/// `≥ 2 · length − 1`. Twiddles are computed in double precision and stored as floats.
public final class FFTPlan: Sendable {
    /// The number of complex points.
    public let length: Int
    private let algorithm: Algorithm

    private enum Algorithm: Sendable {
        case stockham(FFTStockham)
        case bluestein(FFTBluestein)
    }

    public init(length: Int) {
        precondition(length >= 1, "FFT length must be at least 1")
        self.length = length
        if let stockham = FFTStockham(length: length) {
            algorithm = .stockham(stockham)
        } else {
            algorithm = .bluestein(FFTBluestein(length: length))
        }
    }

    /// The Stockham passes, for lengths whose prime factors are 2, 3 and 5; nil for others.
    var stockham: FFTStockham? {
        if case .stockham(let plan) = algorithm { return plan }
        return nil
    }

    /// Floats of scratch `transform` uses: at most `2 · length` for 2-3-5-smooth lengths, about
    /// `16 · length` for others.
    public var scratchCount: Int {
        switch algorithm {
        case .stockham(let plan): plan.scratchCount
        case .bluestein(let plan): plan.scratchCount
        }
    }

    /// The discrete Fourier transform of the `length` complex values `real[i] + i · imag[i]`, in place.
    ///
    /// Forward: `X_k = Σ_n x_n e^{−2πi kn / N}` (numpy's `fft`). Inverse: `x_n = Σ_k X_k e^{+2πi kn / N}`,
    /// **unscaled** — numpy's `ifft` times `N`. `real` and `imag` must not overlap. `scratch` holds at least
    /// `scratchCount` floats that no argument overlaps; when nil, the call allocates its own.
    public func transform(real: UnsafeMutablePointer<Float>, imag: UnsafeMutablePointer<Float>, inverse: Bool,
                          scratch: UnsafeMutablePointer<Float>? = nil) {
        // The unscaled inverse is the forward transform with real and imaginary parts swapped in and out.
        let data = inverse ? SplitPointer(re: imag, im: real) : SplitPointer(re: real, im: imag)
        withFFTScratch(scratchCount, scratch) { scratch in
            switch algorithm {
            case .stockham(let plan):
                plan.transform(data, scratch: SplitPointer(re: scratch, im: scratch + length))
            case .bluestein(let plan):
                plan.transform(data, scratch: scratch)
            }
        }
    }
}

/// Calls `body` with `provided`, or with `count` floats of temporary storage when `provided` is nil.
@inline(__always)
func withFFTScratch<R>(_ count: Int, _ provided: UnsafeMutablePointer<Float>? = nil,
                       _ body: (UnsafeMutablePointer<Float>) -> R) -> R {
    if let provided { return body(provided) }
    return withUnsafeTemporaryAllocation(of: Float.self, capacity: max(count, 1)) { body($0.baseAddress!) }
}
