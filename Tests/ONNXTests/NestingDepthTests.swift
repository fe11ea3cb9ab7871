import XCTest
@testable import ONNX

/// Graphs nest through graph attributes; past 64 levels that is an error, not a stack overflow.
final class NestingDepthTests: XCTestCase {
    /// A model whose main graph nests `depth - 1` further graphs, through `g` or `graphs` attributes.
    private func nested(depth: Int, useList: Bool = false) -> [UInt8] {
        var graph = ProtoWriter.build { $0.string(2, "innermost") }
        for _ in 1..<depth {
            let inner = graph
            graph = ProtoWriter.build { g in
                g.message(1) { n in
                    n.string(4, "If")
                    n.message(5) { a in
                        a.string(1, "then_branch")
                        a.bytes(useList ? 11 : 6, inner)
                    }
                }
            }
        }
        let outer = graph
        return ProtoWriter.build { m in m.int(1, 8); m.bytes(7, outer) }
    }

    private func depth(of graph: GraphProto) -> Int {
        guard let value = graph.nodes.first?.attributes.first?.value else { return 1 }
        switch value {
        case let .graph(inner): return 1 + depth(of: inner)
        case let .graphs(inner): return 1 + depth(of: inner[0])
        default: return 1
        }
    }

    func testSixtyFourLevelsAreRead() throws {
        for useList in [false, true] {
            let model = try ModelProto(bytes: nested(depth: 64, useList: useList), baseDirectory: nil)
            XCTAssertEqual(depth(of: model.graph), 64)
        }
    }

    func testSixtyFiveLevelsAreRejected() {
        XCTAssertThrowsError(try ModelProto(bytes: nested(depth: 65), baseDirectory: nil)) { error in
            guard case let .malformed(field, _, reason) = error as? ONNXError else { return XCTFail("\(error)") }
            XCTAssertEqual(reason, "graphs nested more than 64 deep")
            XCTAssertTrue(field.hasPrefix("ModelProto.graph.node[0].attribute[0].g.node[0]"))
            XCTAssertEqual(field.components(separatedBy: "attribute[0].g").count - 1, 64, "64 nested graphs, then the error")
        }
    }

    func testVeryDeepNestingIsRejectedQuickly() {
        XCTAssertThrowsError(try ModelProto(bytes: nested(depth: 1500, useList: true), baseDirectory: nil))
    }
}
