@testable import ONNX

/// Hand-made ONNX messages, field numbers as in `onnx.proto`.
enum ONNXBuilders {
    /// A `ModelProto` with IR version 8, opset 17 and the graph `graph` writes.
    static func model(irVersion: Int64 = 8, opset: Int64 = 17,
                      graph: (inout ProtoWriter) -> Void) -> [UInt8] {
        ProtoWriter.build { m in
            m.int(1, irVersion)
            m.string(2, "tests")
            m.message(7, graph)
            m.message(8) { o in o.string(1, ""); o.int(2, opset) }
        }
    }

    /// A model whose graph holds one initializer written by `tensor`.
    static func initializerModel(_ tensor: @escaping (inout ProtoWriter) -> Void) -> [UInt8] {
        model { g in
            g.string(2, "g")
            g.message(5, tensor)
        }
    }

    /// A model whose graph holds one node with the single attribute `attribute` writes.
    static func attributeModel(_ attribute: @escaping (inout ProtoWriter) -> Void) -> [UInt8] {
        model { g in
            g.message(1) { n in
                n.string(1, "x")
                n.string(2, "y")
                n.string(4, "Op")
                n.message(5, attribute)
            }
        }
    }

    /// A `ValueInfoProto` of a tensor with `elemType` and, if given, a shape of `dims`.
    static func valueInfo(_ name: String, elemType: Int64, dims: [Dimension]?) -> (inout ProtoWriter) -> Void {
        { v in
            v.string(1, name)
            v.message(2) { t in
                t.message(1) { tt in
                    tt.int(1, elemType)
                    if let dims {
                        tt.message(2) { s in
                            for dim in dims {
                                s.message(1) { d in
                                    switch dim {
                                    case let .fixed(value): d.int(1, Int64(value))
                                    case let .symbolic(name): d.string(2, name)
                                    case .unknown: break
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The raw little-endian bytes of `values`.
    static func raw<T: BitwiseCopyable>(_ values: [T]) -> [UInt8] {
        values.withUnsafeBytes { Array($0) }
    }
}

/// Decodes `bytes` as a model and returns its first initializer.
func firstInitializer(_ bytes: [UInt8]) throws -> TensorProto {
    try ModelProto(bytes: bytes, baseDirectory: nil).graph.initializers[0]
}

/// Decodes `bytes` as a model and returns the value of the first node's first attribute.
func firstAttribute(_ bytes: [UInt8]) throws -> AttributeProto {
    try ModelProto(bytes: bytes, baseDirectory: nil).graph.nodes[0].attributes[0]
}
