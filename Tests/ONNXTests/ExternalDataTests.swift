import Foundation
import XCTest
@testable import ONNX

/// Tensors whose bytes live in files next to the model: found, bounds-checked, mapped once,
/// and never looked for outside the model's directory.
final class ExternalDataTests: XCTestCase {
    /// A model with one float initializer "w" of `dims` whose `external_data` entries are `entries`.
    private func model(dims: [Int64], entries: [(String, String)]) -> [UInt8] {
        ONNXBuilders.initializerModel { t in
            dims.forEach { t.int(1, $0) }
            t.int(2, 1)
            t.string(8, "w")
            for (key, value) in entries {
                t.message(13) { e in e.string(1, key); e.string(2, value) }
            }
            t.int(14, 1)
        }
    }

    private let floats: [Float] = (0..<16).map { Float($0) }

    /// Writes the model and `data.bin` (16 floats) into a fresh directory and loads the model.
    private func load(dims: [Int64], entries: [(String, String)],
                      in directory: TemporaryDirectory) throws -> ModelProto {
        try directory.write(ONNXBuilders.raw(floats), to: "data.bin")
        let path = try directory.write(model(dims: dims, entries: entries), to: "model.onnx")
        return try ModelProto(contentsOf: path)
    }

    private func assertExternalError(_ tensor: TensorProto, contains text: String, line: UInt = #line) {
        XCTAssertThrowsError(try tensor.payload(), line: line) { error in
            guard case let .externalData(name, reason) = error as? ONNXError else {
                return XCTFail("\(error)", line: line)
            }
            XCTAssertEqual(name, "w", line: line)
            XCTAssertTrue(reason.contains(text), "'\(reason)' lacks '\(text)'", line: line)
        }
    }

    func testOffsetAndLength() throws {
        let directory = try TemporaryDirectory()
        let model = try load(dims: [2, 2], entries: [("location", "data.bin"), ("offset", "16"), ("length", "16")],
                             in: directory)
        let tensor = model.graph.initializers[0]
        XCTAssertTrue(tensor.isExternal)
        XCTAssertEqual(try tensor.payload().elements(as: Float.self), [4, 5, 6, 7])
    }

    func testWholeFileWithoutOffsetOrLength() throws {
        let directory = try TemporaryDirectory()
        let model = try load(dims: [16], entries: [("location", "data.bin")], in: directory)
        XCTAssertEqual(try model.graph.initializers[0].payload().elements(as: Float.self), floats)
    }

    func testSubdirectoryAndSharedMapping() throws {
        let directory = try TemporaryDirectory()
        try directory.write(ONNXBuilders.raw(floats), to: "weights/data.bin")
        let bytes = ONNXBuilders.model { g in
            for offset in ["0", "32"] {
                g.message(5) { t in
                    t.int(1, 8)
                    t.int(2, 1)
                    t.string(8, "w" + offset)
                    t.message(13) { e in e.string(1, "location"); e.string(2, "./weights/data.bin") }
                    t.message(13) { e in e.string(1, "offset"); e.string(2, offset) }
                    t.int(14, 1)
                }
            }
        }
        let model = try ModelProto(contentsOf: try directory.write(bytes, to: "model.onnx"))
        let first = try model.graph.initializers[0].payload()
        let second = try model.graph.initializers[1].payload()
        XCTAssertEqual(second.elements(as: Float.self), Array(floats[8...]))
        XCTAssertTrue(first.owner === second.owner, "one mapping per data file")
    }

    func testConcurrentPayloadsShareOneMapping() throws {
        let directory = try TemporaryDirectory()
        let model = try load(dims: [16], entries: [("location", "data.bin")], in: directory)
        let tensor = model.graph.initializers[0]
        let owners = LockedSet()
        DispatchQueue.concurrentPerform(iterations: 64) { _ in
            owners.insert((try? tensor.payload()).map { ObjectIdentifier($0.owner) })
        }
        XCTAssertEqual(owners.values.count, 1)
        XCTAssertNotNil(owners.values.first!)
    }

    func testPayloadOutlivesModel() throws {
        let directory = try TemporaryDirectory()
        var model: ModelProto? = try load(dims: [16], entries: [("location", "data.bin")], in: directory)
        let payload = try model!.graph.initializers[0].payload()
        model = nil
        XCTAssertEqual(payload.elements(as: Float.self), floats)
    }

