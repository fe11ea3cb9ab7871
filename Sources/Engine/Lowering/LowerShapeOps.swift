import Kernels

extension NodeContext {
    /// ONNX `Transpose` (default: reverse the axes).
    func lowerTranspose() throws -> LoweredNode {
        let x = try input(0)
        let rank = x.shape.count
        let permutation = try ints("perm") ?? Array((0..<rank).reversed())
        guard permutation.count == rank, Set(permutation) == Set(0..<rank) else {
            throw invalid("perm \(permutation) is not a permutation of \(rank) axes")
        }
        return LoweredNode(.transpose(permutation: permutation), inputs: [0],
                           output: (x.dataType, permutation.map { x.shape[$0] }))
    }

    /// ONNX `Reshape` with a constant target (0 copies the input extent unless `allowzero`, -1 is inferred).
    func lowerReshape() throws -> LoweredNode {
        let x = try input(0)
        let requested = try constantInts(1, role: "shape")
        let allowZero = try int("allowzero", default: 0) != 0
        var shape = requested.enumerated().map { i, extent in
            extent == 0 && !allowZero && i < x.shape.count ? x.shape[i] : extent
        }
        let count = x.shape.reduce(1, *)
        if let inferred = shape.firstIndex(of: -1) {
            let known = shape.enumerated().filter { $0.offset != inferred }.map(\.element)
            guard known.allSatisfy({ $0 >= 0 }), shape.filter({ $0 == -1 }).count == 1 else {
                throw invalid("target shape \(requested) is malformed")
            }
            guard let product = acceptedElementCount(known, x.dataType), product > 0, count % product == 0 else {
                throw invalid("cannot reshape \(x.shape) to \(requested)")
            }
            shape[inferred] = count / product
        }
        guard shape.allSatisfy({ $0 >= 0 }) else { throw invalid("cannot reshape \(x.shape) to \(requested)") }
        try checkOutput(0, x.dataType, shape)  // before its extents are multiplied
        guard shape.reduce(1, *) == count else { throw invalid("cannot reshape \(x.shape) to \(requested)") }
        return LoweredNode(.reshape, inputs: [0], output: (x.dataType, shape))
    }

    /// ONNX `Flatten` to two axes split at `axis`.
    func lowerFlatten() throws -> LoweredNode {
        let x = try input(0)
        var axis = try int("axis", default: 1)
        if axis < 0 { axis += x.shape.count }
        guard axis >= 0 && axis <= x.shape.count else { throw invalid("axis \(axis) out of range") }
        return LoweredNode(.reshape, inputs: [0],
                           output: (x.dataType, [x.shape[..<axis].reduce(1, *), x.shape[axis...].reduce(1, *)]))
    }

    /// ONNX `Identity`.
    func lowerIdentity() throws -> LoweredNode {
        let x = try input(0)
        return LoweredNode(.reshape, inputs: [0], output: (x.dataType, x.shape))
    }

    /// Axes of `Squeeze`/`Unsqueeze`: the attribute before opset 13, the optional second input from 13.
    private func axesOperand() throws -> [Int]? {
        if opset < 13 { return try ints("axes") }
        return optionalInput(1) == nil ? nil : try constantInts(1, role: "axes")
    }

    /// ONNX `Squeeze` (default: every axis of extent 1).
    func lowerSqueeze() throws -> LoweredNode {
        let x = try input(0)
        let rank = x.shape.count
        let axes = try axesOperand().map { try Set($0.map { try normalizedAxis($0, rank: rank) }) }
            ?? Set(x.shape.indices.filter { x.shape[$0] == 1 })
        for axis in axes where x.shape[axis] != 1 { throw invalid("axis \(axis) of \(x.shape) is not 1") }
        let shape = x.shape.indices.filter { !axes.contains($0) }.map { x.shape[$0] }
        return LoweredNode(.reshape, inputs: [0], output: (x.dataType, shape))
    }

    /// ONNX `Unsqueeze`.
    func lowerUnsqueeze() throws -> LoweredNode {
        let x = try input(0)
        guard let given = try axesOperand() else { throw invalid("axes are required") }
        let rank = x.shape.count + given.count
        let axes = try Set(given.map { try normalizedAxis($0, rank: rank) })
        guard axes.count == given.count else { throw invalid("axes \(given) repeat") }
        var source = x.shape.makeIterator()
        let shape = (0..<rank).map { axes.contains($0) ? 1 : source.next()! }
        return LoweredNode(.reshape, inputs: [0], output: (x.dataType, shape))
    }

