import Foundation
import ONNX
import XCTest
@testable import Engine

/// `cropTransposedConvolutions`: a `Slice` trimming a `ConvTranspose`'s spatial edges becomes the convolution's
/// own crop, with the same values as slicing the full output.
final class CropTransposedConvolutionTests: XCTestCase {
    private func floats(_ name: String, _ dims: [Int], _ values: [Float]) throws -> TensorProto {
        try TensorProto(name: name, dataType: .float, dims: dims, payload: ByteView(copyingElementsOf: values))
    }

    private func int64s(_ name: String, _ values: [Int]) throws -> TensorProto {
        try TensorProto(name: name, dataType: .int64, dims: [values.count],
                        payload: ByteView(copyingElementsOf: values.map { Int64($0) }))
    }

    /// A model `ConvTranspose(x, w, stride 2)`, then `Slice` of `axes` from `starts` to `ends` when given.
    private func session(input: [Int], kernel: [Int], slice: (starts: [Int], ends: [Int], axes: [Int])?) throws -> Session {
        let channels = (input[1], 3)
        let weight = (0..<(channels.0 * channels.1 * kernel.reduce(1, *))).map { Float(sin(Double($0) * 0.7)) }
        var nodes = [NodeProto(name: "up", opType: "ConvTranspose", inputs: ["x", "w", "b"], outputs: [slice == nil ? "y" : "full"],
                               attributes: [AttributeProto(name: "strides", value: .ints(kernel.map { _ in 2 }))])]
        var initializers = [try floats("w", [channels.0, channels.1] + kernel, weight),
                            try floats("b", [channels.1], [0.5, -0.25, 1])]
        if let slice {
            nodes.append(NodeProto(name: "trim", opType: "Slice", inputs: ["full", "starts", "ends", "axes"], outputs: ["y"]))
            initializers += [try int64s("starts", slice.starts), try int64s("ends", slice.ends), try int64s("axes", slice.axes)]
        }
        let graph = GraphProto(name: "crop", nodes: nodes, initializers: initializers,
                               inputs: [ValueInfoProto(name: "x", elementType: .float, shape: input.map { .fixed($0) })],
                               outputs: [ValueInfoProto(name: "y", elementType: .float, shape: nil)])
        return try Session(model: ModelProto(graph: graph, opsetImports: [OperatorSetID(domain: "", version: 17)]))
    }

    func testSpatialCropsFoldAndChannelSlicesDoNot() throws {
        // (input, kernel, slice, folded): 2-D cropped in height and width, 1-D cropped at both ends, and a slice of
        // the channels, which stays a Slice.
        let cases: [([Int], [Int], ([Int], [Int], [Int]), Bool)] = [
            ([1, 2, 5, 7], [4, 4], ([2, 1], [10, 14], [2, 3]), true),
            ([2, 2, 9], [8], ([3], [17], [2]), true),
            ([1, 2, 5, 7], [4, 4], ([1], [3], [1]), false),
        ]
        for (input, kernel, slice, folded) in cases {
            let x = (0..<input.reduce(1, *)).map { Float(cos(Double($0) * 0.37)) }
            let cropped = try session(input: input, kernel: kernel, slice: slice)
            XCTAssertEqual(cropped.statistics.plannedOps["Slice"], folded ? nil : 1, "\(input) \(slice)")
            let y = try cropped.run([Tensor(shape: input, floats: x)])[0]
            let full = try session(input: input, kernel: kernel, slice: nil).run([Tensor(shape: input, floats: x)])[0]
            // The full output sliced by hand.
            var starts = [Int](repeating: 0, count: full.shape.count), ends = full.shape
            for (axis, (start, end)) in zip(slice.2, zip(slice.0, slice.1)) { (starts[axis], ends[axis]) = (start, end) }
            XCTAssertEqual(y.shape, zip(starts, ends).map { $1 - $0 })
            let fullValues = full.floats(), values = y.floats()
            var index = [Int](repeating: 0, count: y.shape.count)
            for flat in 0..<values.count {
                var rest = flat
                for axis in index.indices.reversed() { (rest, index[axis]) = rest.quotientAndRemainder(dividingBy: y.shape[axis]) }
                let source = index.indices.reduce(0) { $0 * full.shape[$1] + starts[$1] + index[$1] }
                XCTAssertEqual(values[flat], fullValues[source], accuracy: 1e-5, "\(input) at \(index)")
            }
        }
    }
}