    func testMissingFile() throws {
        let directory = try TemporaryDirectory()
        let model = try load(dims: [4], entries: [("location", "nothere.bin")], in: directory)
        assertExternalError(model.graph.initializers[0], contains: "nothere.bin: cannot open: No such file or directory")
    }

    func testOutOfRange() throws {
        let directory = try TemporaryDirectory()
        let pastEnd = try load(dims: [4], entries: [("location", "data.bin"), ("offset", "56"), ("length", "16")],
                               in: directory)
        assertExternalError(pastEnd.graph.initializers[0], contains: "offset 56 + length 16 is past the end of 'data.bin' (64 bytes)")
        let offsetPastEnd = try load(dims: [4], entries: [("location", "data.bin"), ("offset", "65")], in: directory)
        assertExternalError(offsetPastEnd.graph.initializers[0], contains: "offset 65 is past the end")
        let huge = try load(dims: [4], entries: [("location", "data.bin"), ("offset", "8"),
                                                 ("length", "18446744073709551615")], in: directory)
        assertExternalError(huge.graph.initializers[0], contains: "not a non-negative integer")
    }

    func testLengthMustMatchTheTensor() throws {
        let directory = try TemporaryDirectory()
        let model = try load(dims: [4], entries: [("location", "data.bin"), ("length", "12")], in: directory)
        XCTAssertThrowsError(try model.graph.initializers[0].payload()) { error in
            XCTAssertEqual(error as? ONNXError, .invalidTensor(
                name: "w", reason: "external data holds 12 bytes, but its dims and type need 16"))
        }
    }

    func testLocationsOutsideTheModelDirectoryAreRejected() throws {
        let directory = try TemporaryDirectory()
        for (location, reason) in [("/etc/passwd", "is an absolute path"), ("../data.bin", "has a '..' component"),
                                   ("weights/../../x", "has a '..' component"), ("", "is empty")] {
            let model = try load(dims: [1], entries: [("location", location)], in: directory)
            assertExternalError(model.graph.initializers[0], contains: reason)
        }
    }

    func testBadEntries() throws {
        let directory = try TemporaryDirectory()
        let noLocation = try load(dims: [1], entries: [("offset", "0")], in: directory)
        assertExternalError(noLocation.graph.initializers[0], contains: "no 'location' entry")
        let badOffset = try load(dims: [1], entries: [("location", "data.bin"), ("offset", "-4")], in: directory)
        assertExternalError(badOffset.graph.initializers[0], contains: "'offset' is '-4'")
    }

    func testInMemoryModelWithoutBaseDirectory() throws {
        let model = try ModelProto(bytes: model(dims: [1], entries: [("location", "data.bin")]), baseDirectory: nil)
        assertExternalError(model.graph.initializers[0], contains: "without a base directory")
    }

    func testInMemoryModelWithBaseDirectory() throws {
        let directory = try TemporaryDirectory()
        try directory.write(ONNXBuilders.raw(floats), to: "data.bin")
        let model = try ModelProto(bytes: model(dims: [2], entries: [("location", "data.bin"), ("offset", "4")]),
                                   baseDirectory: directory.path)
        XCTAssertEqual(try model.graph.initializers[0].payload().elements(as: Float.self), [1, 2])
    }

    func testExternalPlusInlineDataIsMalformed() {
        let bytes = ONNXBuilders.initializerModel { t in
            t.int(1, 1)
            t.int(2, 1)
            t.bytes(9, [0, 0, 0, 0])
            t.int(14, 1)
        }
        XCTAssertThrowsError(try firstInitializer(bytes)) { error in
            guard case let .malformed(_, _, reason) = error as? ONNXError else { return XCTFail("\(error)") }
            XCTAssertEqual(reason, "holds data in more than one way: raw_data, external data")
        }
    }
}

/// A set that several threads may insert into.
private final class LockedSet: @unchecked Sendable {
    private let lock = NSLock()
    private var contents: Set<ObjectIdentifier?> = []

    var values: Set<ObjectIdentifier?> { lock.withLock { contents } }

    func insert(_ value: ObjectIdentifier?) {
        _ = lock.withLock { contents.insert(value) }
    }
}
