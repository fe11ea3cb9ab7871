import XCTest
@testable import ONNX

/// Fields this reader does not know are skipped whatever their wire type, at every level;
/// the deprecated group wire types and the unassigned ones are rejected.
final class UnknownFieldTests: XCTestCase {
    /// One unknown field of each usable wire type, with high field numbers.
    private func unknowns(_ w: inout ProtoWriter) {
        w.int(1000, -5)
        w.fixed64(1001, 0xdead_beef_dead_beef)
        w.bytes(1002, [1, 2, 3, 0xff, 0x80])
        w.fixed32(1003, 0xcafe_babe)
        w.message(536_870_911) { $0.int(1, 1) }  // largest field number
    }

    func testUnknownFieldsAreSkippedEverywhere() throws {
        let bytes = ProtoWriter.build { m in
            unknowns(&m)
            m.int(1, 9)
            unknowns(&m)
            m.message(7) { g in
                unknowns(&g)
                g.message(1) { n in
                    unknowns(&n)
                    n.string(4, "Relu")
                    n.message(5) { a in
                        unknowns(&a)
                        a.string(1, "k")
                        a.int(3, 4)
                        a.int(20, 2)
                    }
                }
                g.message(5) { t in
                    unknowns(&t)
                    t.int(1, 1)
                    t.int(2, 1)
                    t.bytes(9, [0, 0, 0x80, 0x3f])
                    t.message(3) { s in s.int(1, 0); s.int(2, 1) }  // segment, skipped
                    t.string(12, "doc")
                }
                g.message(11) { v in
                    unknowns(&v)
                    v.string(1, "x")
                    v.message(2) { tp in
                        unknowns(&tp)
                        tp.message(1) { tt in
                            unknowns(&tt)
                            tt.int(1, 1)
                            tt.message(2) { s in
                                unknowns(&s)
                                s.message(1) { d in unknowns(&d); d.int(1, 3) }
                            }
                        }
                    }
                }
            }
            m.message(8) { o in unknowns(&o); o.int(2, 17) }
        }
        let model = try ModelProto(bytes: bytes, baseDirectory: nil)
        XCTAssertEqual(model.irVersion, 9)
        XCTAssertEqual(model.opsetVersion(), 17)
        XCTAssertEqual(model.graph.nodes[0].opType, "Relu")
        guard case .int(4)? = model.graph.nodes[0].attribute("k") else { return XCTFail() }
        XCTAssertEqual(try model.graph.initializers[0].payload().elements(as: Float.self), [1])
        XCTAssertEqual(model.graph.inputs[0].shape, [.fixed(3)])
    }

    func testGroupWireTypesAreRejected() {
        for wireType: UInt8 in [3, 4] {
            let bytes = ProtoWriter.build { m in
                m.int(1, 8)
                m.message(7) { g in g.tag(99, wireType) }
            }
            XCTAssertThrowsError(try ModelProto(bytes: bytes, baseDirectory: nil)) { error in
                XCTAssertEqual(error as? ONNXError, .malformed(
                    field: "ModelProto.graph", offset: 4,
                    reason: "group wire type \(wireType) (unsupported) for field 99"))
            }
        }
    }

    func testInvalidWireTypesAndFieldZeroAreRejected() {
        for key: UInt64 in [6 | 8, 7 | 8, 0, 2] {
            let bytes = ProtoWriter.build { m in
                m.int(1, 8)
                m.message(7) { g in g.varint(key) }
            }
            XCTAssertThrowsError(try ModelProto(bytes: bytes, baseDirectory: nil)) { error in
                guard case let .malformed(field, _, _) = error as? ONNXError else { return XCTFail("\(error)") }
                XCTAssertEqual(field, "ModelProto.graph")
            }
        }
    }

    func testTruncatedUnknownFieldIsReported() {
        let bytes = ProtoWriter.build { m in
            m.int(1, 8)
            m.tag(77, 1)
            m.bytes += [1, 2, 3]
        }
        XCTAssertThrowsError(try ModelProto(bytes: bytes, baseDirectory: nil)) { error in
            XCTAssertEqual(error as? ONNXError, .truncated(field: "ModelProto.field 77", offset: 4))
        }
    }
}
