/// One link of an `elementwiseChain`: the running value `v` becomes `v op w`, or `w op v` when `operandFirst`,
/// where `w` is element `i % period` of the link's operand for flat index `i`. A period of 1 is one value for all
/// elements; the element count, one value per element; anything between, a row repeated along leading axes.
public struct ElementwiseStep: Sendable, Equatable {
    /// The arithmetic of a link.
    public enum Operator: Sendable, Equatable {
        case add, sub, mul, div
    }

    public let op: Operator
    public let operandFirst: Bool
    public let period: Int

    public init(_ op: Operator, operandFirst: Bool, period: Int) {
        self.op = op
        self.operandFirst = operandFirst
        self.period = period
    }
}

/// Floats of a chain's tile: with its operands' tiles, well inside a core's L1 between links.
let elementwiseChainTile = 2048

/// The shortest repeated row worth a link of an `elementwiseChain`: tiles end at every row's end, and shorter rows
/// would cut them into a few vectors each (`fuseElementwiseChains` leaves such links as they are).
public let elementwiseChainShortestRow = 256

/// `out[i] = start[i] op₁ w₁ op₂ w₂ …` for `i < count`, the links applied in order (`ElementwiseStep`; `operands`
/// holds one pointer per step, each with `period` floats), spread over the cores. Each link rounds to float as the
/// separate operations would, so results are bit-identical to running the links one at a time; but the running
/// value goes through memory once, in tiles that stay in cache from one link to the next. Every step's period must
/// divide `count`. `out` may alias `start`; it must not alias an operand.
public func elementwiseChain(_ start: UnsafePointer<Float>, steps: [ElementwiseStep],
                             operands: [UnsafePointer<Float>], _ out: UnsafeMutablePointer<Float>, count: Int) {
    precondition(steps.count == operands.count, "one operand per step")
    precondition(steps.allSatisfy { $0.period >= 1 && count % $0.period == 0 }, "a step's period must divide the count")
    let input = UncheckedSendable(start), output = UncheckedSendable(out)
    let links = UncheckedSendable(Array(zip(steps, operands)))
    parallelRanges(count, minimumPerThread: 1 << 15) { range in
        var first = range.lowerBound
        while first < range.upperBound {
            // A tile within every repeated row, so that each operand's part of it is contiguous.
            var end = min(range.upperBound, first + elementwiseChainTile)
            for (step, _) in links.value where step.period > 1 {
                end = min(end, first + step.period - first % step.period)
            }
            var source = input.value + first
            for (step, operand) in links.value {
                applyStep(step, operand: operand, from: source, to: output.value + first, first: first, count: end - first)
                source = UnsafePointer(output.value + first)
            }
            first = end
        }
    }
}

/// `y[j] = x[j] op w` (or `w op x[j]`) for `j < count`, `w` the operand's element `(first + j) % period`; the
/// range crosses no end of the operand's row. `y` may alias `x`.
@inline(__always)
private func applyStep(_ step: ElementwiseStep, operand: UnsafePointer<Float>, from x: UnsafePointer<Float>,
                       to y: UnsafeMutablePointer<Float>, first: Int, count: Int) {
    if step.period == 1 {
        let w = FloatVector(repeating: operand[0])
        switch (step.op, step.operandFirst) {
        case (.add, _): mapVectors(x, y, count: count) { $0 + w }
        case (.mul, _): mapVectors(x, y, count: count) { $0 * w }
        case (.sub, false): mapVectors(x, y, count: count) { $0 - w }
        case (.sub, true): mapVectors(x, y, count: count) { w - $0 }
        case (.div, false): mapVectors(x, y, count: count) { $0 / w }
        case (.div, true): mapVectors(x, y, count: count) { w / $0 }
        }
        return
    }
    let w = operand + first % step.period
    switch (step.op, step.operandFirst) {
    case (.add, _): mapVectors(x, w, y, count: count) { $0 + $1 }
    case (.mul, _): mapVectors(x, w, y, count: count) { $0 * $1 }
    case (.sub, false): mapVectors(x, w, y, count: count) { $0 - $1 }
    case (.sub, true): mapVectors(x, w, y, count: count) { $1 - $0 }
    case (.div, false): mapVectors(x, w, y, count: count) { $0 / $1 }
    case (.div, true): mapVectors(x, w, y, count: count) { $1 / $0 }
    }
}
