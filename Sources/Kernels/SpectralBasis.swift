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
    /// Per bin, what `spectralSynthesis` multiplies this basis's coefficients by to place them in the half
    /// spectrum its unscaled inverse real FFT takes, which gives `X_0 + 2 Σ Re(X_k e^{iθ}) + X_{N/2} (−1)^n`:
    /// a cosine basis's `c_k` enter the real parts as `c_k / 2` (`c_k` at DC and Nyquist), a sine basis's the
    /// imaginary parts as `−c_k / 2` (nothing at DC and Nyquist, where every sine vanishes).
    let synthesisFactors: [Float]
    /// Per bin, what `spectralAnalysis` multiplies its forward FFT's parts by: `X_k = Σ v cos θ − i Σ v sin θ`, so
    /// a cosine basis takes the real parts times `rowScale`, a sine basis the imaginary parts times `−rowScale`.
    let analysisFactors: [Float]

    public var length: Int { window.count }
    public var bins: Int { rowScale.count }

    /// `bins` must be at most `N/2 + 1`.
    public init(trig: Trig, rowScale: [Float], window: [Float]) {
        precondition(rowScale.count <= window.count / 2 + 1, "more bins than a real FFT of this length has")
        self.trig = trig
        self.rowScale = rowScale
        self.window = window
        plan = RealFFTPlan(length: window.count)
        synthesisFactors = rowScale.indices.map { k in
            let edge = k == 0 || 2 * k == window.count
            switch trig {
            case .cosine: return edge ? rowScale[k] : rowScale[k] / 2
            case .sine: return edge ? 0 : -rowScale[k] / 2
            }
        }
        analysisFactors = trig == .cosine ? rowScale : rowScale.map { -$0 }
    }

    /// Scratch floats either kernel needs: per core, one frame, the half spectra (real, imag) of one group of
    /// `vectorWidth` frames and their gathered coefficients, and the FFT's own.
    public var scratchCount: Int { kernelThreadCount * perThreadScratchCount }

    /// Scratch floats one thread of either kernel uses.
    var perThreadScratchCount: Int { length + 3 * vectorWidth * (length / 2 + 1) + plan.scratchCount }

    /// Runs `body` for each batch item in `0 ..< batch`, the items split over the cores, each call given the
    /// frame (`length` floats), half spectra (real, imag) and gathered coefficients (`vectorWidth · (length / 2 +
    /// 1)` floats each) and FFT scratch of the thread it runs on, carved from `scratch`.
    func forEachItem(_ batch: Int, scratch: UnsafeMutablePointer<Float>,
                     _ body: (_ item: Int, _ frame: UnsafeMutablePointer<Float>, _ real: UnsafeMutablePointer<Float>,
                              _ imag: UnsafeMutablePointer<Float>, _ gathered: UnsafeMutablePointer<Float>,
                              _ fftScratch: UnsafeMutablePointer<Float>) -> Void) {
        let perThread = perThreadScratchCount, n = length, spectra = vectorWidth * (n / 2 + 1)
        let base = UncheckedSendable(scratch)
        parallelTasks(batch) { worker, item in
            let frame = base.value + worker * perThread, real = frame + n, imag = real + spectra
            let gathered = imag + spectra
            body(item, frame, real, imag, gathered, gathered + spectra)
        }
    }
}

/// `Conv1d(x, W, stride, padding)` for a spectral basis `W` with one input channel: for each batch item and
/// output frame `f`, `out[b][k][f] = Σ_n W[k][n] · x[b][f · stride − padLeft + n]` (zeros outside `x`). Frames go
/// through the FFT `vectorWidth` at a time, and their bins are transposed in squares (`transposeMatrix`) into the
/// bin-major output.
///
/// `x` is `[batch, inLength]`, `out` is `[batch, bins, frames]`, dense; `scratch` holds
/// `basis.scratchCount` floats. No argument may alias another. Batch items are spread over the cores.
public func spectralAnalysis(_ basis: SpectralBasis, x: UnsafePointer<Float>, batch: Int, inLength: Int,
                             stride: Int, padLeft: Int, frames: Int, out: UnsafeMutablePointer<Float>,
                             scratch: UnsafeMutablePointer<Float>) {
    let n = basis.length, bins = basis.bins, half = n / 2 + 1
    let input = UncheckedSendable(x), output = UncheckedSendable(out)
    basis.forEachItem(batch, scratch: scratch) { b, frame, real, imag, gathered, fftScratch in
        let signal = input.value + b * inLength
        var firstFrame = 0
        while firstFrame < frames {
            let count = min(vectorWidth, frames - firstFrame)
            for f in 0..<count {
                let start = (firstFrame + f) * stride - padLeft, from = max(0, -start)
                let to = max(from, min(n, inLength - start))
                frame.update(repeating: 0, count: from)
                multiply(signal + start + from, basis.window, offset: from, into: frame + from, count: to - from,
                         adding: false)
                (frame + to).update(repeating: 0, count: n - to)
                basis.plan.forward(frame, real: real + f * half, imag: imag + f * half, scratch: fftScratch)
                let parts = basis.trig == .cosine ? real : imag
                multiply(parts + f * half, basis.analysisFactors, into: gathered + f * half, count: bins, adding: false)
            }
            // Frame-major rows back to the bin-major output.
            transposeMatrix(gathered, rowStride: half, rows: count, columns: bins,
                            into: output.value + b * bins * frames + firstFrame, rowStride: frames)
            firstFrame += count
        }
    }
}

