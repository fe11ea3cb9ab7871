import Kernels
import XCTest

/// The kernels that read or write channel-major tensors (`ItemLayout.channelMajor`) give bit for bit what they give
/// on the dense, transposed copy: a thin convolution reading one (in place and staged), and a projected group norm
/// writing one with its residual read from one.
final class ItemLayoutTests: XCTestCase {
    /// `[channels, items, length]` → `[items, channels, length]`.
    private func itemMajor(_ x: [Float], items: Int, channels: Int, length: Int) -> [Float] {
        var y = [Float](repeating: 0, count: x.count)
        for c in 0..<channels {
            for n in 0..<items {
                for i in 0..<length { y[(n * channels + c) * length + i] = x[(c * items + n) * length + i] }
            }
        }
        return y
    }

    func testAThinConvolutionReadsAChannelMajorInput() {
        // Small enough to be read in place; large enough to be staged (`thinStages`).
        for (items, channels, length) in [(5, 8, 300), (64, 48, 700)] {
            var random = SplitMix64(seed: UInt64(items))
            let g = ConvGeometry(batch: items, inChannels: channels, outChannels: 6, groups: 1, inHeight: 1,
                                 inWidth: length, outHeight: 1, outWidth: length, kernelHeight: 1, kernelWidth: 3,
                                 strideHeight: 1, strideWidth: 1, dilationHeight: 1, dilationWidth: 2, padTop: 0,
                                 padLeft: 2)
            XCTAssertTrue(conv2dReadsAnyLayout(g))
            let channelMajor = random.floats(channels * items * length)
            let weight = random.floats(6 * channels * 3), bias = random.floats(6)
            var scratch = [Float](repeating: .nan, count: conv2dScratchCount(g))
            var expected = [Float](repeating: .nan, count: items * 6 * length), actual = expected
            conv2d(g, input: itemMajor(channelMajor, items: items, channels: channels, length: length), weight: weight,
                   bias: bias, output: &expected, scratch: &scratch)
            conv2d(g, input: channelMajor, inputLayout: .channelMajor(batch: items, length: length), weight: weight,
                   bias: bias, output: &actual, scratch: &scratch)
            XCTAssertEqual(actual.map(\.bitPattern), expected.map(\.bitPattern), "\(items) items")
        }
    }

    func testAProjectedGroupNormWritesAChannelMajorOutput() {
        let (items, inChannels, channels, length) = (6, 4, 16, 300)
        var random = SplitMix64(seed: 7)
        let x = random.floats(items * inChannels * length)
        let weight = random.floats(channels * inChannels), bias = random.floats(channels)
        let gamma = random.floats(channels), beta = random.floats(channels)
        let scale = random.floats(channels / 2), skip = random.floats(channels / 2 * items * length)
        var scratch = [Float](repeating: .nan, count: projectedGroupNormScratchCount(inChannels: inChannels))
        var expected = [Float](repeating: .nan, count: items * channels / 2 * length), actual = expected
        let denseSkip = itemMajor(skip, items: items, channels: channels / 2, length: length)
        denseSkip.withUnsafeBufferPointer { r in
            scale.withUnsafeBufferPointer { s in
                projectedGroupNorm(x, weight: weight, bias: bias, &expected, batch: items, inChannels: inChannels,
                                   channels: channels, spatial: length, groups: 1, gamma: gamma, beta: beta,
                                   epsilon: 1e-5, then: .glu, plus: ScaledResidual(scale: s.baseAddress!, values: r.baseAddress!),
                                   scratch: &scratch)
            }
        }
        skip.withUnsafeBufferPointer { r in
            scale.withUnsafeBufferPointer { s in
                projectedGroupNorm(x, weight: weight, bias: bias, &actual, batch: items, inChannels: inChannels,
                                   channels: channels, spatial: length, groups: 1, gamma: gamma, beta: beta,
                                   epsilon: 1e-5, then: .glu, plus: ScaledResidual(scale: s.baseAddress!, values: r.baseAddress!),
                                   outputLayout: .channelMajor(batch: items, length: length), scratch: &scratch)
            }
        }
        XCTAssertEqual(itemMajor(actual, items: items, channels: channels / 2, length: length).map(\.bitPattern),
                       expected.map(\.bitPattern))
    }
}
