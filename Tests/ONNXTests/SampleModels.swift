import Foundation
@testable import ONNX

/// Valid models used by several tests.
enum SampleModels {
    /// A model written by the official `onnx` Python package (its C++ protobuf serializer), so the
    /// reader is checked against real encoder output and not only against the test encoder.
    ///
    /// Made with onnx 1.23.2: `helper.make_model` of a graph with a Conv (ints and int attributes),
    /// a Constant (tensor attribute with float_data), a LeakyRelu (float attribute), a custom-domain
    /// node (string, strings, floats), an If (two graph attributes), initializers W (raw_data),
    /// shape (int64_data) and halves (float16 in int32_data), ir_version 8, opsets "" 17 and
    /// "com.example" 1, and metadata "sources".
    static let reference: [UInt8] = [UInt8](Data(base64Encoded: referenceBase64)!)

    /// Where the graph field of `reference` ends (key at byte 18, 2-byte length 665): every
    /// shorter prefix lacks a complete graph. Fields after it (opsets, metadata) are optional.
    static let referenceGraphEnd = 18 + 1 + 2 + 665

    private static let referenceBase64 = """
        CAgSB3B5dG9yY2gaBTIuMy4xOpkFClgKAXgKAVcSAXkaBWNvbnYwIgRDb252KgwKBWdyb3VwGAGgAQIqEwoMa2VybmVsX3NoYXBlQASgAQcq\
        DQoEcGFkc0ABQAGgAQcqDgoHc3RyaWRlc0ACoAEHCjkSAWMaBmNvbnN0MCIIQ29uc3RhbnQqIgoFdmFsdWUqFggDEAEiDAAAwD8AACBAAABA\
        wEICY3agAQQKIgoBeRIBeiIJTGVha3lSZWx1Kg8KBWFscGhhFQAAAD6gAQEKWgoBehIBdyIGQ3VzdG9tKhIKBG1vZGUiB3JlZmxlY3SgAQMq\
        EgoFbmFtZXNKAWFKA2LDqaABCCoVCgZzY2FsZXM9AAAAPz0AAABAoAEGOgtjb20uZXhhbXBsZQp2CgRjb25kEgFvIgJJZiowCgtlbHNlX2Jy\
        YW5jaDIeCgsKAXgSAWUiA05lZxIEZWxzZWIJCgFlEgQKAggBoAEFKjUKC3RoZW5fYnJhbmNoMiMKEAoBeBIBdCIISWRlbnRpdHkSBHRoZW5i\
        CQoBdBIECgIIAaABBRIEbWFpbiptCAIIAwgEEAFCAVdKYAAAAAAAAAA/AACAPwAAwD8AAABAAAAgQAAAQEAAAGBAAACAQAAAkEAAAKBAAACw\
        QAAAwEAAANBAAADgQAAA8EAAAABBAAAIQQAAEEEAABhBAAAgQQAAKEEAADBBAAA4QSoYCAIQBzoLA////////////wFCBXNoYXBlKhQIAhAK\
        KgaA5wGA9AFCBmhhbHZlc1oeCgF4EhkKFwgBEhMKBxIFYmF0Y2gKAggCCgQIrP8UWg4KBGNvbmQSBgoECAkSAGIaCgFvEhUKEwgBEg8KBxIF\
        YmF0Y2gKAAoCCAdqGQoBeRIUChIIARIOCgIIAQoCCAMKBAjWvwpCBAoAEBFCDwoLY29tLmV4YW1wbGUQAXIiCgdzb3VyY2VzEhdkcnVtcyxi\
        YXNzLG90aGVyLHZvY2Fscw==
        """

