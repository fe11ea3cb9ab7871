/// A discrete Fourier transform of one length with ONNX `DFT`'s conventions, applied to one line of values at a
/// time; immutable, `Sendable`, usable from several threads at once as long as each call has its own scratch.
///
/// Values are real (one float each) or complex (two adjacent floats: real, imaginary). With `N = length`:
/// - forward: `X_k = Σ_{n<N} x_n e^{−2πi kn / N}` (numpy's `fft`), `N` complex outputs, or with `onesided` only
///   bins `0 ... N/2` (numpy's `rfft` for real input; the first `N/2 + 1` bins of the full DFT for complex input);
/// - inverse: `x_n = (1/N) Σ_{k<N} X_k e^{+2πi kn / N}` (numpy's `ifft`), `N` complex outputs, or with `onesided`
///   the input is bins `0 ... N/2` of a Hermitian spectrum and the output is `N` real values (numpy's `irfft`:
///   the imaginary parts of bin 0, and of bin N/2 for even N, are ignored).
///
/// An input line with fewer values than `inputCount` is zero-padded, a longer one truncated (ONNX `dft_length`).
/// Real-input one-sided transforms and `irfft` run on a `RealFFTPlan`, the others on an `FFTPlan`.
public struct FourierTransform: Sendable {
    /// The DFT length `N`.
    public let length: Int
    /// True when input values are complex.
    public let complexInput: Bool
    public let inverse: Bool
    public let onesided: Bool
    private let plan: Plan

    private enum Plan: Sendable {
        case complex(FFTPlan)
        case real(RealFFTPlan)
    }

    public init(length: Int, complexInput: Bool, inverse: Bool, onesided: Bool) {
        precondition(length >= 1, "DFT length must be at least 1")
        self.length = length
        self.complexInput = complexInput
        self.inverse = inverse
        self.onesided = onesided
        let real = onesided && (inverse || !complexInput)
        plan = real ? .real(RealFFTPlan(length: length)) : .complex(FFTPlan(length: length))
    }

    /// Floats per input value: 2 when complex, else 1.
    public var inputComponents: Int { complexInput ? 2 : 1 }
    /// Floats per output value: 1 for a one-sided inverse (real output), else 2.
    public var outputComponents: Int { layout.components }
    /// Input values a line contributes: `N/2 + 1` bins for a one-sided inverse, else `N`.
    public var inputCount: Int { inverse && onesided ? length / 2 + 1 : length }
    /// Output values per line: `N/2 + 1` bins for a one-sided forward transform, else `N`.
    public var outputCount: Int { layout.count }

    /// `outputCount` and `outputComponents` of a transform, known before its plan is made (so that a caller can
    /// check the output's size first when the length comes from a file).
    public static func outputLayout(length: Int, inverse: Bool, onesided: Bool) -> (count: Int, components: Int) {
        (onesided && !inverse ? length / 2 + 1 : length, inverse && onesided ? 1 : 2)
    }

    private var layout: (count: Int, components: Int) {
        Self.outputLayout(length: length, inverse: inverse, onesided: onesided)
    }

    /// Floats of scratch `transform` uses: two lines of `N + 1` floats and the FFT's own.
    public var scratchCount: Int {
        let fftScratch = switch plan {
        case .complex(let fft): fft.scratchCount
        case .real(let fft): fft.scratchCount
        }
        return 2 * length + 2 + fftScratch
    }

    /// Transforms one line. Reads `min(available, inputCount)` values, value `i` at `input + i · inputStride`
    /// (`inputComponents` adjacent floats), each multiplied by `window[i]` when a window is given (the frames of
    /// an STFT); the rest of the line is zero. Writes `outputCount` values, value `k` at
    /// `output + k · outputStride` (`outputComponents` adjacent floats).
    ///
    /// `scratch` holds `scratchCount` floats; it and `output` overlap nothing else.
    public func transform(_ input: UnsafePointer<Float>, available: Int, inputStride: Int,
                          window: UnsafePointer<Float>? = nil, output: UnsafeMutablePointer<Float>,
                          outputStride: Int, scratch: UnsafeMutablePointer<Float>) {
        let n = length, count = min(available, inputCount)
        let a = scratch, b = scratch + n, fftScratch = scratch + 2 * n + 2
        /// Reads part `part` (0 real, 1 imaginary) of input value `i`, windowed.
        @inline(__always) func value(_ i: Int, _ part: Int) -> Float {
            guard part < inputComponents else { return 0 }
            let v = input[i * inputStride + part]
            return window.map { $0[i] * v } ?? v
        }
        switch plan {
        case .complex(let fft):
            for i in 0..<count { (a[i], b[i]) = (value(i, 0), value(i, 1)) }
            (a + count).update(repeating: 0, count: n - count)
            (b + count).update(repeating: 0, count: n - count)
            fft.transform(real: a, imag: b, inverse: inverse, scratch: fftScratch)
            let scale: Float = inverse ? Float(1 / Double(n)) : 1
            for k in 0..<outputCount {
                output[k * outputStride] = a[k] * scale
                output[k * outputStride + 1] = b[k] * scale
            }
        case .real(let fft):
            let half = n / 2 + 1, re = b, im = b + half
            if inverse {
                for k in 0..<count { (re[k], im[k]) = (value(k, 0), value(k, 1)) }
                (re + count).update(repeating: 0, count: half - count)
                (im + count).update(repeating: 0, count: half - count)
                fft.inverse(real: re, imag: im, output: a, scratch: fftScratch)
                let scale = Float(1 / Double(n))
                for i in 0..<n { output[i * outputStride] = a[i] * scale }
            } else {
                for i in 0..<count { a[i] = value(i, 0) }
                (a + count).update(repeating: 0, count: n - count)
                fft.forward(a, real: re, imag: im, scratch: fftScratch)
                for k in 0..<half {
                    output[k * outputStride] = re[k]
                    output[k * outputStride + 1] = im[k]
                }
            }
        }
    }
}
