import XCTest
@testable import Audio

/// Resampling through libsoxr: the length rule, and a sine keeping its frequency, level and phase.
final class ResamplingTests: XCTestCase {
    /// Least-squares fit of `a·sin + b·cos` at `frequency` over `range`: amplitude, phase and
    /// the RMS of what the fit leaves.
    private func fit(_ x: [Float], frequency: Double, sampleRate: Int, range: Range<Int>)
        -> (amplitude: Double, phase: Double, residual: Double) {
        var ss = 0.0, cc = 0.0, sc = 0.0, xs = 0.0, xc = 0.0
        for n in range {
            let w = 2 * Double.pi * frequency * Double(n) / Double(sampleRate)
            let s = sin(w), c = cos(w), v = Double(x[n])
            ss += s * s; cc += c * c; sc += s * c; xs += v * s; xc += v * c
        }
        let det = ss * cc - sc * sc
        let a = (xs * cc - xc * sc) / det, b = (xc * ss - xs * sc) / det
        var error = 0.0
        for n in range {
            let w = 2 * Double.pi * frequency * Double(n) / Double(sampleRate)
            let e = Double(x[n]) - a * sin(w) - b * cos(w)
            error += e * e
        }
        return ((a * a + b * b).squareRoot(), atan2(b, a), (error / Double(range.count)).squareRoot())
    }

    func testSineKeepsFrequencyLevelAndPhase48kTo44k() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("sine48k.wav")
        let frames = 48000 + 4321
        let tone = sine(frequency: 1000, sampleRate: 48000, frames: frames, amplitude: 0.5, phase: 0.3)
        try writeFile(path, [tone, tone.map { -$0 }], sampleRate: 48000, format: .wavFloat32)

        let stream = try AudioStream(path: path, sampleRate: 44100, channels: 2)
        XCTAssertEqual(stream.frames, frames * 44100 / 48000)  // ⌊frames · 44100 / 48000⌋ = 48069
        let out = try readAll(stream, chunk: 10_000)
        XCTAssertEqual(out[0].count, stream.frames)
        XCTAssertEqual(out[1].count, stream.frames)

        let middle = 2000..<(stream.frames - 2000)  // away from the edges
        let left = fit(out[0], frequency: 1000, sampleRate: 44100, range: middle)
        XCTAssertEqual(20 * log10(left.amplitude / 0.5), 0, accuracy: 0.1, "level in dB")
        XCTAssertEqual(left.phase, 0.3, accuracy: 1e-3, "phase: output sample n must lie at time n / 44100")
        XCTAssertLessThan(left.residual, 1e-4, "anything but a 1 kHz sine")
        for n in middle { XCTAssertEqual(out[1][n], -out[0][n], accuracy: 1e-6) }
    }

    func testLengthRuleForSeveralRatios() throws {
        let folder = try TemporaryFolder()
        for (rate, frames) in [(48000, 1), (48000, 47), (22050, 1001), (96000, 9999), (8000, 12345), (44100, 777)] {
            let path = folder.file("n\(rate)-\(frames).wav")
            try writeFile(path, [noise(count: frames, range: 0.5, seed: 9)], sampleRate: rate, format: .wav16)
            let stream = try AudioStream(path: path)
            XCTAssertEqual(stream.frames, frames * 44100 / rate, "\(frames) frames at \(rate) Hz")
            XCTAssertEqual(try readAll(stream, chunk: 500)[0].count, stream.frames, "\(frames) frames at \(rate) Hz")
        }
    }

    func testChunkingDoesNotChangeTheOutput() throws {
        let input = noise(count: 20_000, range: 0.7, seed: 4)
        let whole = try Resampler(from: 48000, to: 44100, channels: 1).process([input], last: true)[0]
        let resampler = try Resampler(from: 48000, to: 44100, channels: 1)
        var pieces: [Float] = []
        for start in stride(from: 0, to: input.count, by: 333) {
            pieces += try resampler.process([Array(input[start..<min(start + 333, input.count)])], last: false)[0]
        }
        pieces += try resampler.process([[]], last: true)[0]
        XCTAssertEqual(pieces.count, whole.count)
        XCTAssertEqual(zip(pieces, whole).map { abs($0 - $1) }.max() ?? 0, 0, accuracy: 1e-6)
    }

    func testResamplerRejectsMisuse() throws {
        let resampler = try Resampler(from: 48000, to: 44100, channels: 2)
        XCTAssertThrowsError(try resampler.process([[1, 2], [3]], last: false))
        _ = try resampler.process([[], []], last: true)
        XCTAssertThrowsError(try resampler.process([[], []], last: true))
        XCTAssertThrowsError(try Resampler(from: 0, to: 44100, channels: 2))
    }
}
