import Kernels

extension Op {
    /// Bytes of temporary memory the op needs while it runs, for the given input shapes.
    func scratchBytes(inputShapes: [[Int]], outputShapes: [[Int]]) -> Int {
        switch self {
        case .conv(let g), .channelMajorConv(let g):
            return conv2dScratchCount(g) * MemoryLayout<Float>.stride
        case .winogradConv(let g, _):
            return winogradScratchCount(g) * MemoryLayout<Float>.stride
        case .convTranspose(let g):
            return convTranspose2dScratchCount(g) * MemoryLayout<Float>.stride
        case .spectral(let basis, _, _):
            return basis.scratchCount * MemoryLayout<Float>.stride
        case .spectralSynthesisSum(let bases, _, _), .spectralAnalysisStack(let bases, _, _):
            return bases[0].scratchCount * MemoryLayout<Float>.stride
        case let .attention(_, _, keys, depth, valueDepth):
            return attentionScratchCount(keys: keys, depth: depth, valueDepth: valueDepth) * MemoryLayout<Float>.stride
        case let .tokenAttention(_, heads, _, keys, depth, valueDepth, _):
            return attentionScratchCount(keys: keys, depth: depth, valueDepth: valueDepth,
                                         layout: .tokensFirst(heads: heads)) * MemoryLayout<Float>.stride
        case .dft(let transform, _, _, _), .stft(let transform, _, _, _, _):
            return transform.scratchCount * MemoryLayout<Float>.stride
        case .projectedGLU:
            return projectedGLUScratchCount(inChannels: inputShapes[0][1]) * MemoryLayout<Float>.stride
        case .projectedGroupNorm:
            return projectedGroupNormScratchCount(inChannels: inputShapes[0][1]) * MemoryLayout<Float>.stride
        case .reduce:
            return reduceScratchBytes(outputCount: outputShapes[0].reduce(1, *))
        default:
            return 0
        }
    }
}
