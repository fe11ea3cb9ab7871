import Kernels

extension NodeContext {
    /// Two-input elementwise ops with numpy broadcasting.
    func lowerBinary(_ op: BinaryOperator) throws -> LoweredNode {
        let a = try input(0), b = try input(1)
        guard a.dataType == b.dataType else {
            throw unsupported("operands have different types (\(a.dataType), \(b.dataType))")
        }
        guard let shape = broadcastShape(a.shape, b.shape) else {
            throw invalid("shapes \(a.shape) and \(b.shape) do not broadcast")
        }
        switch (a.dataType, op) {
        case (.bool, .and), (.bool, .or), (.bool, .xor), (.bool, .equal): break
        case (.bool, _): throw unsupported("\(op.rawValue) on bools")
        case (_, .and), (_, .or), (_, .xor): throw invalid("\(op.rawValue) needs bool operands")
        default: break
        }
        return LoweredNode(.binary(op), inputs: [0, 1], output: (op.isComparison ? .bool : a.dataType, shape))
    }

    /// One-input elementwise ops.
    func lowerUnary(_ op: UnaryOperator) throws -> LoweredNode {
        let x = try input(0)
        switch (x.dataType, op) {
        case (.bool, .not), (.float32, _): break
        case (.int64, .neg), (.int64, .abs), (.int64, .relu), (.int64, .floor), (.int64, .ceil): break
        default: throw unsupported("\(op.rawValue) on \(x.dataType)")
        }
        if op == .not && x.dataType != .bool { throw invalid("Not needs a bool input") }
        return LoweredNode(.unary(op), inputs: [0], output: (x.dataType, x.shape))
    }

    /// ONNX `Where`.
    func lowerWhere() throws -> LoweredNode {
        let c = try input(0), x = try input(1), y = try input(2)
        guard c.dataType == .bool, x.dataType == y.dataType else { throw invalid("needs a bool condition and equal branch types") }
        guard let xy = broadcastShape(x.shape, y.shape), let shape = broadcastShape(c.shape, xy) else {
            throw invalid("shapes \(c.shape), \(x.shape), \(y.shape) do not broadcast")
        }
        return LoweredNode(.select, inputs: [0, 1, 2], output: (x.dataType, shape))
    }

    /// ONNX `Clip`: bounds from inputs (opset ≥ 11) or attributes (older opsets), folded into the op.
    func lowerClip() throws -> LoweredNode {
        let x = try input(0)
        let low: Double?, high: Double?
        if opset < 11 {
            low = Double(try float("min", default: -.greatestFiniteMagnitude))
            high = Double(try float("max", default: .greatestFiniteMagnitude))
        } else {
            low = try constantScalar(1, role: "minimum")
            high = try constantScalar(2, role: "maximum")
        }
        return LoweredNode(.clip(min: low, max: high), inputs: [0], output: (x.dataType, x.shape))
    }
}