    /// ONNX `Slice` (bounds from inputs from opset 10, attributes before), clamped as the specification says.
    func lowerSlice() throws -> LoweredNode {
        let x = try input(0)
        let rank = x.shape.count
        let starts: [Int], ends: [Int], axesGiven: [Int]?, stepsGiven: [Int]?
        if opset < 10 {
            starts = try ints("starts") ?? []
            ends = try ints("ends") ?? []
            axesGiven = try ints("axes")
            stepsGiven = nil
        } else {
            starts = try constantInts(1, role: "starts")
            ends = try constantInts(2, role: "ends")
            axesGiven = optionalInput(3) == nil ? nil : try constantInts(3, role: "axes")
            stepsGiven = optionalInput(4) == nil ? nil : try constantInts(4, role: "steps")
        }
        let axes = try (axesGiven ?? Array(0..<starts.count)).map { try normalizedAxis($0, rank: rank) }
        let steps = stepsGiven ?? Array(repeating: 1, count: starts.count)
        guard ends.count == starts.count, axes.count == starts.count, steps.count == starts.count,
              Set(axes).count == axes.count else {
            throw invalid("starts, ends, axes and steps differ in length or repeat an axis")
        }
        var begin = [Int](repeating: 0, count: rank), stepPerAxis = [Int](repeating: 1, count: rank)
        var shape = x.shape
        for (i, axis) in axes.enumerated() {
            let extent = x.shape[axis]
            guard steps[i] != 0 else { throw invalid("step 0 on axis \(axis)") }
            // A step longer than the axis takes at most one element; clamping it keeps the arithmetic below
            // (and the strides the op computes with) from overflowing on steps like Int.min.
            let step = min(max(steps[i], -(extent + 1)), extent + 1)
            var s = starts[i], e = ends[i]
            if s < 0 { s += extent }
            if e < 0 { e += extent }
            if step > 0 {
                s = min(max(s, 0), extent)
                e = min(max(e, 0), extent)
                shape[axis] = max(0, (e - s + step - 1) / step)
            } else {
                s = min(max(s, 0), extent - 1)
                e = min(max(e, -1), extent - 1)
                shape[axis] = max(0, (s - e - step - 1) / -step)
            }
            begin[axis] = shape[axis] == 0 ? 0 : s
            stepPerAxis[axis] = step
        }
        return LoweredNode(.slice(starts: begin, steps: stepPerAxis), inputs: [0], output: (x.dataType, shape))
    }

    /// ONNX `Split`: sizes from the input (opset ≥ 13) or attribute, else `num_outputs` or equal pieces.
    func lowerSplit() throws -> LoweredNode {
        let x = try input(0)
        let axis = try normalizedAxis(try int("axis", default: 0), rank: x.shape.count)
        let extent = x.shape[axis]
        let pieces = node.outputs.count
        var sizes: [Int]
        if let given = try ints("split") {
            sizes = given
        } else if optionalInput(1) != nil {
            sizes = try constantInts(1, role: "split sizes")
        } else {
            let count = try int("num_outputs", default: pieces)
            guard count == pieces else { throw invalid("num_outputs \(count) differs from the node's \(pieces) outputs") }
            let size = (extent + count - 1) / count
            sizes = (0..<count).map { min(size, max(0, extent - $0 * size)) }
        }
        guard sizes.count == pieces, sizes.allSatisfy({ $0 >= 0 }),
              try sum(sizes, of: "the split sizes") == extent else {
            throw invalid("split sizes \(sizes) do not cover axis \(axis) of \(x.shape) in \(pieces) outputs")
        }
        let outputs = sizes.map { size -> (DataType, [Int]) in
            var shape = x.shape
            shape[axis] = size
            return (x.dataType, shape)
        }
        return LoweredNode(.split(axis: axis, sizes: sizes), inputs: [0], outputs: outputs)
    }

