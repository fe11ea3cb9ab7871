import Foundation
import Kernels

/// `out = a ∘ b` with numpy broadcasting, for float32, int64 and bool operands.
func executeBinary(_ op: BinaryOperator, _ a: TensorRef, _ b: TensorRef, _ out: TensorRef) {
    switch a.dataType {
    case .float32:
        let x = a.floats(), y = b.floats()
        if op.isComparison {
            let f = floatComparison(op)
            broadcastBinary(x, a.shape, y, b.shape, out.bools(), out.shape, f)
        } else {
            let f = floatArithmetic(op)
            broadcastBinary(x, a.shape, y, b.shape, out.floats(), out.shape, f)
        }
    case .int64:
        let x = a.int64s(), y = b.int64s()
        if op.isComparison {
            let f = integerComparison(op)
            broadcastBinary(x, a.shape, y, b.shape, out.bools(), out.shape, f)
        } else {
            let f = integerArithmetic(op)
            broadcastBinary(x, a.shape, y, b.shape, out.int64s(), out.shape, f)
        }
    case .bool:
        let f = booleanOperator(op)
        broadcastBinary(a.bools(), a.shape, b.bools(), b.shape, out.bools(), out.shape, f)
    }
}

private func floatArithmetic(_ op: BinaryOperator) -> (Float, Float) -> Float {
    switch op {
    case .add: { $0 + $1 }
    case .sub: { $0 - $1 }
    case .mul: { $0 * $1 }
    case .div: { $0 / $1 }
    case .pow: { $1 == 2 ? $0 * $0 : powf($0, $1) }
    case .fmod: { fmodf($0, $1) }
    case .mod: { a, b in
        let r = fmodf(a, b)
        return r != 0 && (r < 0) != (b < 0) ? r + b : r
    }
    case .max: { Swift.max($0, $1) }
    case .min: { Swift.min($0, $1) }
    default: preconditionFailure("\(op) is not float arithmetic")
    }
}

private func integerArithmetic(_ op: BinaryOperator) -> (Int64, Int64) -> Int64 {
    switch op {
    case .add: { $0 &+ $1 }
    case .sub: { $0 &- $1 }
    case .mul: { $0 &* $1 }
    case .div: { b, d in d == 0 ? 0 : b.dividedReportingOverflow(by: d).partialValue }
    case .pow: { base, exponent in
        var result: Int64 = 1
        for _ in 0..<Swift.max(0, Swift.min(exponent, 64)) { result = result &* base }
        return result
    }
    case .fmod: { a, b in b == 0 ? 0 : a.remainderReportingOverflow(dividingBy: b).partialValue }
    case .mod: { a, b in
        guard b != 0 else { return 0 }
        let r = a.remainderReportingOverflow(dividingBy: b).partialValue
        return r != 0 && (r < 0) != (b < 0) ? r &+ b : r
    }
    case .max: { Swift.max($0, $1) }
    case .min: { Swift.min($0, $1) }
    default: preconditionFailure("\(op) is not integer arithmetic")
    }
}

private func floatComparison(_ op: BinaryOperator) -> (Float, Float) -> Bool {
    switch op {
    case .equal: { $0 == $1 }
    case .less: { $0 < $1 }
    case .greater: { $0 > $1 }
    case .lessOrEqual: { $0 <= $1 }
    case .greaterOrEqual: { $0 >= $1 }
    default: preconditionFailure("\(op) does not compare floats")
    }
}

private func integerComparison(_ op: BinaryOperator) -> (Int64, Int64) -> Bool {
    switch op {
    case .equal: { $0 == $1 }
    case .less: { $0 < $1 }
    case .greater: { $0 > $1 }
    case .lessOrEqual: { $0 <= $1 }
    case .greaterOrEqual: { $0 >= $1 }
    default: preconditionFailure("\(op) does not compare integers")
    }
}

private func booleanOperator(_ op: BinaryOperator) -> (Bool, Bool) -> Bool {
    switch op {
    case .and: { $0 && $1 }
    case .or: { $0 || $1 }
    case .xor, .sub: { $0 != $1 }
    case .equal: { $0 == $1 }
    default: preconditionFailure("\(op) does not apply to bools")
    }
}

/// `out = f(x)` elementwise.
func executeUnary(_ op: UnaryOperator, _ x: TensorRef, _ out: TensorRef) {
    let n = x.elementCount
    switch x.dataType {
    case .float32:
        let f = floatFunction(op)
        let s = x.floats(), d = out.floats()
        for i in 0..<n { d[i] = f(s[i]) }
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

private func floatFunction(_ op: UnaryOperator) -> (Float) -> Float {
    switch op {
    case .sqrt: { sqrtf($0) }
    case .erf: { erff($0) }
    case .sigmoid: { 1 / (1 + expf(-$0)) }
    case .sin: { sinf($0) }
    case .cos: { cosf($0) }
    case .exp: { expf($0) }
    case .log: { logf($0) }
    case .neg: { -$0 }
    case .abs: { Swift.abs($0) }
    case .relu: { Swift.max($0, 0) }
    case .tanh: { tanhf($0) }
    case .reciprocal: { 1 / $0 }
    case .floor: { floorf($0) }
    case .ceil: { ceilf($0) }
    case .not: preconditionFailure("Not does not apply to floats")
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
