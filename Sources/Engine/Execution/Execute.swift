import Foundation
import Kernels

extension Op {
    /// Computes the op from `inputs` into `outputs`.
    ///
    /// Every tensor is dense and has the shape and type lowering gave it; outputs do not alias inputs (except for
    /// `.reshape`, which then does nothing). `scratch` holds at least `scratchBytes(…)` bytes.
    func execute(inputs: [TensorRef], outputs: [TensorRef], scratch: UnsafeMutableRawPointer) throws {
        let out = outputs[0]
        switch self {
        case .conv(let g), .channelMajorConv(let g):
            let layout: ItemLayout? = if case .channelMajorConv = self {
                .channelMajor(batch: g.batch, length: g.inWidth)
            } else {
                nil
            }
            conv2d(g, input: inputs[0].floats(), inputLayout: layout, weight: inputs[1].floats(),
                   bias: inputs.count > 2 ? inputs[2].floats() : nil, output: out.floats(),
                   scratch: scratch.assumingMemoryBound(to: Float.self))
        case let .winogradConv(g, gated):
            Kernels.winogradConv(g, input: inputs[0].floats(), transformedWeight: inputs[1].floats(),
                                 bias: inputs.count > 2 ? inputs[2].floats() : nil, output: out.floats(),
                                 gatedLinear: gated, scratch: scratch.assumingMemoryBound(to: Float.self))
        case .convTranspose(let g):
            convTranspose2d(g, input: inputs[0].floats(), weight: inputs[1].floats(),
                            bias: inputs.count > 2 ? inputs[2].floats() : nil, output: out.floats(),
                            scratch: scratch.assumingMemoryBound(to: Float.self))
        case let .spectral(basis, analysis, g):
            let scratchFloats = scratch.assumingMemoryBound(to: Float.self)
            if analysis {
                spectralAnalysis([basis], x: inputs[0].floats(), batch: g.batch, inLength: g.inWidth,
                                 stride: g.strideWidth, padLeft: g.padLeft, frames: 0..<g.outWidth, out: out.floats(),
                                 scratch: scratchFloats)
            } else {
                spectralSynthesis([basis], z: [UnsafePointer(inputs[0].floats())], batch: g.batch, frames: g.inWidth,
                                  stride: g.strideWidth, padLeft: g.padLeft, outLength: g.outWidth, out: out.floats(),
                                  scratch: scratchFloats)
            }
        case let .spectralAnalysisStack(bases, g, frames):
            spectralAnalysis(bases, x: inputs[0].floats(), batch: g.batch, inLength: g.inWidth, stride: g.strideWidth,
                             padLeft: g.padLeft, frames: frames, out: out.floats(),
                             scratch: scratch.assumingMemoryBound(to: Float.self))
        case let .spectralSynthesisSum(bases, g, stacked):
            // Stacked spectra: basis i's rows start at index stacked[i] of the input's second axis.
            let z = stacked.map { indices in
                indices.map { UnsafePointer(inputs[0].floats() + $0 * inputs[0].shape[2] * inputs[0].shape[3]) }
            } ?? inputs.map { UnsafePointer($0.floats()) }
            spectralSynthesis(bases, z: z, itemStride: stacked.map { _ in inputs[0].shape.dropFirst().reduce(1, *) },
                              batch: g.batch, frames: g.inWidth, stride: g.strideWidth, padLeft: g.padLeft,
                              outLength: g.outWidth, out: out.floats(),
                              scratch: scratch.assumingMemoryBound(to: Float.self))
        case let .matMul(aBatch, bBatch, m, k, n):
            batchedMatMul(a: inputs[0].floats(), aBatch: aBatch, b: inputs[1].floats(), bBatch: bBatch,
                          output: out.floats(), m: m, k: k, n: n)
        case let .linear(rows, k, n):
            Kernels.linear(a: inputs[0].floats(), w: inputs[1].floats(), bias: inputs[2].floats(), output: out.floats(),
                           rows: rows, k: k, n: n)
        case let .packedLinear(rows, k, n, gelu):
            Kernels.packedLinear(a: inputs[0].floats(), packedW: inputs[1].floats(), bias: inputs[2].floats(),
                                 output: out.floats(), rows: rows, k: k, n: n, thenGELU: gelu)
        case let .scaledAdd(outer, channels, inner):
            Kernels.scaledAdd(inputs[0].floats(), scale: inputs[1].floats(), residual: inputs[2].floats(),
                              out.floats(), outer: outer, channels: channels, inner: inner)
        case let .attention(batch, queries, keys, depth, valueDepth):
            Kernels.attention(q: inputs[0].floats(), k: inputs[1].floats(), v: inputs[2].floats(), out: out.floats(),
                              batch: batch, queries: queries, keys: keys, depth: depth, valueDepth: valueDepth,
                              scratch: scratch.assumingMemoryBound(to: Float.self))
        case let .tokenAttention(batch, heads, queries, keys, depth, valueDepth, scale):
            Kernels.attention(q: inputs[0].floats(), k: inputs[1].floats(), v: inputs[2].floats(), out: out.floats(),
                              layout: .tokensFirst(heads: heads), batch: batch, queries: queries, keys: keys,
                              depth: depth, valueDepth: valueDepth, scale: scale,
                              scratch: scratch.assumingMemoryBound(to: Float.self))
        case .gelu:
            Kernels.gelu(inputs[0].floats(), out.floats(), count: out.elementCount)
        case .geluPlusResidual:
            Kernels.gelu(inputs[0].floats(), plus: inputs[1].floats(), out.floats(), count: out.elementCount)
        case .elementwiseChain(let steps):
            Kernels.elementwiseChain(inputs[0].floats(), steps: steps, operands: inputs.dropFirst().map { UnsafePointer($0.floats()) },
                                     out.floats(), count: out.elementCount)
        case let .glu(outer, half, inner):
            Kernels.glu(inputs[0].floats(), out.floats(), outer: outer, half: half, inner: inner)
        case let .groupNorm(groups, epsilon, activation, plusScaledResidual):
            let x = inputs[0]
            let residual = plusScaledResidual
                ? ScaledResidual(scale: inputs[3].floats(), values: inputs[4].floats()) : nil
            Kernels.groupNorm(x.floats(), out.floats(), batch: x.shape[0], channels: x.shape[1],
                              spatial: x.shape.dropFirst(2).reduce(1, *), groups: groups, gamma: inputs[1].floats(),
                              beta: inputs[2].floats(), epsilon: epsilon, then: activation, plus: residual)
        case let .projectedGroupNorm(groups, epsilon, activation, plusScaledResidual, channelMajor):
            let x = inputs[0], weight = inputs[1], spatial = x.shape.dropFirst(2).reduce(1, *)
            let residual = plusScaledResidual
                ? ScaledResidual(scale: inputs[5].floats(), values: inputs[6].floats()) : nil
            Kernels.projectedGroupNorm(x.floats(), weight: weight.floats(), bias: inputs[2].floats(), out.floats(),
                                       batch: x.shape[0], inChannels: x.shape[1], channels: weight.shape[0],
                                       spatial: spatial, groups: groups,
                                       gamma: inputs[3].floats(), beta: inputs[4].floats(), epsilon: epsilon,
                                       then: activation, plus: residual,
                                       outputLayout: channelMajor ? .channelMajor(batch: x.shape[0], length: spatial) : nil,
                                       scratch: scratch.assumingMemoryBound(to: Float.self))
        case .projectedGLU:
            let x = inputs[0], weight = inputs[1]
            Kernels.projectedGLU(x.floats(), weight: weight.floats(), bias: inputs[2].floats(), out.floats(),
                                 batch: x.shape[0], inChannels: x.shape[1], channels: weight.shape[0],
                                 spatial: x.shape.dropFirst(2).reduce(1, *),
                                 scratch: scratch.assumingMemoryBound(to: Float.self))
        case .channelsLastGroupNorm(let epsilon):
            let x = inputs[0]
            Kernels.groupNormChannelsLast(x.floats(), out.floats(), batch: x.shape[0], tokens: x.shape[1],
                                          channels: x.shape[2], gamma: inputs[1].floats(), beta: inputs[2].floats(),
                                          epsilon: epsilon)
        case let .gemm(transposeA, transposeB, alpha, beta, m, k, n):
            executeGemm(inputs, out, transposeA: transposeA, transposeB: transposeB,
                        alpha: alpha, beta: beta, m: m, k: k, n: n)
        case .binary(let op):
            executeBinary(op, inputs[0], inputs[1], out)
        case .unary(let op):
            executeUnary(op, inputs[0], out)
        case .select:
            executeSelect(inputs[0], inputs[1], inputs[2], out)
        case let .clip(low, high):
            executeClip(inputs[0], out, low: low, high: high)
        case let .softmax(outer, length, inner):
            Kernels.softmax(inputs[0].floats(), out.floats(), outer: outer, length: length, inner: inner)
        case let .layerNorm(rows, cols, epsilon):
            Kernels.layerNorm(inputs[0].floats(), out.floats(), rows: rows, cols: cols, gamma: inputs[1].floats(),
                      beta: inputs.count > 2 ? inputs[2].floats() : nil, epsilon: epsilon)
        case .instanceNorm(let epsilon):
            let x = inputs[0]
            Kernels.instanceNorm(x.floats(), out.floats(), batch: x.shape[0], channels: x.shape[1],
                         spatial: x.shape.dropFirst(2).reduce(1, *), scale: inputs[1].floats(),
                         bias: inputs[2].floats(), epsilon: epsilon)
        case let .reduce(reduction, reduced):
            executeReduce(reduction, reduced: reduced, inputs[0], out, scratch: scratch)
        case .transpose(let permutation):
            let x = inputs[0]
            let strides = contiguousStrides(x.shape)
            copy(x, StridedLayout(shape: out.shape, strides: permutation.map { strides[$0] }), into: out)
        case .reshape:
            if out.data != inputs[0].data {
                out.data.copyMemory(from: inputs[0].data, byteCount: out.elementCount * out.dataType.byteWidth)
            }
        case let .slice(starts, steps):
            let x = inputs[0]
            let strides = contiguousStrides(x.shape)
            let offset = zip(starts, strides).reduce(0) { $0 + $1.0 * $1.1 }
            copy(x, StridedLayout(shape: out.shape, strides: zip(strides, steps).map { $0 * $1 }, offset: offset),
                 into: out)
        case let .split(axis, _):
            let x = inputs[0]
            let strides = contiguousStrides(x.shape)
            var start = 0
            for piece in outputs {
                copy(x, StridedLayout(shape: piece.shape, strides: strides, offset: start * strides[axis]),
                     into: piece)
                start += piece.shape[axis]
            }
        case .concat(let axis):
            let strides = contiguousStrides(out.shape)
            var start = 0
            for piece in inputs {
                stridedCopy(from: piece.data, StridedLayout(contiguous: piece.shape), to: out.data,
                            StridedLayout(shape: piece.shape, strides: strides, offset: start * strides[axis]),
                            elementSize: out.dataType.byteWidth)
                start += piece.shape[axis]
            }
        case .gather(let axis):
            try executeGather(axis: axis, inputs[0], inputs[1], out)
        case let .pad(begin, end, mode, fill):
            Kernels.pad(inputs[0].data, shape: inputs[0].shape, begin: begin, end: end, mode: mode,
                fill: fill.rawPointer, output: out.data, elementSize: out.dataType.byteWidth)
        case .tile(let repeats):
            let x = inputs[0]
            let strides = contiguousStrides(x.shape)
            let shape = x.shape.indices.flatMap { [repeats[$0], x.shape[$0]] }
            let layout = StridedLayout(shape: shape, strides: strides.flatMap { [0, $0] })
            stridedCopy(from: x.data, layout, to: out.data, StridedLayout(contiguous: shape),
                        elementSize: out.dataType.byteWidth)
        case .expand:
            let x = inputs[0]
            copy(x, StridedLayout(shape: out.shape, strides: broadcastStrides(x.shape, to: out.shape)), into: out)
        case .scatterND:
            try executeScatterND(inputs[0], inputs[1], inputs[2], out)
        case .range:
            executeRange(inputs[0], inputs[2], out)
        case .constantOfShape(let value):
            let width = out.dataType.byteWidth
            for i in 0..<out.elementCount { (out.data + i * width).copyMemory(from: value.rawPointer, byteCount: width) }
        case let .shape(start, end):
            let p = out.int64s()
            for (i, extent) in inputs[0].shape[start..<end].enumerated() { p[i] = Int64(extent) }
        case .cast:
            executeCast(inputs[0], out)
        case let .dft(transform, outer, axisLength, inner):
            Kernels.dft(transform, x: inputs[0].floats(), outer: outer, axisLength: axisLength, inner: inner,
                        out: out.floats(), scratch: scratch.assumingMemoryBound(to: Float.self))
        case let .stft(transform, batch, length, step, frames):
            Kernels.stft(transform, signal: inputs[0].floats(), batch: batch, length: length, step: step,
                         frames: frames, window: inputs.count > 1 ? inputs[1].floats() : nil, out: out.floats(),
                         scratch: scratch.assumingMemoryBound(to: Float.self))
        }
    }

    /// Copies the strided view `layout` of `x` densely into `out`.
    private func copy(_ x: TensorRef, _ layout: StridedLayout, into out: TensorRef) {
        stridedCopy(from: x.data, layout, to: out.data, StridedLayout(contiguous: out.shape),
                    elementSize: out.dataType.byteWidth)
    }
}
