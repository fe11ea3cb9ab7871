import Foundation
import Kernels

/// `out = a ∘ b` with numpy broadcasting, for float32, int64 and bool operands.
///
/// Each operator is passed to the broadcasting loop as a literal closure, so the loop is specialised and the
/// operator inlined (a closure chosen at run time would cost an indirect call per element).
func executeBinary(_ op: BinaryOperator, _ a: TensorRef, _ b: TensorRef, _ out: TensorRef) {
    // Large float tensors are split along their first axis longer than 1 and spread over the cores.
    if a.dataType == .float32, out.elementCount >= 1 << 16,
       let axis = out.shape.firstIndex(where: { $0 > 1 }), out.shape[..<axis].allSatisfy({ $0 == 1 }) {
        let pieces = UncheckedBinary(op: op, a: a, b: b, out: out, axis: axis)
        parallelRanges(out.shape[axis], minimumPerThread: 1) { range in pieces.run(range) }
        return
    }
    executeBinaryOnOneThread(op, a, b, out)
}

/// One slice `range` of a binary op's outermost non-trivial axis, for spreading the op over threads: every
/// operand that has that axis is offset into it, the others are read whole (they broadcast along it).
private struct UncheckedBinary: @unchecked Sendable {
    let op: BinaryOperator
    let a: TensorRef, b: TensorRef, out: TensorRef
    let axis: Int

    func run(_ range: Range<Int>) {
        executeBinaryOnOneThread(op, slice(a, range), slice(b, range), slice(out, range))
    }

    private func slice(_ t: TensorRef, _ range: Range<Int>) -> TensorRef {
        let local = axis - (out.shape.count - t.shape.count)
        guard local >= 0, t.shape[local] > 1 else { return t }
        var shape = t.shape
        shape[local] = range.count
        let stride = t.shape[(local + 1)...].reduce(1, *) * t.dataType.byteWidth
        return TensorRef(data: t.data + range.lowerBound * stride, dataType: t.dataType, shape: shape)
    }
}

private func executeBinaryOnOneThread(_ op: BinaryOperator, _ a: TensorRef, _ b: TensorRef, _ out: TensorRef) {
    switch a.dataType {
    case .float32:
        let x = a.floats(), y = b.floats()
        func arithmetic(_ f: (Float, Float) -> Float) { broadcastBinary(x, a.shape, y, b.shape, out.floats(), out.shape, f) }
        switch op {
        case .add: arithmetic { $0 + $1 }
        case .sub: arithmetic { $0 - $1 }
        case .mul: arithmetic { $0 * $1 }
        case .div: arithmetic { $0 / $1 }
        case .pow: arithmetic { $1 == 2 ? $0 * $0 : powf($0, $1) }
        case .fmod: arithmetic { fmodf($0, $1) }
        case .mod: arithmetic { a, b in
            let r = fmodf(a, b)
            return r != 0 && (r < 0) != (b < 0) ? r + b : r
        }
        case .max: arithmetic { Swift.max($0, $1) }
        case .min: arithmetic { Swift.min($0, $1) }
        case .equal, .less, .greater, .lessOrEqual, .greaterOrEqual: compare(op, x, a.shape, y, b.shape, out)
        case .and, .or, .xor: preconditionFailure("\(op) on floats")
        }
    case .int64:
        let x = a.int64s(), y = b.int64s()
        func arithmetic(_ f: (Int64, Int64) -> Int64) { broadcastBinary(x, a.shape, y, b.shape, out.int64s(), out.shape, f) }
        switch op {
        case .add: arithmetic { $0 &+ $1 }
        case .sub: arithmetic { $0 &- $1 }
        case .mul: arithmetic { $0 &* $1 }
        case .div: arithmetic { b, d in d == 0 ? 0 : b.dividedReportingOverflow(by: d).partialValue }
        case .pow: arithmetic { base, exponent in
            var result: Int64 = 1
            for _ in 0..<Swift.max(0, Swift.min(exponent, 64)) { result = result &* base }
            return result
        }
        case .fmod: arithmetic { a, b in b == 0 ? 0 : a.remainderReportingOverflow(dividingBy: b).partialValue }
        case .mod: arithmetic { a, b in
            guard b != 0 else { return 0 }
            let r = a.remainderReportingOverflow(dividingBy: b).partialValue
            return r != 0 && (r < 0) != (b < 0) ? r &+ b : r
        }
        case .max: arithmetic { Swift.max($0, $1) }
        case .min: arithmetic { Swift.min($0, $1) }
        case .equal, .less, .greater, .lessOrEqual, .greaterOrEqual: compare(op, x, a.shape, y, b.shape, out)
        case .and, .or, .xor: preconditionFailure("\(op) on integers")
        }
    case .bool:
        func logic(_ f: (Bool, Bool) -> Bool) { broadcastBinary(a.bools(), a.shape, b.bools(), b.shape, out.bools(), out.shape, f) }
        switch op {
        case .and: logic { $0 && $1 }
        case .or: logic { $0 || $1 }
        case .xor: logic { $0 != $1 }
        case .equal: logic { $0 == $1 }
        default: preconditionFailure("\(op) on bools")
        }
    }
}

