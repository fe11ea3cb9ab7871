import Foundation
import ONNX
import XCTest
@testable import Engine

/// `foldPaddingIntoConvolutions`: a constant-zero `Pad` of the spatial axes in front of a `Conv` becomes the
/// convolution's own padding, with the same values as convolving the padded input; other pads stay.
final class FoldPaddingIntoConvolutionTests: XCTestCase {
    private func floats(_ name: String, _ dims: [Int], _ values: [Float]) throws -> TensorProto {
        try TensorProto(name: name, dataType: .float, dims: dims, payload: ByteView(copyingElementsOf: values))
    }

    /// A model `Conv(x, w, b, stride 2, pads 1)`, after `Pad(x, pads, mode, fill)` when `pad` is given.
    private func session(input: [Int], kernel: [Int], pad: (pads: [Int], mode: String, fill: Float)?) throws -> Session {
        let inChannels = input[1] + (pad.map { $0.pads[1] + $0.pads[input.count + 1] } ?? 0), outChannels = 3
        let weight = (0..<(inChannels * outChannels * kernel.reduce(1, *))).map { Float(sin(Double($0) * 0.7)) }
        var nodes = [NodeProto(name: "conv", opType: "Conv", inputs: [pad == nil ? "x" : "padded", "w", "b"], outputs: ["y"],
                               attributes: [AttributeProto(name: "strides", value: .ints(kernel.map { _ in 2 })),
                                            AttributeProto(name: "pads", value: .ints(kernel.map { _ in 1 } + kernel.map { _ in 1 }))])]
        var initializers = [try floats("w", [outChannels, inChannels] + kernel, weight),
                            try floats("b", [outChannels], [0.5, -0.25, 1])]
        if let pad {
            nodes.insert(NodeProto(name: "pad", opType: "Pad", inputs: ["x", "pads", "fill"], outputs: ["padded"],
                                   attributes: [AttributeProto(name: "mode", value: .string(pad.mode))]), at: 0)
            initializers += [try TensorProto(name: "pads", dataType: .int64, dims: [pad.pads.count],
                                             payload: ByteView(copyingElementsOf: pad.pads.map { Int64($0) })),
                             try floats("fill", [], [pad.fill])]
        }
        let graph = GraphProto(name: "fold", nodes: nodes, initializers: initializers,
                               inputs: [ValueInfoProto(name: "x", elementType: .float, shape: input.map { .fixed($0) })],
                               outputs: [ValueInfoProto(name: "y", elementType: .float, shape: nil)])
        return try Session(model: ModelProto(graph: graph, opsetImports: [OperatorSetID(domain: "", version: 17)]))
    }

    func testZeroPadsOfSpatialAxesFoldAndOthersDoNot() throws {
        // (input, kernel, ONNX pads (begins, then ends), mode, fill, folded): 1-D padded at the end as HT-Demucs's
        // time encoders do, 2-D at both ends of both axes; a non-zero fill, a reflection and a channel pad stay.
        let cases: [([Int], [Int], [Int], String, Float, Bool)] = [
            ([2, 2, 9], [8], [0, 0, 0, 0, 0, 3], "constant", 0, true),
            ([1, 2, 5, 7], [3, 4], [0, 0, 2, 1, 0, 0, 1, 3], "constant", 0, true),
            ([2, 2, 9], [8], [0, 0, 0, 0, 0, 3], "constant", 0.5, false),
            ([2, 2, 9], [4], [0, 0, 2, 0, 0, 2], "reflect", 0, false),
            ([2, 2, 9], [4], [0, 1, 0, 0, 0, 0], "constant", 0, false),
        ]
        for (input, kernel, pads, mode, fill, folded) in cases {
            let x = (0..<input.reduce(1, *)).map { Float(cos(Double($0) * 0.37)) }
            let padThenConv = try session(input: input, kernel: kernel, pad: (pads, mode, fill))
            XCTAssertEqual(padThenConv.statistics.plannedOps["Pad"], folded ? nil : 1, "\(input) \(pads) \(mode)")
            let y = try padThenConv.run([Tensor(shape: input, floats: x)])[0]
            // The same input padded by a Pad-only model, then convolved by a Conv-only one.
            let padOnly = GraphProto(
                name: "pad", nodes: [NodeProto(name: "pad", opType: "Pad", inputs: ["x", "pads", "fill"], outputs: ["y"],
                                               attributes: [AttributeProto(name: "mode", value: .string(mode))])],
                initializers: [try TensorProto(name: "pads", dataType: .int64, dims: [pads.count],
                                               payload: ByteView(copyingElementsOf: pads.map { Int64($0) })),
                               try floats("fill", [], [fill])],
                inputs: [ValueInfoProto(name: "x", elementType: .float, shape: input.map { .fixed($0) })],
                outputs: [ValueInfoProto(name: "y", elementType: .float, shape: nil)])
            let padded = try Session(model: ModelProto(graph: padOnly, opsetImports: [OperatorSetID(domain: "", version: 17)]))
                .run([Tensor(shape: input, floats: x)])[0]
            let expected = try session(input: padded.shape, kernel: kernel, pad: nil).run([padded])[0]
            XCTAssertEqual(y.shape, expected.shape)
            for (value, reference) in zip(y.floats(), expected.floats()) {
                XCTAssertEqual(value, reference, accuracy: 1e-5, "\(input) \(pads) \(mode)")
            }
        }
    }
}
