import ONNX

/// An ONNX node being lowered, with its operands and typed, validated access to its attributes.
/// Every failure names the node and op type.
struct NodeContext {
    let node: NodeProto
    let operands: [Operand?]
    let opset: Int

    var name: String { node.name }
    var opType: String { node.opType }

    /// The operand at `index`, which must be present.
    func input(_ index: Int) throws -> Operand {
        guard index < operands.count, let operand = operands[index] else {
            throw invalid("input \(index) is missing")
        }
        return operand
    }

    /// The operand at `index`, or nil when the node omits that optional input.
    func optionalInput(_ index: Int) -> Operand? {
        index < operands.count ? operands[index] : nil
    }

    func invalid(_ detail: String) -> EngineError {
        .invalidNode(node: name, opType: opType, detail: detail)
    }

    func unsupported(_ detail: String) -> EngineError {
        .unsupportedAttribute(node: name, opType: opType, detail: detail)
    }

    // MARK: Attributes

    func int(_ attribute: String) throws -> Int? {
        guard let value = node.attribute(attribute) else { return nil }
        guard case .int(let v) = value, let i = Int(exactly: v) else {
            throw invalid("attribute '\(attribute)' must be an integer")
        }
        return i
    }

    func int(_ attribute: String, default fallback: Int) throws -> Int {
        try int(attribute) ?? fallback
    }

    func ints(_ attribute: String) throws -> [Int]? {
        guard let value = node.attribute(attribute) else { return nil }
        guard case .ints(let v) = value else { throw invalid("attribute '\(attribute)' must be a list of integers") }
        return try v.map {
            guard let i = Int(exactly: $0) else { throw invalid("attribute '\(attribute)' holds \($0)") }
            return i
        }
    }

    func float(_ attribute: String, default fallback: Float) throws -> Float {
        guard let value = node.attribute(attribute) else { return fallback }
        switch value {
        case .float(let f): return f
        case .int(let i): return Float(i)
        default: throw invalid("attribute '\(attribute)' must be a float")
        }
    }

    func string(_ attribute: String, default fallback: String) throws -> String {
        guard let value = node.attribute(attribute) else { return fallback }
        guard case .string(let s) = value else { throw invalid("attribute '\(attribute)' must be a string") }
        return s
    }

    /// The tensor attribute `attribute` holds, in engine storage; errors call an unnamed one `node.attribute`.
    func attributeTensor(_ proto: TensorProto, _ attribute: String) throws -> Tensor {
        var named = proto
        if named.name.isEmpty { named.name = "\(name).\(attribute)" }
        return try Tensor(named)
    }

    // MARK: Constant inputs

    /// The integer contents of a constant input (shape, axes, pads, …); an error if it is computed at run time.
    func constantInts(_ index: Int, role: String) throws -> [Int] {
        let operand = try input(index)
        guard let tensor = operand.constant else {
            throw unsupported("its \(role) (input \(index)) is computed at run time; only constant \(role) is supported")
        }
        guard tensor.dataType == .int64 else { throw invalid("its \(role) (input \(index)) must be integers") }
        return tensor.ints
    }

    /// The scalar contents of a constant numeric input, as a double.
    func constantScalar(_ index: Int, role: String) throws -> Double? {
        guard let operand = optionalInput(index) else { return nil }
        guard let tensor = operand.constant else {
            throw unsupported("its \(role) (input \(index)) is computed at run time")
        }
        guard tensor.elementCount == 1 else { throw invalid("its \(role) must hold one value") }
        switch tensor.dataType {
        case .float32: return Double(tensor.floats()[0])
        case .int64: return Double(tensor.int64s()[0])
        case .bool: return tensor.bools()[0] ? 1 : 0
        }
    }

    /// `axis` made non-negative for a tensor of `rank`, or an error if out of range.
    func normalizedAxis(_ axis: Int, rank: Int) throws -> Int {
        let a = axis < 0 ? axis + rank : axis
        guard a >= 0 && a < max(rank, 1) else { throw invalid("axis \(axis) is out of range for rank \(rank)") }
        return a
    }
}