    /// A hand-made model touching every message and field kind the reader decodes, with the
    /// graph written last so that every strict prefix is incomplete.
    static let everything: [UInt8] = ProtoWriter.build { m in
        m.int(1, 9)
        m.string(2, "hand")
        m.message(8) { o in o.string(1, ""); o.int(2, 17) }
        m.message(14) { e in e.string(1, "k"); e.string(2, "v") }
        m.message(7) { g in
            g.string(2, "main")
            g.message(1) { n in
                n.string(1, "x")
                n.string(2, "y")
                n.string(3, "node é")
                n.string(4, "Custom")
                n.string(7, "com.example")
                n.message(5) { a in a.string(1, "f"); a.float(2, 0.5); a.int(20, 1) }
                n.message(5) { a in a.string(1, "i"); a.int(3, -3) }
                n.message(5) { a in a.string(1, "s"); a.string(4, "str") }
                n.message(5) { a in a.string(1, "t"); a.message(5) { t in t.int(1, 2); t.int(2, 6); t.packedVarints(5, [1, -1]) } }
                n.message(5) { a in a.string(1, "g"); a.message(6) { sub in
                    sub.message(1) { sn in sn.string(1, "x"); sn.string(2, "z"); sn.string(4, "Neg") }
                    sub.message(12, ONNXBuilders.valueInfo("z", elemType: 1, dims: [.symbolic("n")]))
                } }
                n.message(5) { a in a.string(1, "fs"); a.packedFixed32(7, [0, 1]); a.fixed32(7, 2) }
                n.message(5) { a in a.string(1, "is"); a.int(8, 1); a.packedVarints(8, [2, 3]) }
                n.message(5) { a in a.string(1, "ss"); a.string(9, "a"); a.string(9, "b") }
                n.message(5) { a in a.string(1, "ts"); a.message(10) { t in t.int(2, 1); t.float(4, 1) } }
                n.message(5) { a in a.string(1, "gs"); a.message(11) { $0.string(2, "empty") } }
                n.message(5) { a in a.string(1, "sp"); a.message(22) { $0.int(3, 1) }; a.int(20, 11) }
            }
            g.message(5) { t in t.int(1, 3); t.int(2, 1); t.string(8, "raw"); t.bytes(9, ONNXBuilders.raw([Float(1), 2, 3])) }
            g.message(5) { t in t.int(1, 2); t.int(2, 1); t.string(8, "floats"); t.float(4, 1); t.float(4, 2) }
            g.message(5) { t in t.int(1, 2); t.int(2, 11); t.string(8, "doubles"); t.packedFixed64(10, [1, 2]) }
            g.message(5) { t in t.int(1, 2); t.int(2, 7); t.string(8, "int64s"); t.int(7, -1); t.int(7, 1 << 40) }
            g.message(5) { t in t.int(1, 2); t.int(2, 13); t.string(8, "uint64s"); t.packedVarints(11, [-1, 0]) }
            g.message(5) { t in t.int(1, 2); t.int(2, 10); t.string(8, "halves"); t.packedVarints(5, [0x3c00, 0]) }
            g.message(5) { t in t.int(1, 1); t.int(2, 8); t.string(8, "strings"); t.string(6, "s") }
            g.message(5) { t in
                t.int(1, 4); t.int(2, 1); t.string(8, "external")
                t.message(13) { e in e.string(1, "location"); e.string(2, "data.bin") }
                t.int(14, 1)
            }
            g.message(11, ONNXBuilders.valueInfo("x", elemType: 1, dims: [.fixed(1), .symbolic("n"), .unknown]))
            g.message(12, ONNXBuilders.valueInfo("y", elemType: 1, dims: nil))
            g.message(13, ONNXBuilders.valueInfo("h", elemType: 10, dims: []))
        }
    }

    /// Decodes `bytes` and touches everything reachable, payloads included, ignoring errors:
    /// the point is that nothing crashes, hangs or allocates wildly.
    static func exercise(_ bytes: [UInt8]) {
        guard let model = try? ModelProto(bytes: bytes, baseDirectory: nil) else { return }
        exercise(model.graph)
    }

    private static func exercise(_ graph: GraphProto) {
        graph.initializers.forEach(exercise)
        for node in graph.nodes {
            for attribute in node.attributes {
                switch attribute.value {
                case let .tensor(tensor): exercise(tensor)
                case let .tensors(tensors): tensors.forEach(exercise)
                case let .graph(graph): exercise(graph)
                case let .graphs(graphs): graphs.forEach(exercise)
                default: break
                }
            }
        }
    }

    private static func exercise(_ tensor: TensorProto) {
        if let payload = try? tensor.payload() {
            precondition(payload.count == tensor.dataType.byteCount(elements: tensor.elementCount))
            _ = payload.withUnsafeBytes { $0.reduce(0, &+) }
        }
        _ = try? tensor.stringElements()
    }
}
