import XCTest
@testable import ONNX

/// `ByteView`: copies made on request, slicing without copying, and reading values out.
final class ByteViewTests: XCTestCase {
    func testCopyingBytes() {
        let view = ByteView(copying: [1, 2, 3])
        XCTAssertEqual(view.count, 3)
        XCTAssertFalse(view.isEmpty)
        XCTAssertEqual(view.withUnsafeBytes { Array($0) }, [1, 2, 3])
    }

    func testCopyingElements() {
        let view = ByteView(copyingElementsOf: [Float(1), -2])
        XCTAssertEqual(view.count, 8)
        XCTAssertEqual(view.elements(as: Float.self), [1, -2])
        XCTAssertEqual(view.withUnsafeBytes { Int(bitPattern: $0.baseAddress) % 64 }, 0, "owned copies are aligned")
    }

    func testSlicesShareStorage() {
        let view = ByteView(copyingElementsOf: [UInt16(0x0102), 0x0304, 0x0506])
        let slice = view[2..<6]
        XCTAssertEqual(slice.count, 4)
        XCTAssertTrue(slice.owner === view.owner)
        XCTAssertEqual(slice.elements(as: UInt16.self), [0x0304, 0x0506])
        XCTAssertEqual(slice[1..<3].elements(as: UInt8.self), [0x03, 0x06])
    }

    func testUnalignedElements() {
        let view = ByteView(copying: [0xff] + ONNXBuilders.raw([Double(1.5), -2]))[1..<17]
        XCTAssertEqual(view.elements(as: Double.self), [1.5, -2])
    }

    func testEmpty() {
        let view = ByteView(copying: [])
        XCTAssertTrue(view.isEmpty)
        XCTAssertEqual(view.elements(as: Int64.self), [])
        XCTAssertEqual(view.withUnsafeBytes { $0.count }, 0)
    }
}
