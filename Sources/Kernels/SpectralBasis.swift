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

    /// Scratch floats either kernel needs: per core, what `perThreadScratchCount` says.
    public var scratchCount: Int { kernelThreadCount * perThreadScratchCount }

    /// Scratch floats one thread of either kernel uses: for FFTs in lanes (`RealFFTPlan.runsInLanes`), one group of
    /// `vectorWidth` frames as lanes (`length + 2` vectors) and the FFT's scratch, which also holds the group's
    /// frames one after another (`frameStride` apart); otherwise one frame, the half spectra (real, imag) of one
    /// group of frames and their gathered coefficients (`vectorWidth · (length / 2 + 1)` floats each), and the
    /// FFT's scratch.
    var perThreadScratchCount: Int {
        plan.runsInLanes ? (length + 2) * vectorWidth + max(plan.laneScratchCount, vectorWidth * frameStride)
            : length + 3 * vectorWidth * (length / 2 + 1) + plan.scratchCount
    }

    /// Floats from one frame to the next where a group's frames lie one after another (FFTs in lanes): one
    /// vector more than a frame, so that the rows of a transposed square fall in different cache sets.
    var frameStride: Int { length + vectorWidth }

    /// Runs `body(item, scratch)` for each batch item in `0 ..< batch`, the items split over the cores, each call
    /// given the `perThreadScratchCount` floats of the thread it runs on, carved from `scratch`.
    func forEachItem(_ batch: Int, scratch: UnsafeMutablePointer<Float>,
                     _ body: (_ item: Int, _ scratch: UnsafeMutablePointer<Float>) -> Void) {
        let perThread = perThreadScratchCount, base = UncheckedSendable(scratch)
        parallelTasks(batch) { worker, item in body(item, base.value + worker * perThread) }
    }
}

/// `Conv1d(x, W, stride, padding)` for spectral bases `W` with one input channel that share one window (an STFT's
/// cosine and sine halves), stacked: for each batch item, basis `i` and output frame `f` in `frames`,
/// `out[b][i][k][f − frames.lowerBound] = Σ_n W_i[k][n] · x[b][f · stride − padLeft + n]` (zeros outside `x`).
/// Each frame's FFT is computed once for all the bases. Frames go through the FFT `vectorWidth` at a time: as the
/// lanes of one batched FFT where the plan runs in lanes (`RealFFTPlan.forwardLanes`; its bins come out
/// bin-major, as the output is), else one by one, their bins transposed in squares (`transposeMatrix`) into the
/// bin-major output.
///
/// `x` is `[batch, inLength]`, `out` is `[batch, bases.count, bins, frames.count]`, dense; the bases have one window
/// and one bin count; `scratch` holds `bases[0].scratchCount` floats. No argument may alias another. Batch items
/// are spread over the cores.
public func spectralAnalysis(_ bases: [SpectralBasis], x: UnsafePointer<Float>, batch: Int, inLength: Int,
                             stride: Int, padLeft: Int, frames: Range<Int>, out: UnsafeMutablePointer<Float>,
                             scratch: UnsafeMutablePointer<Float>) {
    precondition(!bases.isEmpty && bases.allSatisfy { $0.window == bases[0].window && $0.bins == bases[0].bins },
                 "stacked analyses share one window and bin count")
    let basis = bases[0], n = basis.length, bins = basis.bins, half = n / 2 + 1, vw = vectorWidth
    let frameCount = frames.count
    let input = UncheckedSendable(x), output = UncheckedSendable(out)
    basis.forEachItem(batch, scratch: scratch) { b, scratch in
        let signal = input.value + b * inLength
        /// Where basis `i`'s spectra of this item start.
        func spectra(_ i: Int) -> UnsafeMutablePointer<Float> { output.value + (b * bases.count + i) * bins * frameCount }
        /// Writes frame `f` times the window to `frame` (`n` floats, zeros where it reaches outside `x`).
        func windowed(_ f: Int, into frame: UnsafeMutablePointer<Float>) {
            let start = f * stride - padLeft, from = max(0, -start), to = max(from, min(n, inLength - start))
            frame.update(repeating: 0, count: from)
            multiply(signal + start + from, basis.window, offset: from, into: frame + from, count: to - from,
                     adding: false)
            (frame + to).update(repeating: 0, count: n - to)
        }
        var firstFrame = frames.lowerBound
        while firstFrame < frames.upperBound {
            let count = min(vw, frames.upperBound - firstFrame), column = firstFrame - frames.lowerBound
            if basis.plan.runsInLanes {
                // The group's frames one after another in the FFT's scratch (zeros for missing ones), then as lanes.
                let lines = scratch, rows = scratch + (n + 2) * vw, rowStride = basis.frameStride
                for f in 0..<vw {
                    if f < count { windowed(firstFrame + f, into: rows + f * rowStride) } else {
                        (rows + f * rowStride).update(repeating: 0, count: n)
                    }
                }
                transposeMatrix(rows, rowStride: rowStride, rows: vw, columns: n, into: lines, rowStride: vw)
                basis.plan.forwardLanes(lines, scratch: rows)
                let lanes = VectorLanes(count: count)
                for (i, each) in bases.enumerated() {
                    let parts = lines + (each.trig == .cosine ? 0 : vw), to = spectra(i) + column
                    for k in 0..<bins {
                        let value = FloatVector(repeating: each.analysisFactors[k]) * lanes.load(parts + 2 * k * vw)
                        lanes.store(value, to: to + k * frameCount)
                    }
                }
            } else {
                let frame = scratch, real = frame + n, imag = real + vw * half, gathered = imag + vw * half
                for f in 0..<count {
                    windowed(firstFrame + f, into: frame)
                    basis.plan.forward(frame, real: real + f * half, imag: imag + f * half,
                                       scratch: gathered + vw * half)
                }
                for (i, each) in bases.enumerated() {
                    let parts = each.trig == .cosine ? real : imag
                    for f in 0..<count {
                        multiply(parts + f * half, each.analysisFactors, into: gathered + f * half, count: bins,
                                 adding: false)
                    }
                    // Frame-major rows back to the bin-major output.
                    transposeMatrix(gathered, rowStride: half, rows: count, columns: bins, into: spectra(i) + column,
                                    rowStride: frameCount)
                }
            }
            firstFrame += count
        }
    }
}

