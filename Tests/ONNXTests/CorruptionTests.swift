import XCTest
@testable import ONNX

/// Thousands of seeded random corruptions of valid models: each either parses or throws, and
/// whatever parses yields payloads of exactly the promised size.
final class CorruptionTests: XCTestCase {
    private func mutate(_ bytes: [UInt8], _ generator: inout SplitMix64) -> [UInt8] {
        var bytes = bytes
        for _ in 0..<Int.random(in: 1...4, using: &generator) {
            let index = Int.random(in: 0..<bytes.count, using: &generator)
            switch Int.random(in: 0..<6, using: &generator) {
            case 0: bytes[index] = UInt8.random(in: 0...255, using: &generator)
            case 1: bytes[index] ^= 1 << UInt8.random(in: 0..<8, using: &generator)
            case 2: bytes[index] = [0x00, 0x7f, 0x80, 0xff][Int.random(in: 0..<4, using: &generator)]
            case 3: bytes.insert(UInt8.random(in: 0...255, using: &generator), at: index)
            case 4: if bytes.count > 1 { bytes.remove(at: index) }
            default:
                let end = min(bytes.count, index + Int.random(in: 1...16, using: &generator))
                bytes.replaceSubrange(index..<end, with: [UInt8](repeating: 0xff, count: end - index))
            }
        }
        return bytes
    }

    func testRandomCorruptionsNeverCrash() {
        var generator = SplitMix64(state: 0x5eed)
        var parsed = 0
        for round in 0..<4000 {
            let original = round % 2 == 0 ? SampleModels.everything : SampleModels.reference
            let bytes = mutate(original, &generator)
            if (try? ModelProto(bytes: bytes, baseDirectory: nil)) != nil { parsed += 1 }
            SampleModels.exercise(bytes)
        }
        // Many single-byte changes land in names or weights and still parse; most others do not.
        XCTAssertGreaterThan(parsed, 100)
        XCTAssertLessThan(parsed, 4000)
    }

    func testRandomBytesNeverCrash() {
        var generator = SplitMix64(state: 42)
        for _ in 0..<2000 {
            let count = Int.random(in: 0..<200, using: &generator)
            var bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if !bytes.isEmpty, Bool.random(using: &generator) { bytes[0] = 0x08 }  // look like ONNX at first
            SampleModels.exercise(bytes)
        }
    }
}
