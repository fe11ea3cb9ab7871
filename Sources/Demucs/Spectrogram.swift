import Foundation
import Kernels

/// HT-Demucs's spectrogram of one segment, in the complex-as-channels layout the network reads and writes:
/// demucs 4.0.1's `_magnitude(_spec(x))` and `_ispec(_mask(z, m), length)` with `cac = True`.
///
/// `_spec` reflect-pads the signal by `3·hop/2` on the left and up to a whole number of hops plus `3·hop/2` on
/// the right, takes `spectro` (`torch.stft` with a periodic Hann window of `n_fft`, `hop = n_fft / 4`,
/// `normalized`, `center` with reflect padding), drops the Nyquist bin and keeps frames `2 ..< 2 + frames`, with
/// `frames = ⌈length / hop⌉`. `_ispec` puts back a zero Nyquist bin and two zero frames on each side, runs
/// `ispectro` (`torch.istft`: windowed overlap-add divided by the summed squared window) to
/// `frames · hop + 3·hop` samples and keeps `length` of them from `3·hop/2`.
///
/// A complex-as-channels spectrum of `k` complex channels is `[k, 2, bins, frames]` floats: for each channel its
/// real parts, then its imaginary parts (`_magnitude` moves the complex axis next to the channels; `_mask` with
/// `cac` only moves it back). The transforms run on `Kernels`' `FourierTransform`.
public struct Spectrogram: Sendable {
    /// `n_fft`.
    public let fftSize: Int
    /// Samples per channel of the segment.
    public let length: Int
    /// `⌈length / hop⌉`.
    public let frames: Int
    /// `n_fft / 4`.
    public var hop: Int { fftSize / 4 }
    /// Frequency bins kept: `n_fft / 2` (the Nyquist bin is dropped).
    public var bins: Int { fftSize / 2 }

    private let window: [Float]
    private let forward: FourierTransform
    private let inverse: FourierTransform
    /// For each sample of the padded signal the kept frames read, the segment sample it copies.
    private let analysisSource: [Int]
    /// `1 / Σ window²` of `ispectro`'s overlap-add, at each kept output sample.
    private let inverseEnvelope: [Float]

    /// Nil unless `fftSize` is a positive multiple of 4 and `length` exceeds `_spec`'s right reflect padding,
    /// `3·hop/2 + frames · hop − length` (shorter segments take `pad1d`'s zero-padding fallback, not ported).
    public init?(fftSize: Int, length: Int) {
        guard fftSize > 0 && fftSize % 4 == 0 else { return nil }
        let hop = fftSize / 4, pad = hop / 2 * 3
        let frames = (length + hop - 1) / hop
        let paddedLength = frames * hop + 2 * pad
        guard pad + frames * hop - length < length && fftSize / 2 < paddedLength else { return nil }
        self.fftSize = fftSize
        self.length = length
        self.frames = frames
        window = (0..<fftSize).map { Float(0.5 - 0.5 * cos(2 * Double.pi * Double($0) / Double(fftSize))) }
        forward = FourierTransform(length: fftSize, complexInput: false, inverse: false, onesided: true)
        inverse = FourierTransform(length: fftSize, complexInput: true, inverse: true, onesided: true)

        // torch's reflect padding: −i before the start, 2(n − 1) − i past the end.
        func reflect(_ i: Int, _ n: Int) -> Int { i < 0 ? -i : i >= n ? 2 * (n - 1) - i : i }
        // Kept frame f starts at (f + 2) · hop in the centre-padded signal, whose sample i is sample
        // i − n_fft/2 of the `_spec`-padded one, whose sample j is segment sample j − pad.
        analysisSource = (0..<((frames - 1) * hop + fftSize)).map { s in
            reflect(reflect(2 * hop + s - fftSize / 2, paddedLength) - pad, length)
        }
        // The overlap-add runs over frames + 4 frames; output sample t sits at n_fft/2 + pad + t.
        var envelope = [Double](repeating: 0, count: (frames + 3) * hop + fftSize)
        for f in 0..<(frames + 4) {
            for n in 0..<fftSize { envelope[f * hop + n] += Double(window[n]) * Double(window[n]) }
        }
        inverseEnvelope = (0..<length).map { Float(1 / envelope[fftSize / 2 + pad + $0]) }
    }

    /// `_magnitude(_spec(x))`: `signal` is `[channels, length]`, the result `[channels, 2, bins, frames]`.
    public func analyse(_ signal: [Float], channels: Int) -> [Float] {
        precondition(signal.count == channels * length)
        let span = analysisSource.count, binCount = forward.outputCount
        var padded = [Float](repeating: 0, count: channels * span)
        for c in 0..<channels {
            for s in 0..<span { padded[c * span + s] = signal[c * length + analysisSource[s]] }
        }
        var spectra = [Float](repeating: 0, count: channels * frames * binCount * 2)
        var scratch = [Float](repeating: 0, count: forward.scratchCount)
        stft(forward, signal: padded, batch: channels, length: span, step: hop, frames: frames, window: window,
             out: &spectra, scratch: &scratch)
        // [channel, frame, bin, part] → [channel, part, bin, frame], dropping the Nyquist bin; normalized.
        let scale = Float(1 / Double(fftSize).squareRoot())
        var z = [Float](repeating: 0, count: channels * 2 * bins * frames)
        for c in 0..<channels {
            for f in 0..<frames {
                let spectrum = ((c * frames) + f) * binCount * 2
                for part in 0..<2 {
                    let plane = (c * 2 + part) * bins * frames + f
                    for k in 0..<bins { z[plane + k * frames] = spectra[spectrum + 2 * k + part] * scale }
                }
            }
        }
        return z
    }

    /// `_ispec(_mask(z, m), length)`: `spectrum` is `[channels, 2, bins, frames]`, the result `[channels, length]`.
    public func synthesise(_ spectrum: [Float], channels: Int) -> [Float] {
        precondition(spectrum.count == channels * 2 * bins * frames)
        let pad = hop / 2 * 3, start = fftSize / 2 + pad
        // ispectro's irfft is normalized by 1/√n_fft; the transform's inverse divides by n_fft.
        let scale = Float(Double(fftSize).squareRoot())
        var line = [Float](repeating: 0, count: 2 * bins), frame = [Float](repeating: 0, count: fftSize)
        var scratch = [Float](repeating: 0, count: inverse.scratchCount)
        var sum = [Float](repeating: 0, count: (frames + 3) * hop + fftSize)
        var output = [Float](repeating: 0, count: channels * length)
        for c in 0..<channels {
            for i in sum.indices { sum[i] = 0 }
            for f in 0..<frames {
                for k in 0..<bins {
                    line[2 * k] = spectrum[((c * 2) * bins + k) * frames + f]
                    line[2 * k + 1] = spectrum[((c * 2 + 1) * bins + k) * frames + f]
                }
                inverse.transform(line, available: bins, inputStride: 2, output: &frame, outputStride: 1,
                                  scratch: &scratch)
                // Kept frame f is frame f + 2 of the zero-framed spectrum.
                let offset = (f + 2) * hop
                for n in 0..<fftSize { sum[offset + n] += window[n] * (frame[n] * scale) }
            }
            for t in 0..<length { output[c * length + t] = sum[start + t] * inverseEnvelope[t] }
        }
        return output
    }
}