    /// ONNX `Concat`.
    func lowerConcat() throws -> LoweredNode {
        let parts = try operands.indices.map { try input($0) }
        guard let first = parts.first else { throw invalid("needs at least one input") }
        let axis = try normalizedAxis(try int("axis") ?? { throw invalid("axis is required") }(), rank: first.shape.count)
        var shape = first.shape
        shape[axis] = 0
        for part in parts {
            guard part.dataType == first.dataType, part.shape.count == first.shape.count,
                  part.shape.indices.allSatisfy({ $0 == axis || part.shape[$0] == first.shape[$0] }) else {
                throw invalid("input shapes \(parts.map(\.shape)) do not concatenate on axis \(axis)")
            }
            shape[axis] = try sum([shape[axis], part.shape[axis]], of: "the concatenated extent")
        }
        return LoweredNode(.concat(axis: axis), inputs: Array(parts.indices), output: (first.dataType, shape))
    }

    /// ONNX `Gather`.
    func lowerGather() throws -> LoweredNode {
        let data = try input(0), indices = try input(1)
        guard indices.dataType == .int64 else { throw invalid("indices must be integers") }
        let axis = try normalizedAxis(try int("axis", default: 0), rank: data.shape.count)
        let shape = Array(data.shape[..<axis]) + indices.shape + Array(data.shape[(axis + 1)...])
        // One constant index picking the only element of a length-1 axis copies every element in place: a reshape
        // (HT-Demucs's iSTFT takes its one output channel so, 11 MB a segment).
        if data.shape[axis] == 1, let picked = indices.constant?.int64s(), picked == [0] || picked == [-1] {
            return LoweredNode(.reshape, inputs: [0], output: (data.dataType, shape))
        }
        return LoweredNode(.gather(axis: axis), inputs: [0, 1], output: (data.dataType, shape))
    }

    /// ONNX `Pad` (constant, reflect, edge), pads from the input (opset ≥ 11) or attribute.
    func lowerPad() throws -> LoweredNode {
        let x = try input(0)
        let rank = x.shape.count
        let mode: PadMode
        switch try string("mode", default: "constant") {
        case "constant": mode = .constant
        case "reflect": mode = .reflect
        case "edge": mode = .edge
        case let other: throw unsupported("mode '\(other)'")
        }
        var pads: [Int]
        var fillValue: Double
        if opset < 11 {
            pads = try ints("pads") ?? []
            fillValue = Double(try float("value", default: 0))
        } else {
            pads = try constantInts(1, role: "pads")
            fillValue = try constantScalar(2, role: "constant value") ?? 0
        }
        var begin = [Int](repeating: 0, count: rank), end = [Int](repeating: 0, count: rank)
        let axes = optionalInput(3) == nil ? Array(0..<rank)
            : try constantInts(3, role: "axes").map { try normalizedAxis($0, rank: rank) }
        guard pads.count == 2 * axes.count else { throw invalid("pads \(pads) do not fit axes \(axes)") }
        for (i, axis) in axes.enumerated() {
            begin[axis] = pads[i]
            end[axis] = pads[i + axes.count]
        }
        // A crop takes at most the whole axis, so every pad is bounded by the extents and the kernel's index
        // arithmetic stays in range.
        guard x.shape.indices.allSatisfy({ begin[$0] >= -x.shape[$0] && end[$0] >= -x.shape[$0] }) else {
            throw invalid("pads \(pads) crop more than \(x.shape) holds")
        }
        let shape = try x.shape.indices.map { try sum([x.shape[$0], begin[$0], end[$0]], of: "the padded extent") }
        guard shape.allSatisfy({ $0 >= 0 }) else { throw invalid("pads \(pads) crop \(x.shape) below zero") }
        if mode == .reflect {
            for axis in 0..<rank where (begin[axis] > 0 || end[axis] > 0)
                && (begin[axis] >= x.shape[axis] || end[axis] >= x.shape[axis]) {
                throw invalid("reflect padding \(begin[axis])/\(end[axis]) needs more than \(x.shape[axis]) samples")
            }
        }
        if mode == .edge, x.shape.contains(0) { throw invalid("edge padding of an empty tensor") }
        let fill = x.dataType == .float32 ? Tensor(shape: [], floats: [Float(fillValue)])
            : x.dataType == .int64 ? Tensor(shape: [], int64s: [Int64(fillValue)])
            : Tensor(shape: [], bools: [fillValue != 0])
        return LoweredNode(.pad(begin: begin, end: end, mode: mode, fill: fill), inputs: [0], output: (x.dataType, shape))
    }