/// A comparison of two broadcast operands into a bool tensor, specialised per element type.
private func compare<T: Comparable>(_ op: BinaryOperator, _ x: UnsafePointer<T>, _ xShape: [Int],
                                    _ y: UnsafePointer<T>, _ yShape: [Int], _ out: TensorRef) {
    func run(_ f: (T, T) -> Bool) { broadcastBinary(x, xShape, y, yShape, out.bools(), out.shape, f) }
    switch op {
    case .equal: run { $0 == $1 }
    case .less: run { $0 < $1 }
    case .greater: run { $0 > $1 }
    case .lessOrEqual: run { $0 <= $1 }
    case .greaterOrEqual: run { $0 >= $1 }
    default: preconditionFailure("\(op) is not a comparison")
    }
}

/// `out = f(x)` elementwise; like `executeBinary`, each function reaches the loop as a literal closure.
func executeUnary(_ op: UnaryOperator, _ x: TensorRef, _ out: TensorRef) {
    let n = x.elementCount
    switch x.dataType {
    case .float32:
        let s = x.floats(), d = out.floats()
        func map(_ f: (Float) -> Float) { for i in 0..<n { d[i] = f(s[i]) } }
        switch op {
        case .sqrt: map { $0.squareRoot() }
        case .erf: map { erff($0) }
        case .sigmoid: Kernels.sigmoid(s, d, count: n)
        case .sin: map { sinf($0) }
        case .cos: map { cosf($0) }
        case .exp: exponential(s, d, count: n)
        case .log: map { logf($0) }
        case .neg: map { -$0 }
        case .abs: map { Swift.abs($0) }
        case .relu: map { Swift.max($0, 0) }
        case .tanh: map { tanhf($0) }
        case .reciprocal: map { 1 / $0 }
        case .floor: map { floorf($0) }
        case .ceil: map { ceilf($0) }
        case .not: preconditionFailure("Not on floats")
        }
    case .int64:
        let s = x.int64s(), d = out.int64s()
        switch op {
        case .neg: for i in 0..<n { d[i] = 0 &- s[i] }
        case .abs: for i in 0..<n { d[i] = s[i] < 0 ? 0 &- s[i] : s[i] }
        case .relu: for i in 0..<n { d[i] = Swift.max(s[i], 0) }
        default: for i in 0..<n { d[i] = s[i] }  // floor, ceil: identity on integers
        }
    case .bool:
        let s = x.bools(), d = out.bools()
        for i in 0..<n { d[i] = !s[i] }
    }
}

/// ONNX `Where`.
func executeSelect(_ condition: TensorRef, _ x: TensorRef, _ y: TensorRef, _ out: TensorRef) {
    switch x.dataType {
    case .float32:
        broadcastSelect(condition.bools(), condition.shape, x.floats(), x.shape, y.floats(), y.shape,
                        out.floats(), out.shape)
    case .int64:
        broadcastSelect(condition.bools(), condition.shape, x.int64s(), x.shape, y.int64s(), y.shape,
                        out.int64s(), out.shape)
    case .bool:
        broadcastSelect(condition.bools(), condition.shape, x.bools(), x.shape, y.bools(), y.shape,
                        out.bools(), out.shape)
    }
}

/// ONNX `Clip` with folded bounds.
func executeClip(_ x: TensorRef, _ out: TensorRef, low: Double?, high: Double?) {
    let n = x.elementCount
    switch x.dataType {
    case .float32:
        let lo = Float(low ?? -.infinity), hi = Float(high ?? .infinity)
        let s = x.floats(), d = out.floats()
        for i in 0..<n { d[i] = Swift.min(Swift.max(s[i], lo), hi) }
    case .int64:
        let lo = low.map { Int64(clamping: Int64(exactly: $0.rounded(.up)) ?? .min) } ?? .min
        let hi = high.map { Int64(clamping: Int64(exactly: $0.rounded(.down)) ?? .max) } ?? .max
        let s = x.int64s(), d = out.int64s()
        for i in 0..<n { d[i] = Swift.min(Swift.max(s[i], lo), hi) }
    case .bool:
        out.data.copyMemory(from: x.data, byteCount: n)
    }
}
