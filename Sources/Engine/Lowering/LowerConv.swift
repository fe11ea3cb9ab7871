import Kernels

extension NodeContext {
    /// ONNX `Conv` and `ConvTranspose` over 1-D (`[N, C, W]`) or 2-D (`[N, C, H, W]`) inputs.
    func lowerConv(transposed: Bool) throws -> LoweredNode {
        let x = try input(0), w = try input(1)
        let spatialRank = x.shape.count - 2
        guard spatialRank == 1 || spatialRank == 2 else {
            throw unsupported("only 1-D and 2-D convolutions are supported, input has shape \(x.shape)")
        }
        guard x.dataType == .float32, w.dataType == .float32 else { throw invalid("inputs must be float") }
        guard w.shape.count == x.shape.count else { throw invalid("weight shape \(w.shape) does not fit input \(x.shape)") }
        let groups = try int("group", default: 1)
        let kernel = Array(w.shape.dropFirst(2))
        if let declared = try ints("kernel_shape"), declared != kernel {
            throw invalid("kernel_shape \(declared) differs from the weight's \(kernel)")
        }
        let strides = try ints("strides") ?? Array(repeating: 1, count: spatialRank)
        let dilations = try ints("dilations") ?? Array(repeating: 1, count: spatialRank)
        var pads = try ints("pads") ?? Array(repeating: 0, count: 2 * spatialRank)
        guard strides.count == spatialRank, dilations.count == spatialRank, pads.count == 2 * spatialRank,
              strides.allSatisfy({ $0 > 0 }), dilations.allSatisfy({ $0 > 0 }), pads.allSatisfy({ $0 >= 0 }),
              groups > 0 else {
            throw invalid("strides \(strides), dilations \(dilations), pads \(pads) or group \(groups) do not fit")
        }
        let inChannels = x.shape[1]
        let outChannels = transposed ? try product([w.shape[1], groups], of: "the output channels") : w.shape[0]
        let weightInChannels = transposed ? w.shape[0] : try product([w.shape[1], groups], of: "the input channels")
        guard weightInChannels == inChannels, inChannels % groups == 0, outChannels % groups == 0 else {
            throw invalid("weight \(w.shape) does not fit \(inChannels) input channels in \(groups) group(s)")
        }
        if let b = optionalInput(2), b.shape != [outChannels] {
            throw invalid("bias shape \(b.shape) should be [\(outChannels)]")
        }
        let inSpatial = Array(x.shape.dropFirst(2))
        guard inSpatial.allSatisfy({ $0 > 0 }), kernel.allSatisfy({ $0 > 0 }) else {
            throw invalid("input \(x.shape) or kernel \(kernel) is empty")
        }
        // Pads, strides and dilations are any positive numbers the file holds: every sum and product is checked.
        let span = try (0..<spatialRank).map {
            try sum([try product([kernel[$0] - 1, dilations[$0]], of: "the dilated kernel extent"), 1],
                    of: "the dilated kernel extent")
        }
        var outSpatial = [Int]()
        let autoPad = try string("auto_pad", default: "NOTSET")
        // Splits `total` padding of axis `a` between its two ends as `auto_pad` says.
        func splitPadding(_ total: Int, axis a: Int) {
            let small = total / 2, large = total - total / 2
            (pads[a], pads[a + spatialRank]) = autoPad == "SAME_UPPER" ? (small, large) : (large, small)
        }
        if transposed {
            let outputPadding = try ints("output_padding") ?? Array(repeating: 0, count: spatialRank)
            guard outputPadding.count == spatialRank, outputPadding.allSatisfy({ $0 >= 0 }) else {
                throw invalid("output_padding \(outputPadding) does not fit \(spatialRank) spatial axes")
            }
            let full = try (0..<spatialRank).map {
                try sum([try product([strides[$0], inSpatial[$0] - 1], of: "the strided input extent"),
                         outputPadding[$0], span[$0]], of: "the full output extent")
            }
            if let outputShape = try ints("output_shape") {
                let target = Array(outputShape.suffix(spatialRank))
                guard target.count == spatialRank, target.allSatisfy({ $0 > 0 }) else {
                    throw invalid("output_shape \(outputShape) does not fit \(spatialRank) spatial axes")
                }
                for a in 0..<spatialRank { splitPadding(full[a] - target[a], axis: a) }
            } else if autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER" {
                for a in 0..<spatialRank {
                    splitPadding(full[a] - (try product([inSpatial[a], strides[a]], of: "the strided input extent")),
                                 axis: a)
                }
            } else if autoPad != "NOTSET" && autoPad != "VALID" {
                throw unsupported("auto_pad \(autoPad)")
            }
            outSpatial = try (0..<spatialRank).map {
                try sum([full[$0], -pads[$0], -pads[$0 + spatialRank]], of: "the cropped output extent")
            }
        } else {
            switch autoPad {
            case "NOTSET": break
            case "VALID": pads = Array(repeating: 0, count: 2 * spatialRank)
            case "SAME_UPPER", "SAME_LOWER":
                for a in 0..<spatialRank {
                    let out = try sum([inSpatial[a], strides[a] - 1], of: "the strided input extent") / strides[a]
                    let total = try sum([(out - 1) * strides[a], span[a], -inSpatial[a]], of: "the padding")
                    splitPadding(max(0, total), axis: a)
                }
            default: throw unsupported("auto_pad \(autoPad)")
            }
            outSpatial = try (0..<spatialRank).map {
                try sum([inSpatial[$0], pads[$0], pads[$0 + spatialRank], -span[$0]], of: "the padded input extent")
                    / strides[$0] + 1
            }
        }
        guard outSpatial.allSatisfy({ $0 > 0 }) else {
            throw invalid("output would be empty (input \(x.shape), kernel \(kernel), pads \(pads))")
        }
        // A 1-D convolution is a 2-D one of height 1.
        let two = { (values: [Int], fill: Int) in values.count == 2 ? values : [fill] + values }
        let k = two(kernel, 1), s = two(strides, 1), d = two(dilations, 1)
        let i = two(inSpatial, 1), o = two(outSpatial, 1)
        let begin = two(Array(pads.prefix(spatialRank)), 0)
        let geometry = ConvGeometry(batch: x.shape[0], inChannels: inChannels, outChannels: outChannels,
                                    groups: groups, inHeight: i[0], inWidth: i[1], outHeight: o[0], outWidth: o[1],
                                    kernelHeight: k[0], kernelWidth: k[1], strideHeight: s[0], strideWidth: s[1],
                                    dilationHeight: d[0], dilationWidth: d[1], padTop: begin[0], padLeft: begin[1])
        let op: Op = transposed ? .convTranspose(geometry) : .conv(geometry)
        let inputs = optionalInput(2) == nil ? [0, 1] : [0, 1, 2]
        return LoweredNode(op, inputs: inputs, output: (.float32, [x.shape[0], outChannels] + outSpatial))
    }

    /// ONNX `MatMul` (numpy semantics: 1-D operands are promoted, batch axes broadcast).
    func lowerMatMul() throws -> LoweredNode {
        let a = try input(0), b = try input(1)
        guard a.dataType == .float32, b.dataType == .float32 else { throw unsupported("only float MatMul is supported") }
        guard !a.shape.isEmpty, !b.shape.isEmpty else { throw invalid("operands must not be scalars") }
        let aShape = a.shape.count == 1 ? [1] + a.shape : a.shape
        let bShape = b.shape.count == 1 ? b.shape + [1] : b.shape
        let m = aShape[aShape.count - 2], k = aShape[aShape.count - 1]
        let k2 = bShape[bShape.count - 2], n = bShape[bShape.count - 1]
        guard k == k2 else { throw invalid("inner dimensions differ: \(a.shape) × \(b.shape)") }
        let aBatch = Array(aShape.dropLast(2)), bBatch = Array(bShape.dropLast(2))
        guard let batch = broadcastShape(aBatch, bBatch) else {
            throw invalid("batch dimensions do not broadcast: \(a.shape) × \(b.shape)")
        }
        var shape = batch
        if a.shape.count > 1 { shape.append(m) }
        if b.shape.count > 1 { shape.append(n) }
        return LoweredNode(.matMul(aBatch: aBatch, bBatch: bBatch, m: m, k: k, n: n), inputs: [0, 1],
                           output: (.float32, shape))
    }

    /// ONNX `Gemm`.
    func lowerGemm() throws -> LoweredNode {
        let a = try input(0), b = try input(1)
        guard a.shape.count == 2, b.shape.count == 2, a.dataType == .float32, b.dataType == .float32 else {
            throw invalid("A and B must be float matrices, got \(a.shape) and \(b.shape)")
        }
        let transposeA = try int("transA", default: 0) != 0, transposeB = try int("transB", default: 0) != 0
        let m = transposeA ? a.shape[1] : a.shape[0], k = transposeA ? a.shape[0] : a.shape[1]
        let kb = transposeB ? b.shape[1] : b.shape[0], n = transposeB ? b.shape[0] : b.shape[1]
        guard k == kb else { throw invalid("inner dimensions differ: \(a.shape) × \(b.shape)") }
        var inputs = [0, 1]
        if let c = optionalInput(2) {
            guard broadcastShape(c.shape, [m, n]) == [m, n] else { throw invalid("C \(c.shape) does not broadcast to [\(m), \(n)]") }
            inputs.append(2)
        }
        let op = Op.gemm(transposeA: transposeA, transposeB: transposeB, alpha: try float("alpha", default: 1),
                         beta: try float("beta", default: 1), m: m, k: k, n: n)
        return LoweredNode(op, inputs: inputs, output: (.float32, [m, n]))
    }
}
