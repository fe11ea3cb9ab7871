import Foundation
import XCTest
@testable import Engine

/// `PageMapping`: starts on a 2 MiB boundary, zero-filled and writable over its whole length (sizes below, at and
/// past one huge page, and not a multiple of one); tensors from 1 MiB up and the arena live in one.
final class PageMappingTests: XCTestCase {
    func testMappingsAreAlignedZeroedAndWritable() throws {
        for byteCount in [1, 4_096, PageMapping.hugePageBytes, 5 * PageMapping.hugePageBytes + 12_345] {
            let mapping = try XCTUnwrap(PageMapping(byteCount: byteCount))
            defer { mapping.unmap() }
            XCTAssertEqual(Int(bitPattern: mapping.bytes) % PageMapping.hugePageBytes, 0, "\(byteCount)")
            let bytes = mapping.bytes.assumingMemoryBound(to: UInt8.self)
            XCTAssertTrue(UnsafeBufferPointer(start: bytes, count: byteCount).allSatisfy { $0 == 0 }, "\(byteCount)")
            for i in stride(from: 0, to: byteCount, by: 4_093) { bytes[i] = UInt8(truncatingIfNeeded: i) }
            bytes[byteCount - 1] = 7
            for i in stride(from: 0, to: byteCount - 1, by: 4_093) { XCTAssertEqual(bytes[i], UInt8(truncatingIfNeeded: i)) }
            XCTAssertEqual(bytes[byteCount - 1], 7)
        }
    }

    func testLargeTensorsAndTheArenaAreMapped() {
        let tensor = Tensor(zeros: .float32, shape: [TensorStorage.pageMappedBytes / 4])
        XCTAssertEqual(Int(bitPattern: tensor.rawPointer) % PageMapping.hugePageBytes, 0)
        XCTAssertTrue(tensor.floats().allSatisfy { $0 == 0 })
        let arena = Arena(byteCount: 3 << 20)
        XCTAssertEqual(Int(bitPattern: arena.bytes) % PageMapping.hugePageBytes, 0)
    }
}
