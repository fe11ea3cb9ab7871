/// The weights of a convolution that computes a windowed DFT, in factored form:
/// `W[k][n] = rowScale[k] · window[n] · trig(2π · (k·n mod N) / N)` for `k < bins`, `n < N`, with `trig` cosine
/// or sine. The STFT (`Conv1d`) and iSTFT (`ConvTranspose1d`) that ONNX exports of HT-Demucs spell out as
/// dense convolutions have weights of this form; `spectralAnalysis` / `spectralSynthesis` compute those
/// convolutions exactly with FFTs instead of `bins × N` multiply-adds per frame.
public struct SpectralBasis: Sendable {
    public enum Trig: Sendable { case cosine, sine }

    public let trig: Trig
    public let rowScale: [Float]
    public let window: [Float]
    public let plan: RealFFTPlan

    public var length: Int { window.count }
    public var bins: Int { rowScale.count }

    /// `bins` must be at most `N/2 + 1`.
    public init(trig: Trig, rowScale: [Float], window: [Float]) {
        precondition(rowScale.count <= window.count / 2 + 1, "more bins than a real FFT of this length has")
        self.trig = trig
        self.rowScale = rowScale
        self.window = window
        plan = RealFFTPlan(length: window.count)
    }

    /// Scratch floats either kernel needs: per core, one frame, one half spectrum, and the FFT's own.
    public var scratchCount: Int { kernelThreadCount * perThreadScratchCount }

    /// Scratch floats one thread of either kernel uses.
    var perThreadScratchCount: Int { length + 2 * (length / 2 + 1) + plan.scratchCount }

    /// Runs `body` for each batch item in `0 ..< batch`, the items split over the cores, each call given the
    /// frame, half spectrum (real, imag) and FFT scratch of the thread it runs on, carved from `scratch`.
    func forEachItem(_ batch: Int, scratch: UnsafeMutablePointer<Float>,
                     _ body: (_ item: Int, _ frame: UnsafeMutablePointer<Float>, _ real: UnsafeMutablePointer<Float>,
                              _ imag: UnsafeMutablePointer<Float>, _ fftScratch: UnsafeMutablePointer<Float>) -> Void) {
        let perThread = perThreadScratchCount, n = length, half = n / 2 + 1
        let base = UncheckedSendable(scratch)
        parallelTasks(batch) { worker, item in
            let frame = base.value + worker * perThread, real = frame + n, imag = real + half
            body(item, frame, real, imag, imag + half)
        }
    }
}

/// `Conv1d(x, W, stride, padding)` for a spectral basis `W` with one input channel: for each batch item and
/// output frame `f`, `out[b][k][f] = Σ_n W[k][n] · x[b][f · stride − padLeft + n]` (zeros outside `x`).
///
/// `x` is `[batch, inLength]`, `out` is `[batch, bins, frames]`, dense; `scratch` holds
/// `basis.scratchCount` floats. No argument may alias another. Batch items are spread over the cores.
public func spectralAnalysis(_ basis: SpectralBasis, x: UnsafePointer<Float>, batch: Int, inLength: Int,
                             stride: Int, padLeft: Int, frames: Int, out: UnsafeMutablePointer<Float>,
                             scratch: UnsafeMutablePointer<Float>) {
    let n = basis.length, bins = basis.bins
    let input = UncheckedSendable(x), output = UncheckedSendable(out)
    basis.forEachItem(batch, scratch: scratch) { b, frame, real, imag, fftScratch in
        let signal = input.value + b * inLength
        for f in 0..<frames {
            let start = f * stride - padLeft
            for i in 0..<n {
                let t = start + i
                frame[i] = t >= 0 && t < inLength ? basis.window[i] * signal[t] : 0
            }
            basis.plan.forward(frame, real: real, imag: imag, scratch: fftScratch)
            // X_k = Σ v cos θ − i Σ v sin θ.
            let column = output.value + b * bins * frames + f
            switch basis.trig {
            case .cosine:
                for k in 0..<bins { column[k * frames] = basis.rowScale[k] * real[k] }
            case .sine:
                for k in 0..<bins { column[k * frames] = -basis.rowScale[k] * imag[k] }
            }
        }
    }
}

/// The sum of `ConvTranspose1d(z[i], W[i], stride, padding)` over spectral bases `W[i]` that share one window,
/// each with one output channel: every input frame `f` adds `Σ_i Σ_k z[i][b][k][f] · W[i][k][n]` at output position
/// `f · stride − padLeft + n` (positions outside the output are dropped). The bases' coefficients are gathered
/// into one half spectrum per frame, so the whole sum costs one inverse FFT a frame. `out` is overwritten.
///
/// Each `z[i]` is `[batch, bases[i].bins, frames]`, `out` is `[batch, outLength]`, dense; `scratch` holds
/// `bases[0].scratchCount` floats. No argument may alias another. Batch items are spread over the cores.
public func spectralSynthesis(_ bases: [SpectralBasis], z: [UnsafePointer<Float>], batch: Int, frames: Int,
                              stride: Int, padLeft: Int, outLength: Int, out: UnsafeMutablePointer<Float>,
                              scratch: UnsafeMutablePointer<Float>) {
    precondition(!bases.isEmpty && bases.count == z.count, "one input per basis")
    let first = bases[0], n = first.length, half = n / 2 + 1
    precondition(bases.allSatisfy { $0.window == first.window }, "bases with different windows")
    let inputs = UncheckedSendable(z), output = UncheckedSendable(out)
    first.forEachItem(batch, scratch: scratch) { b, frame, real, imag, fftScratch in
        let signal = output.value + b * outLength
        signal.update(repeating: 0, count: outLength)
        for f in 0..<frames {
            // The unscaled inverse real FFT gives X_0 + 2 Σ Re(X_k e^{iθ}) + X_{N/2} (−1)^n, so
            // Σ c_k cos θ needs X_k = c_k / 2 inside and c_k at DC and Nyquist, Σ c_k sin θ needs X_k = −i c_k / 2.
            real.update(repeating: 0, count: half)
            imag.update(repeating: 0, count: half)
            for (basis, z) in zip(bases, inputs.value) {
                let column = z + b * basis.bins * frames + f
                for k in 0..<basis.bins {
                    let c = basis.rowScale[k] * column[k * frames]
                    let edge = k == 0 || 2 * k == n
                    switch basis.trig {
                    case .cosine: real[k] += edge ? c : c / 2
                    case .sine: if !edge { imag[k] -= c / 2 }
                    }
                }
            }
            first.plan.inverse(real: real, imag: imag, output: frame, scratch: fftScratch)
            let start = f * stride - padLeft
            for i in max(0, -start)..<min(n, outLength - start) {
                signal[start + i] += first.window[i] * frame[i]
            }
        }
    }
}
