import XCTest
@testable import Engine

/// Large binary ops are split over threads along their first non-trivial axis; every broadcasting shape must
/// give what the element-by-element definition gives.
final class ParallelElementwiseTests: XCTestCase {
    private func values(_ shape: [Int], _ seed: Float) -> Tensor {
        let count = shape.reduce(1, *)
        return Tensor(shape: shape, floats: (0..<count).map { Float($0 % 977) * seed - 3 })
    }

    func testLargeBroadcastAddsAndMulsMatchTheDefinition() throws {
        let cases: [([Int], [Int])] = [([1, 3, 70_001], [3, 1]), ([1, 3, 70_001], [1, 3, 70_001]),
                                       ([2, 5, 7_001], [7_001]), ([1, 1, 4, 40_000], [1, 4, 1]), ([90_000], [1])]
        for (aShape, bShape) in cases {
            let a = values(aShape, 0.013), b = values(bShape, -0.007)
            let shape = try XCTUnwrap(broadcastShapeForTest(aShape, bShape))
            for op in [BinaryOperator.add, .mul, .sub, .div] {
                let out = Tensor(zeros: .float32, shape: shape)
                executeBinary(op, a.ref, b.ref, out.ref)
                let x = a.floats(), y = b.floats(), z = out.floats()
                let aStrides = strides(aShape, shape), bStrides = strides(bShape, shape)
                for flat in stride(from: 0, to: z.count, by: 13) {
                    var rest = flat, ai = 0, bi = 0
                    for axis in shape.indices.reversed() {
                        let i = rest % shape[axis]
                        rest /= shape[axis]
                        ai += i * aStrides[axis]
                        bi += i * bStrides[axis]
                    }
                    let expected: Float = switch op {
                    case .add: x[ai] + y[bi]
                    case .mul: x[ai] * y[bi]
                    case .sub: x[ai] - y[bi]
                    default: x[ai] / y[bi]
                    }
                    XCTAssertEqual(z[flat], expected, "\(op) \(aShape) \(bShape) at \(flat)")
                }
            }
        }
    }

    private func broadcastShapeForTest(_ a: [Int], _ b: [Int]) -> [Int]? {
        let rank = max(a.count, b.count)
        let pa = Array(repeating: 1, count: rank - a.count) + a, pb = Array(repeating: 1, count: rank - b.count) + b
        return zip(pa, pb).map { $0 == 1 ? $1 : $0 }
    }

    /// Element strides of `shape` read broadcast to `target` (0 on broadcast axes).
    private func strides(_ shape: [Int], _ target: [Int]) -> [Int] {
        let padded = Array(repeating: 1, count: target.count - shape.count) + shape
        var result = [Int](repeating: 0, count: target.count), running = 1
        for axis in padded.indices.reversed() {
            result[axis] = padded[axis] == 1 ? 0 : running
            running *= padded[axis]
        }
        return result
    }
}
