import XCTest
@testable import ONNX

/// Reading from a path: the file is mapped, and unreadable paths are `io` errors naming the path.
final class ModelFileTests: XCTestCase {
    func testReadsAMappedFile() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write(SampleModels.reference, to: "model.onnx")
        let model = try ModelProto(contentsOf: path)
        XCTAssertEqual(model.path, path)
        XCTAssertEqual(model.graph.nodes.count, 5)
        let weight = try model.graph.initializers[0].payload()
        XCTAssertTrue(weight.owner is MappedFile, "raw_data is a view into the mapping")
    }

    func testViewsKeepTheMappingAlive() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write(SampleModels.reference, to: "model.onnx")
        var model: ModelProto? = try ModelProto(contentsOf: path)
        let weight = try model!.graph.initializers[0].payload()
        model = nil
        try FileManager.default.removeItem(atPath: path)
        XCTAssertEqual(weight.elements(as: Float.self), (0..<24).map { Float($0) * 0.5 })
    }

    func testMissingFile() {
        XCTAssertThrowsError(try ModelProto(contentsOf: "/nonexistent/model.onnx")) { error in
            XCTAssertEqual(error as? ONNXError, .io(path: "/nonexistent/model.onnx",
                                                    reason: "cannot open: No such file or directory"))
            XCTAssertEqual("\(error)", "/nonexistent/model.onnx: cannot open: No such file or directory")
        }
    }

    func testDirectory() throws {
        let directory = try TemporaryDirectory()
        XCTAssertThrowsError(try ModelProto(contentsOf: directory.path)) { error in
            XCTAssertEqual(error as? ONNXError, .io(path: directory.path, reason: "not a regular file"))
        }
    }

    func testFIFOIsRejectedWithoutBlocking() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/pipe.onnx"
        XCTAssertEqual(mkfifo(path, 0o600), 0)
        XCTAssertThrowsError(try ModelProto(contentsOf: path)) { error in
            XCTAssertEqual(error as? ONNXError, .io(path: path, reason: "not a regular file"))
        }
    }
}
