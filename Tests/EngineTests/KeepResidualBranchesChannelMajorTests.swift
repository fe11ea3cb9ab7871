import Kernels
import XCTest
@testable import Engine

/// `keepResidualBranchesChannelMajor` on hand-built graphs: a branch of layers between the two transposes loses
/// both and reads and writes the channel-major tensors (values checked by `ItemLayoutTests` and, end to end, by the
/// tiny models against PyTorch); a branch whose input another node also reads, or that does not end in the
/// transpose back, is left as it is.
final class KeepResidualBranchesChannelMajorTests: XCTestCase {
    private let channels = 8, items = 5, length = 40, squeezed = 2

    /// `x [1, C, N, W] → Transpose → Reshape [N, C, W] → (thin Conv → projected GroupNorm + residual) × layers →
    /// Reshape [1, N, C, W] → Transpose → y` (without the last Transpose when not `back`, `y` then the reshape's
    /// output), plus a `Neg` of the branch input, also a graph output, when `extraReader`.
    private func branch(layers: Int, back: Bool = true, extraReader: Bool = false) -> Graph {
        var graph = Graph()
        func value(_ name: String, _ shape: [Int]) -> Int {
            graph.addValue(Value(name: name, dataType: .float32, shape: shape))
        }
        func constant(_ name: String, _ shape: [Int]) -> Int {
            let id = value(name, shape)
            graph.constants[id] = Tensor(shape: shape, floats: (0..<shape.reduce(1, *)).map { Float($0 % 7) * 0.1 })
            return id
        }
        func node(_ op: Op, _ inputs: [Int], _ output: Int) {
            graph.nodes.append(Node(name: "n\(graph.nodes.count)", opType: "", op: op, inputs: inputs, outputs: [output]))
        }
        let x = value("x", [1, channels, items, length])
        graph.inputs = [x]
        let transposed = value("t", [1, items, channels, length])
        node(.transpose(permutation: [0, 2, 1, 3]), [x], transposed)
        var current = value("r", [items, channels, length])
        node(.reshape, [transposed], current)
        if extraReader {
            let negated = value("e", [items, channels, length])
            node(.unary(.neg), [current], negated)
            graph.outputs.append(negated)
        }
        let g = ConvGeometry(batch: items, inChannels: channels, outChannels: squeezed, groups: 1, inHeight: 1,
                             inWidth: length, outHeight: 1, outWidth: length, kernelHeight: 1, kernelWidth: 3,
                             strideHeight: 1, strideWidth: 1, dilationHeight: 1, dilationWidth: 2, padTop: 0,
                             padLeft: 2)
        for layer in 0..<layers {
            let narrow = value("h\(layer)", [items, squeezed, length])
            node(.conv(g), [current, constant("cw\(layer)", [squeezed, channels, 1, 3]), constant("cb\(layer)", [squeezed])],
                 narrow)
            let wide = 2 * channels, next = value("v\(layer)", [items, channels, length])
            node(.projectedGroupNorm(groups: 1, epsilon: 1e-5, then: .glu, plusScaledResidual: true, channelMajor: false),
                 [narrow, constant("pw\(layer)", [wide, squeezed, 1, 1]), constant("pb\(layer)", [wide]),
                  constant("gamma\(layer)", [wide]), constant("beta\(layer)", [wide]), constant("s\(layer)", [channels]),
                  current], next)
            current = next
        }
        let flat = value("f", [1, items, channels, length])
        node(.reshape, [current], flat)
        if back {
            let y = value("y", [1, channels, items, length])
            node(.transpose(permutation: [0, 2, 1, 3]), [flat], y)
            graph.outputs.append(y)
        } else {
            graph.outputs.append(flat)
        }
        return graph
    }

    func testABranchBetweenTheTwoTransposesRunsChannelMajor() {
        var graph = branch(layers: 2)
        let x = graph.inputs[0], y = graph.outputs[0]
        XCTAssertEqual(keepResidualBranchesChannelMajor(&graph), 1)
        XCTAssertEqual(graph.nodes.map(\.op.name), ["Conv.channelMajor", "Conv+GroupNorm+GLU+ScaledAdd",
                                                    "Conv.channelMajor", "Conv+GroupNorm+GLU+ScaledAdd"])
        let (conv0, norm0, conv1, norm1) = (graph.nodes[0], graph.nodes[1], graph.nodes[2], graph.nodes[3])
        XCTAssertEqual([conv0.inputs[0], norm0.inputs[6]], [x, x], "the first layer reads x itself")
        XCTAssertEqual([conv1.inputs[0], norm1.inputs[6]], [norm0.outputs[0], norm0.outputs[0]])
        XCTAssertEqual(graph.values[norm0.outputs[0]].shape, [1, channels, items, length])
        XCTAssertEqual(norm1.outputs, [y], "the last layer writes the transposed-back value")
        for norm in [norm0, norm1] {
            guard case .projectedGroupNorm(_, _, _, true, true) = norm.op else { return XCTFail("\(norm.op)") }
        }
    }

    func testBranchesItCannotTakeWholeStayAsTheyAre() {
        for (name, built) in [("another reader of the input", branch(layers: 2, extraReader: true)),
                              ("no transpose back", branch(layers: 2, back: false)),
                              ("no layer", branch(layers: 0))] {
            var graph = built
            XCTAssertEqual(keepResidualBranchesChannelMajor(&graph), 0, name)
            XCTAssertEqual(graph.nodes.map(\.op.name), built.nodes.map(\.op.name), name)
        }
    }
}