/// The sum of `ConvTranspose1d(z[i], W[i], stride, padding)` over spectral bases `W[i]` that share one window,
/// each with one output channel: every input frame `f` adds `Σ_i Σ_k z[i][b][k][f] · W[i][k][n]` at output position
/// `f · stride − padLeft + n` (positions outside the output are dropped). The bases' coefficients are gathered
/// into one half spectrum per frame, so the whole sum costs one inverse FFT a frame. Frames are gathered
/// `vectorWidth` at a time, their bins transposed in squares (`transposeMatrix`) from the bin-major inputs. `out`
/// is overwritten.
///
/// Each `z[i]` is `[batch, bases[i].bins, frames]`, dense, or with its batch items `itemStride` floats apart when
/// given (spectra stacked in one tensor); `out` is `[batch, outLength]`, dense; `scratch` holds
/// `bases[0].scratchCount` floats. No argument may alias another. Batch items are spread over the cores.
public func spectralSynthesis(_ bases: [SpectralBasis], z: [UnsafePointer<Float>], itemStride: Int? = nil,
                              batch: Int, frames: Int,
                              stride: Int, padLeft: Int, outLength: Int, out: UnsafeMutablePointer<Float>,
                              scratch: UnsafeMutablePointer<Float>) {
    precondition(!bases.isEmpty && bases.count == z.count, "one input per basis")
    let first = bases[0], n = first.length, half = n / 2 + 1
    precondition(bases.allSatisfy { $0.window == first.window }, "bases with different windows")
    let inputs = UncheckedSendable(z), output = UncheckedSendable(out)
    first.forEachItem(batch, scratch: scratch) { b, frame, real, imag, gathered, fftScratch in
        let signal = output.value + b * outLength
        signal.update(repeating: 0, count: outLength)
        var firstFrame = 0
        while firstFrame < frames {
            let count = min(vectorWidth, frames - firstFrame)
            // The first basis of each part (real, imaginary) writes its products, later ones add theirs.
            var written = (real: false, imag: false)
            for (basis, z) in zip(bases, inputs.value) {
                // The group's frames of the bin-major input as rows of bins.
                transposeMatrix(z + b * (itemStride ?? basis.bins * frames) + firstFrame, rowStride: frames,
                                rows: basis.bins, columns: count, into: gathered, rowStride: half)
                let cosine = basis.trig == .cosine, target = cosine ? real : imag
                let adding = cosine ? written.real : written.imag
                for f in 0..<count {
                    let row = target + f * half
                    multiply(gathered + f * half, basis.synthesisFactors, into: row, count: basis.bins, adding: adding)
                    if !adding { (row + basis.bins).update(repeating: 0, count: half - basis.bins) }
                }
                if cosine { written.real = true } else { written.imag = true }
            }
            if !written.real { real.update(repeating: 0, count: count * half) }
            if !written.imag { imag.update(repeating: 0, count: count * half) }
            for f in 0..<count {
                first.plan.inverse(real: real + f * half, imag: imag + f * half, output: frame, scratch: fftScratch)
                let start = (firstFrame + f) * stride - padLeft, from = max(0, -start)
                multiply(frame + from, first.window, offset: from, into: signal + start + from,
                         count: max(0, min(n, outLength - start) - from), adding: true)
            }
            firstFrame += count
        }
    }
}

/// `y[k] = a[offset + k] · x[k]`, or `y[k] += a[offset + k] · x[k]` when `adding`, for `k < count`.
private func multiply(_ x: UnsafePointer<Float>, _ a: [Float], offset: Int = 0, into y: UnsafeMutablePointer<Float>,
                      count: Int, adding: Bool) {
    a.withUnsafeBufferPointer { a in
        let factors = a.baseAddress! + offset
        forEachLane(count) { k, lanes in
            let product = lanes.load(factors + k) * lanes.load(x + k)
            lanes.store(adding ? product + lanes.load(y + k) : product, to: y + k)
        }
    }
}
