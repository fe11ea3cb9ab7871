import Kernels
import XCTest

/// `elementwiseChain` against the links applied one at a time in float: bit-identical, for every operator in
/// both operand orders, operands of one value, one per element and a repeated row, counts that end mid-vector,
/// mid-tile and across rows, and in place.
final class ElementwiseChainTests: XCTestCase {
    private func stepByStep(_ start: [Float], _ steps: [ElementwiseStep], _ operands: [[Float]]) -> [Float] {
        var v = start
        for (step, w) in zip(steps, operands) {
            for i in v.indices {
                let o = w[i % step.period]
                switch (step.op, step.operandFirst) {
                case (.add, false): v[i] = v[i] + o
                case (.add, true): v[i] = o + v[i]
                case (.mul, false): v[i] = v[i] * o
                case (.mul, true): v[i] = o * v[i]
                case (.sub, false): v[i] = v[i] - o
                case (.sub, true): v[i] = o - v[i]
                case (.div, false): v[i] = v[i] / o
                case (.div, true): v[i] = o / v[i]
                }
            }
        }
        return v
    }

    private func check(count: Int, row: Int, seed: UInt64, inPlace: Bool = false) {
        var random = SplitMix64(seed: seed)
        var steps: [ElementwiseStep] = []
        var operands: [[Float]] = []
        for op in [ElementwiseStep.Operator.add, .sub, .mul, .div] {
            for operandFirst in [false, true] {
                for period in [1, row, count] {
                    steps.append(ElementwiseStep(op, operandFirst: operandFirst, period: period))
                    // Operands away from zero, so that no division blows up and every link changes the value.
                    operands.append(random.floats(period, in: 0.5...1.5).map { random.unit() < 0.5 ? -$0 : $0 })
                }
            }
        }
        let start = random.floats(count, in: -2...2)
        let expected = stepByStep(start, steps, operands)
        var out = inPlace ? start : [Float](repeating: .nan, count: count)
        let pointers = operands.map { w in
            let p = UnsafeMutablePointer<Float>.allocate(capacity: w.count)
            p.initialize(from: w, count: w.count)
            return p
        }
        defer { pointers.forEach { $0.deallocate() } }
        if inPlace {
            out.withUnsafeMutableBufferPointer { y in
                elementwiseChain(y.baseAddress!, steps: steps, operands: pointers.map { UnsafePointer($0) },
                                 y.baseAddress!, count: count)
            }
        } else {
            elementwiseChain(start, steps: steps, operands: pointers.map { UnsafePointer($0) }, &out, count: count)
        }
        XCTAssertEqual(out.map(\.bitPattern), expected.map(\.bitPattern), "count \(count), row \(row)")
    }

    func testChainsMatchTheLinksOneAtATime() {
        check(count: 7, row: 7, seed: 1)
        check(count: 3 * 11, row: 11, seed: 2)
        check(count: 5 * 3001, row: 3001, seed: 3)
        check(count: 40 * 4099, row: 4099, seed: 4)
        check(count: 2 * 70_007, row: 70_007, seed: 5)
    }

    func testInPlace() {
        check(count: 9 * 5003, row: 5003, seed: 6, inPlace: true)
    }
}
