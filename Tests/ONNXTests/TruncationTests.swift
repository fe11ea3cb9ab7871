import XCTest
@testable import ONNX

/// A model cut short at any byte is an error, never a crash or a half-read model.
final class TruncationTests: XCTestCase {
    func testEveryPrefixOfTheHandMadeModelThrows() {
        let bytes = SampleModels.everything
        XCTAssertNoThrow(try ModelProto(bytes: bytes, baseDirectory: nil))
        for length in 0..<bytes.count {
            XCTAssertThrowsError(try ModelProto(bytes: Array(bytes[..<length]), baseDirectory: nil),
                                 "prefix of \(length) bytes")
        }
    }

    func testEveryPrefixOfTheReferenceModelThrowsUntilTheGraphIsComplete() {
        let bytes = SampleModels.reference
        for length in 0..<bytes.count {
            let prefix = Array(bytes[..<length])
            if length < SampleModels.referenceGraphEnd {
                XCTAssertThrowsError(try ModelProto(bytes: prefix, baseDirectory: nil), "prefix of \(length) bytes")
            } else {
                SampleModels.exercise(prefix)
            }
        }
    }

    func testTruncationInsideTheGraphIsReportedAsTruncated() {
        let bytes = Array(SampleModels.everything.dropLast(10))
        XCTAssertThrowsError(try ModelProto(bytes: bytes, baseDirectory: nil)) { error in
            guard case let .truncated(field, _) = error as? ONNXError else { return XCTFail("\(error)") }
            XCTAssertEqual(field, "ModelProto.graph")
        }
    }

    func testTruncationBeforeIRVersionIsNotONNX() {
        XCTAssertThrowsError(try ModelProto(bytes: [0x08], baseDirectory: nil)) { error in
            guard case .notONNX = error as? ONNXError else { return XCTFail("\(error)") }
        }
    }
}
