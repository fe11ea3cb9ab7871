import Kernels
import XCTest
@testable import Engine

/// `stackSpectralAnalyses` on hand-built graphs: a `Concat` of a cosine and a sine analysis of one signal (each
/// reshaped to one channel), and the frame `Slice` after it, become one stacked analysis of the kept frames (its
/// values: `SpectralBasisTests`); analyses of different signals, or a concatenation another node also reads the
/// parts of, stay as they are.
final class StackSpectralAnalysesTests: XCTestCase {
    private let batch = 2, length = 64, bins = 32, hop = 16, inLength = 320

    private var frames: Int { (inLength - length) / hop + 1 }

    /// `Concat(axis 1)` of `Reshape(STFT(x_i))` for the cosine and sine bases, then (when `slice`) frames 2 ..< F − 2
    /// of it. `sameSignal` false gives the sine half its own input; `sharedPart` makes the sine half a graph output
    /// too.
    private func analyses(slice: Bool, sameSignal: Bool = true, sharedPart: Bool = false) -> Graph {
        var graph = Graph()
        func value(_ name: String, _ shape: [Int]) -> Int {
            graph.addValue(Value(name: name, dataType: .float32, shape: shape))
        }
        func node(_ op: Op, _ inputs: [Int], _ output: Int) {
            graph.nodes.append(Node(name: "n\(graph.nodes.count)", opType: "", op: op, inputs: inputs, outputs: [output]))
        }
        let window = (0..<length).map { Float(0.5 - 0.5 * cos(2 * Double.pi * Double($0) / Double(length))) }
        let g = ConvGeometry(batch: batch, inChannels: 1, outChannels: bins, groups: 1, inHeight: 1, inWidth: inLength,
                             outHeight: 1, outWidth: frames, kernelHeight: 1, kernelWidth: length, strideHeight: 1,
                             strideWidth: hop, dilationHeight: 1, dilationWidth: 1, padTop: 0, padLeft: 0)
        let signals = sameSignal ? [value("x", [batch, 1, inLength])]
            : [value("x", [batch, 1, inLength]), value("x2", [batch, 1, inLength])]
        graph.inputs = signals
        var parts: [Int] = []
        for (index, trig) in [SpectralBasis.Trig.cosine, .sine].enumerated() {
            let basis = SpectralBasis(trig: trig, rowScale: (0..<bins).map { _ in 1 }, window: window)
            let spectrum = value("s\(index)", [batch, bins, frames]), part = value("p\(index)", [batch, 1, bins, frames])
            node(.spectral(basis, analysis: true, g), [signals[min(index, signals.count - 1)]], spectrum)
            node(.reshape, [spectrum], part)
            parts.append(part)
        }
        let joined = value("joined", [batch, 2, bins, frames])
        node(.concat(axis: 1), parts, joined)
        if slice {
            let kept = value("kept", [batch, 2, bins, frames - 4])
            node(.slice(starts: [0, 0, 0, 2], steps: [1, 1, 1, 1]), [joined], kept)
            graph.outputs = [kept]
        } else {
            graph.outputs = [joined]
        }
        if sharedPart { graph.outputs.append(parts[1]) }
        return graph
    }

    func testTheHalvesAndTheirSliceBecomeOneStack() {
        for slice in [false, true] {
            var graph = analyses(slice: slice)
            XCTAssertEqual(stackSpectralAnalyses(&graph), 1)
            XCTAssertEqual(graph.nodes.count, 1, "the analyses, reshapes, concatenation and slice are one node")
            guard case let .spectralAnalysisStack(bases, _, kept) = graph.nodes[0].op else {
                return XCTFail("\(graph.nodes[0].op)")
            }
            XCTAssertEqual(bases.map(\.trig), [.cosine, .sine])
            XCTAssertEqual(kept, slice ? 2 ..< frames - 2 : 0 ..< frames)
            XCTAssertEqual(graph.nodes[0].inputs, graph.inputs)
            XCTAssertEqual(graph.nodes[0].outputs, graph.outputs)
        }
    }

    func testOtherConcatenationsStay() {
        for (name, built) in [("two signals", analyses(slice: true, sameSignal: false)),
                              ("a half read elsewhere", analyses(slice: true, sharedPart: true))] {
            var graph = built
            XCTAssertEqual(stackSpectralAnalyses(&graph), 0, name)
            XCTAssertEqual(graph.nodes.map(\.op.name), built.nodes.map(\.op.name), name)
        }
    }
}