/// The sum of `ConvTranspose1d(z[i], W[i], stride, padding)` over spectral bases `W[i]` that share one window,
/// each with one output channel: every input frame `f` adds `Σ_i Σ_k z[i][b][k][f] · W[i][k][n]` at output position
/// `f · stride − padLeft + n` (positions outside the output are dropped). The bases' coefficients are gathered
/// into one half spectrum per frame, so the whole sum costs one inverse FFT a frame. Frames go `vectorWidth` at a
/// time: as the lanes of one batched FFT where the plan runs in lanes (`RealFFTPlan.inverseLanes`, which takes
/// the bin-major inputs as they lie), the group's samples then transposed in squares (`transposeMatrix`) into
/// frames; else their bins transposed from the bin-major inputs and one FFT a frame. `out` is overwritten.
///
/// Each `z[i]` is `[batch, bases[i].bins, frames]`, dense, or with its batch items `itemStride` floats apart when
/// given (spectra stacked in one tensor); `out` is `[batch, outLength]`, dense; `scratch` holds
/// `bases[0].scratchCount` floats. No argument may alias another. Batch items are spread over the cores.
public func spectralSynthesis(_ bases: [SpectralBasis], z: [UnsafePointer<Float>], itemStride: Int? = nil,
                              batch: Int, frames: Int,
                              stride: Int, padLeft: Int, outLength: Int, out: UnsafeMutablePointer<Float>,
                              scratch: UnsafeMutablePointer<Float>) {
    precondition(!bases.isEmpty && bases.count == z.count, "one input per basis")
    let first = bases[0], n = first.length, half = n / 2 + 1, vw = vectorWidth
    precondition(bases.allSatisfy { $0.window == first.window }, "bases with different windows")
    let inputs = UncheckedSendable(z), output = UncheckedSendable(out)
    first.forEachItem(batch, scratch: scratch) { b, scratch in
        let signal = output.value + b * outLength
        signal.update(repeating: 0, count: outLength)
        /// Adds `frame` (`n` samples) times the window into the output at frame `f`'s place.
        func overlapAdd(_ frame: UnsafePointer<Float>, _ f: Int) {
            let start = f * stride - padLeft, from = max(0, -start)
            multiply(frame + from, first.window, offset: from, into: signal + start + from,
                     count: max(0, min(n, outLength - start) - from), adding: true)
        }
        var firstFrame = 0
        while firstFrame < frames {
            let count = min(vw, frames - firstFrame)
            if first.plan.runsInLanes {
                // Bin k's real parts (one frame per lane) at lines + 2k · vw, its imaginary parts after them.
                let lines = scratch, fftScratch = scratch + (n + 2) * vw
                let lanes = VectorLanes(count: count), whole = VectorLanes(count: vw)
                // The first basis of each part (real, imaginary) writes its products, later ones add theirs.
                var written = (real: false, imag: false)
                for (basis, z) in zip(bases, inputs.value) {
                    let cosine = basis.trig == .cosine, adding = cosine ? written.real : written.imag
                    let parts = lines + (cosine ? 0 : vw)
                    let source = z + b * (itemStride ?? basis.bins * frames) + firstFrame
                    for k in 0..<half {
                        let row = parts + 2 * k * vw
                        let value = k < basis.bins
                            ? FloatVector(repeating: basis.synthesisFactors[k]) * lanes.load(source + k * frames)
                            : FloatVector()
                        whole.store(adding ? value + whole.load(row) : value, to: row)
                    }
                    if cosine { written.real = true } else { written.imag = true }
                }
                for (part, done) in [(0, written.real), (vw, written.imag)] where !done {
                    for k in 0..<half { (lines + part + 2 * k * vw).update(repeating: 0, count: vw) }
                }
                first.plan.inverseLanes(lines, scratch: fftScratch)
                let rowStride = first.frameStride
                transposeMatrix(lines, rowStride: vw, rows: n, columns: count, into: fftScratch, rowStride: rowStride)
                for f in 0..<count { overlapAdd(fftScratch + f * rowStride, firstFrame + f) }
            } else {
                let frame = scratch, real = frame + n, imag = real + vw * half, gathered = imag + vw * half
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
                        multiply(gathered + f * half, basis.synthesisFactors, into: row, count: basis.bins,
                                 adding: adding)
                        if !adding { (row + basis.bins).update(repeating: 0, count: half - basis.bins) }
                    }
                    if cosine { written.real = true } else { written.imag = true }
                }
                if !written.real { real.update(repeating: 0, count: count * half) }
                if !written.imag { imag.update(repeating: 0, count: count * half) }
                for f in 0..<count {
                    first.plan.inverse(real: real + f * half, imag: imag + f * half, output: frame,
                                       scratch: gathered + vw * half)
                    overlapAdd(frame, firstFrame + f)
                }
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
