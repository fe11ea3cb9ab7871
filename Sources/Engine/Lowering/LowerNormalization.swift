import Kernels

extension NodeContext {
    /// ONNX `Softmax`: one axis from opset 13, the flattened trailing axes before.
    func lowerSoftmax() throws -> LoweredNode {
        let x = try input(0)
        guard x.dataType == .float32 else { throw invalid("input must be float") }
        let rank = x.shape.count
        let axis = try normalizedAxis(try int("axis", default: opset >= 13 ? -1 : 1), rank: rank)
        let outer = x.shape[..<axis].reduce(1, *)
        let op: Op = opset >= 13
            ? .softmax(outer: outer, length: x.shape[axis], inner: x.shape[(axis + 1)...].reduce(1, *))
            : .softmax(outer: outer, length: x.shape[axis...].reduce(1, *), inner: 1)
        return LoweredNode(op, inputs: [0], output: (.float32, x.shape))
    }

    /// ONNX `LayerNormalization` (only its first output).
    func lowerLayerNorm() throws -> LoweredNode {
        let x = try input(0), scale = try input(1)
        guard x.dataType == .float32 else { throw invalid("input must be float") }
        if node.outputs.count > 1, node.outputs.dropFirst().contains(where: { !$0.isEmpty }) {
            throw unsupported("the Mean and InvStdDev outputs are not supported")
        }
        let axis = try normalizedAxis(try int("axis", default: -1), rank: x.shape.count)
        let rows = x.shape[..<axis].reduce(1, *), cols = x.shape[axis...].reduce(1, *)
        guard scale.value.shape.reduce(1, *) == cols else { throw invalid("scale \(scale.shape) does not cover \(x.shape[axis...])") }
        var inputs = [0, 1]
        if let bias = optionalInput(2) {
            guard bias.shape.reduce(1, *) == cols else { throw invalid("bias \(bias.shape) does not cover \(x.shape[axis...])") }
            inputs.append(2)
        }
        let op = Op.layerNorm(rows: rows, cols: cols, epsilon: try float("epsilon", default: 1e-5))
        return LoweredNode(op, inputs: inputs, output: (.float32, x.shape))
    }

    /// ONNX `InstanceNormalization`.
    func lowerInstanceNorm() throws -> LoweredNode {
        let x = try input(0), scale = try input(1), bias = try input(2)
        guard x.dataType == .float32, x.shape.count >= 3 else { throw invalid("input must be float of rank ≥ 3") }
        guard scale.shape == [x.shape[1]], bias.shape == [x.shape[1]] else {
            throw invalid("scale \(scale.shape) and bias \(bias.shape) should be [\(x.shape[1])]")
        }
        return LoweredNode(.instanceNorm(epsilon: try float("epsilon", default: 1e-5)), inputs: [0, 1, 2],
                           output: (.float32, x.shape))
    }

    /// ONNX `ReduceMean`, `ReduceSum`, `ReduceProd`, `ReduceMax`, `ReduceMin`, `ReduceSumSquare`; axes from the
    /// attribute or (opset 18, and ReduceSum from 13) the second input.
    func lowerReduce(_ reduction: Reduction) throws -> LoweredNode {
        let x = try input(0)
        guard x.dataType != .bool else { throw invalid("cannot reduce bools") }
        let rank = x.shape.count
        var axes = try ints("axes")
        if axes == nil, optionalInput(1) != nil { axes = try constantInts(1, role: "axes") }
        let keep = try int("keepdims", default: 1) != 0
        var reduced = [Bool](repeating: false, count: rank)
        if let axes, !axes.isEmpty {
            for axis in axes { reduced[try normalizedAxis(axis, rank: rank)] = true }
        } else if try int("noop_with_empty_axes", default: 0) == 0 {
            reduced = [Bool](repeating: true, count: rank)
        }
        let shape = keep ? x.shape.indices.map { reduced[$0] ? 1 : x.shape[$0] }
                         : x.shape.indices.filter { !reduced[$0] }.map { x.shape[$0] }
        return LoweredNode(.reduce(reduction, reduced: reduced), inputs: [0], output: (x.dataType, shape))
    }
}
