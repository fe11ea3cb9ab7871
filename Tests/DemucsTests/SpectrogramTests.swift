import Demucs
import Engine
import Foundation
import XCTest

/// `Spectrogram` against demucs's own `_magnitude(_spec(x))` and `_ispec(_mask(·, m))` in PyTorch
/// (`Tools/make_spectrogram_fixtures.py`: n_fft 256 on 3,001 samples, not a whole number of hops).
final class SpectrogramTests: XCTestCase {
    private let folder = fixturesDirectory.appendingPathComponent("spectrogram")

    private func array(_ name: String) throws -> Tensor {
        try NumpyFile.read(folder.appendingPathComponent("\(name).npy").path)
    }

    func testAnalysisMatchesSpec() throws {
        let input = try array("input"), expected = try array("spec")
        let spectrogram = try XCTUnwrap(Spectrogram(fftSize: 256, length: input.shape[2]))
        XCTAssertEqual([1, 2 * input.shape[1], spectrogram.bins, spectrogram.frames], expected.shape)
        let (maxAbs, relativeL2) = drift(spectrogram.analyse(input.floats(), channels: input.shape[1]), expected.floats())
        XCTAssertLessThan(maxAbs, 2e-6)
        XCTAssertLessThan(relativeL2, 1e-6)
    }

    func testSynthesisMatchesIspec() throws {
        let mask = try array("mask"), expected = try array("ispec")
        let spectrogram = try XCTUnwrap(Spectrogram(fftSize: 256, length: expected.shape[3]))
        let channels = mask.shape[1] * mask.shape[2] / 2
        let (maxAbs, relativeL2) = drift(spectrogram.synthesise(mask.floats(), channels: channels), expected.floats())
        XCTAssertLessThan(maxAbs, 5e-6)
        XCTAssertLessThan(relativeL2, 1e-6)
    }
}
