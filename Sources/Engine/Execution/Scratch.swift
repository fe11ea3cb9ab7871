import Kernels

extension Op {
    /// Bytes of temporary memory the op needs while it runs, for the given input shapes.
    func scratchBytes(inputShapes: [[Int]], outputShapes: [[Int]]) -> Int {
        switch self {
        case .conv(let g):
            return conv2dScratchCount(g) * MemoryLayout<Float>.stride
        case .convTranspose(let g):
            return convTranspose2dScratchCount(g) * MemoryLayout<Float>.stride
        case .spectral(let basis, _, _):
            return basis.scratchCount * MemoryLayout<Float>.stride
        case .attention(_, _, let keys, _, _), .tokenAttention(_, _, _, let keys, _, _, _):
            return attentionScratchCount(keys: keys) * MemoryLayout<Float>.stride
        case .dft(let transform, _, _, _), .stft(let transform, _, _, _, _):
            return transform.scratchCount * MemoryLayout<Float>.stride
        case .reduce:
            return reduceScratchBytes(outputCount: outputShapes[0].reduce(1, *))
        default:
            return 0
        }
    }
}