    /// ONNX `Tile` with constant repeats.
    func lowerTile() throws -> LoweredNode {
        let x = try input(0)
        let repeats = try constantInts(1, role: "repeats")
        guard repeats.count == x.shape.count, repeats.allSatisfy({ $0 >= 0 }) else {
            throw invalid("repeats \(repeats) do not fit \(x.shape)")
        }
        let shape = try zip(x.shape, repeats).map { try product([$0, $1], of: "the tiled extent") }
        return LoweredNode(.tile(repeats: repeats), inputs: [0], output: (x.dataType, shape))
    }

    /// ONNX `Expand` to a constant shape (numpy broadcasting both ways).
    func lowerExpand() throws -> LoweredNode {
        let x = try input(0)
        let target = try constantInts(1, role: "shape")
        guard target.allSatisfy({ $0 >= 0 }), let shape = broadcastShape(x.shape, target) else {
            throw invalid("cannot expand \(x.shape) to \(target)")
        }
        return LoweredNode(.expand, inputs: [0], output: (x.dataType, shape))
    }

    /// ONNX `ScatterND` without reduction.
    func lowerScatterND() throws -> LoweredNode {
        let data = try input(0), indices = try input(1), updates = try input(2)
        guard try string("reduction", default: "none") == "none" else { throw unsupported("reduction other than none") }
        guard indices.dataType == .int64, updates.dataType == data.dataType,
              let depth = indices.shape.last, depth <= data.shape.count,
              updates.shape == Array(indices.shape.dropLast()) + Array(data.shape[depth...]) else {
            throw invalid("data \(data.shape), indices \(indices.shape) and updates \(updates.shape) do not fit")
        }
        return LoweredNode(.scatterND, inputs: [0, 1, 2], output: (data.dataType, data.shape))
    }

    /// ONNX `Range` over constant scalars.
    func lowerRange() throws -> LoweredNode {
        let start = try input(0), limit = try input(1), delta = try input(2)
        guard let s = try constantScalar(0, role: "start"), let l = try constantScalar(1, role: "limit"),
              let d = try constantScalar(2, role: "delta") else { throw invalid("start, limit and delta are required") }
        guard start.dataType == limit.dataType, start.dataType == delta.dataType, start.dataType != .bool, d != 0 else {
            throw invalid("start, limit and delta must be numbers of one type with a non-zero delta")
        }
        // The length is worked out in floating point and checked before it becomes an Int: a hostile file may
        // give infinite, NaN or astronomically distant bounds.
        let steps = ((l - s) / d).rounded(.up)
        guard steps.isFinite else { throw invalid("start \(s), limit \(l) and delta \(d) give no finite length") }
        guard let count = Int(exactly: max(0, steps)) else {
            throw EngineError.tooLarge(value: outputName(0), size: "\(start.dataType) [\(steps)]")
        }
        return LoweredNode(.range, inputs: [0, 1, 2], output: (start.dataType, [count]))
    }

    /// ONNX `ConstantOfShape`.
    func lowerConstantOfShape(value: Tensor) throws -> LoweredNode {
        let shape = try constantInts(0, role: "shape")
        guard shape.allSatisfy({ $0 >= 0 }) else { throw invalid("shape \(shape) has a negative extent") }
        return LoweredNode(.constantOfShape(value: value), inputs: [], output: (value.dataType, shape))
    }

    /// ONNX `Shape` (with the opset-15 `start`/`end` window).
    func lowerShape() throws -> LoweredNode {
        let x = try input(0)
        let rank = x.shape.count
        let clamp = { (v: Int) in min(max(v < 0 ? v + rank : v, 0), rank) }
        let start = clamp(try int("start", default: 0)), end = clamp(try int("end", default: rank))
        return LoweredNode(.shape(start: start, end: max(start, end)), inputs: [0],
                           output: (.int64, [max(0, end - start)]))
    }

    /// ONNX `Cast` between the engine's types; a cast to the type the value already has shares its bytes, as
    /// `Identity` does.
    func lowerCast(to target: DataType) throws -> LoweredNode {
        let x = try input(0)
        return LoweredNode(x.dataType == target ? .reshape : .cast(to: target), inputs: [0], output: (target, x.shape))
    }
}
