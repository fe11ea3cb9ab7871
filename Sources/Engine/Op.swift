import Kernels

/// Elementwise operators of two inputs, with numpy broadcasting.
public enum BinaryOperator: String, Sendable {
    case add, sub, mul, div, pow, mod, fmod, max, min
    case equal, less, greater, lessOrEqual, greaterOrEqual
    case and, or, xor

    /// True when the result is bool whatever the operand type.
    var isComparison: Bool {
        switch self {
        case .equal, .less, .greater, .lessOrEqual, .greaterOrEqual, .and, .or, .xor: true
        default: false
        }
    }
}

/// Elementwise operators of one input.
public enum UnaryOperator: String, Sendable {
    case sqrt, erf, sigmoid, sin, cos, exp, log, neg, abs, relu, tanh, reciprocal, floor, ceil, not
}

/// One node of the typed graph: what to compute, never how. Shapes are static, so every attribute here is
/// resolved: axes are non-negative, constant parameter inputs (shapes, pads, slice bounds, …) are folded in.
public enum Op: Sendable {
    /// ONNX `Conv`, 1-D (as height 1) and 2-D. Inputs: x, weight, optional bias.
    case conv(ConvGeometry)
    /// `.conv` reading its `[batch, C, 1, W]` input from a channel-major tensor (`[1, C, batch, W]`:
    /// `ItemLayout.channelMajor`), made by `keepResidualBranchesChannelMajor`. Inputs: x, weight, optional bias.
    case channelMajorConv(ConvGeometry)
    /// ONNX `ConvTranspose`, 1-D (as height 1) and 2-D. Inputs: x, weight, optional bias.
    case convTranspose(ConvGeometry)
    /// A 3×3 or 1-D three-tap `Conv` (stride 1, padding 1, one group) computed by Winograd's F(4×4, 3×3) or
    /// F(4, 3) (`winogradConv`), made by `useWinogradConvolutions`; with `gatedLinear`, also the channel GLU that
    /// alone reads it (`fuseConvolutionGLU`). Inputs: x, the transformed weight `[36 or 6, outChannels, inChannels]`
    /// (`winogradWeights`), optional bias.
    case winogradConv(ConvGeometry, gatedLinear: Bool)
    /// A `Conv` (`analysis`) or `ConvTranspose` (synthesis) whose weights are a windowed DFT basis, computed
    /// with FFTs; made by `replaceSpectralConvolutions`, never by lowering. Input: x.
    case spectral(SpectralBasis, analysis: Bool, ConvGeometry)
    /// Several spectral analyses of one input that share one window and geometry, computed with one FFT per frame
    /// for all of them, stacked along a new second axis and cut to output frames `frames` (the export's STFT
    /// concatenates its cosine and sine halves, then drops edge frames); made by `stackSpectralAnalyses`. Input: x;
    /// output `[batch, bases.count, bins, frames.count]`.
    case spectralAnalysisStack([SpectralBasis], ConvGeometry, frames: Range<Int>)
    /// The sum of several spectral syntheses that share one window and geometry (the export's iSTFT adds the
    /// syntheses of its real and imaginary halves), computed with one inverse FFT per frame for all of them; made
    /// by `sumSpectralSyntheses`. Inputs: one `z` per basis; the geometry is the first synthesis's. With `stacked`
    /// (`foldSpectrumGathers`), one input `[batch, S, bins, frames]` holds every basis's spectra, basis `i` reading
    /// index `stacked[i]` of its second axis (the `Gather`s that took them apart folded in).
    case spectralSynthesisSum([SpectralBasis], ConvGeometry, stacked: [Int]?)
    /// ONNX `MatMul` with rank ≥ 2 operands after 1-D promotion: a is `aBatch + [m, k]`, b is `bBatch + [k, n]`.
    case matMul(aBatch: [Int], bBatch: [Int], m: Int, k: Int, n: Int)
    /// `a · w + bias` for a single weight matrix, made by `fuseLinear`. Inputs: a `[rows, k]` (any batch axes
    /// folded into rows), w `[k, n]`, bias (n values).
    case linear(rows: Int, k: Int, n: Int)
    /// `.linear` with its constant weight packed once at load, computed in register blocks (`packedLinear`), made
    /// by `packLinearWeights`; then GELU when `gelu` (`fuseLinearGELU`). Inputs: a `[rows, k]`, the packed weight,
    /// bias (n values).
    case packedLinear(rows: Int, k: Int, n: Int, gelu: Bool)
    /// `a · s + r` with `s` one value per channel of an `[outer, channels, inner]` view, made by `fuseScaledAdd`.
    /// Inputs: a, s, r.
    case scaledAdd(outer: Int, channels: Int, inner: Int)
    /// `softmax(q · kT) · v` per head, made by `fuseAttention`. Inputs: q `[…, queries, depth]`,
    /// kT `[…, depth, keys]`, v `[…, keys, valueDepth]`.
    case attention(batch: Int, queries: Int, keys: Int, depth: Int, valueDepth: Int)
    /// `softmax(scale · q · kᵀ) · v` per head, reading and writing tokens-first layouts (no transposes around
    /// it), made by `fuseHeadTransposes`. Inputs: q `[batch, queries, heads, depth]`, k `[batch, keys, heads,
    /// depth]`, v `[batch, keys, heads, valueDepth]`; output `[batch, queries, heads, valueDepth]`.
    case tokenAttention(batch: Int, heads: Int, queries: Int, keys: Int, depth: Int, valueDepth: Int, scale: Float)
    /// Exact GELU, `(x · (erf(x / √2) + 1)) · 0.5`, made by `fuseGELU`. Input: x.
    case gelu
    /// `gelu(x) + r` for operands of one shape, made by `fuseGELUResiduals`. Inputs: x, r.
    case geluPlusResidual
    /// Float `Add`/`Sub`/`Mul`/`Div` links applied in one pass (`Kernels.elementwiseChain`), made by
    /// `fuseElementwiseChains`. Inputs: the start value (one float per output element), then one operand per step.
    case elementwiseChain([ElementwiseStep])
    /// `a · sigmoid(b)` for the two halves of a `[outer, 2·half, inner]` input, made by `fuseGLU`. Input: x.
    case glu(outer: Int, half: Int, inner: Int)
    /// Group normalisation with per-channel γ and β, made by `fuseGroupNorm`, then `activation` in the same pass
    /// (`fuseGroupNormActivations`; a GLU halves the channels), then, when `plusScaledResidual`, a scaled residual
    /// sum (`fuseGroupNormResiduals`). Inputs: x `[N, C, …]`, γ, β (C values); with the residual also s (one value
    /// per output channel) and r (the output's shape).
    case groupNorm(groups: Int, epsilon: Float, then: GroupNormActivation, plusScaledResidual: Bool)
    /// A pointwise convolution (1×1, bias, one group) and the `.groupNorm` that alone reads it, computed without
    /// writing the convolution's output (`projectedGroupNorm`), made by `fuseProjectedGroupNorm`. Inputs: x
    /// `[N, K, …]`, the convolution's weight `[C, K, 1, 1]` and bias, then the `.groupNorm`'s γ, β (and s, r).
    /// With `channelMajor` (`keepResidualBranchesChannelMajor`) the output and r are `[1, C′, N, …]` tensors read
    /// as `[N, C′, …]` (`ItemLayout.channelMajor`).
    case projectedGroupNorm(groups: Int, epsilon: Float, then: GroupNormActivation, plusScaledResidual: Bool,
                            channelMajor: Bool)
    /// A pointwise convolution (1×1, bias, one group) and the channel `.glu` that alone reads it, computed without
    /// writing the convolution's output (`projectedGLU`), made by `fuseConvolutionGLU`. Inputs: x `[N, K, …]`, the
    /// convolution's weight `[2C, K, 1, …]` and bias.
    case projectedGLU
    /// One-group normalisation of a channels-last `[batch, tokens, channels]` tensor with per-channel γ and β,
    /// made by `fuseChannelsLastGroupNorm` from a `.groupNorm` between two transposes. Inputs: x, γ, β.
    case channelsLastGroupNorm(epsilon: Float)
    /// ONNX `Gemm`: `alpha · op(A) · op(B) + beta · C`, C broadcast to `[m, n]`.
    case gemm(transposeA: Bool, transposeB: Bool, alpha: Float, beta: Float, m: Int, k: Int, n: Int)
    case binary(BinaryOperator)
    case unary(UnaryOperator)
    /// ONNX `Where`: condition, x, y.
    case select
    /// ONNX `Clip` with its bounds folded (nil = unbounded).
    case clip(min: Double?, max: Double?)
    /// ONNX `Softmax` over the middle axis of `[outer, length, inner]`.
    case softmax(outer: Int, length: Int, inner: Int)
    /// ONNX `LayerNormalization` over the trailing `cols` elements of each of `rows` rows. Inputs: x, scale,
    /// optional bias.
    case layerNorm(rows: Int, cols: Int, epsilon: Float)
    /// ONNX `InstanceNormalization`. Inputs: x, scale, bias.
    case instanceNorm(epsilon: Float)
    /// ONNX `ReduceMean`, `ReduceProd`, … over the flagged axes of the input.
    case reduce(Reduction, reduced: [Bool])
    case transpose(permutation: [Int])
    /// A change of shape that keeps the elements in order: `Reshape`, `Flatten`, `Squeeze`, `Unsqueeze`,
    /// `Identity`, a `Cast` to the input's own type, a `Gather` of the only element of a length-1 axis. Free at
    /// run time (the output aliases the input).
    case reshape
    /// ONNX `Slice` with one start and step per input axis.
    case slice(starts: [Int], steps: [Int])
    /// ONNX `Split` into consecutive pieces along `axis`.
    case split(axis: Int, sizes: [Int])
    case concat(axis: Int)
    case gather(axis: Int)
    /// ONNX `Pad`; `fill` is the constant value as a one-element tensor of the input's type.
    case pad(begin: [Int], end: [Int], mode: PadMode, fill: Tensor)
    case tile(repeats: [Int])
    /// ONNX `Expand`: broadcast the input to the output shape.
    case expand
    case scatterND
    /// ONNX `Range`; its inputs are always constants.
    case range
    /// ONNX `ConstantOfShape`; `value` is the one-element fill.
    case constantOfShape(value: Tensor)
    /// ONNX `Shape`, the extent of axes `start ..< end`.
    case shape(start: Int, end: Int)
    case cast(to: DataType)
    /// ONNX `DFT` along the middle axis of `[outer, axisLength, inner, components]`. Input: x.
    case dft(FourierTransform, outer: Int, axisLength: Int, inner: Int)
    /// ONNX `STFT` of `[batch, length, components]` in `frames` frames `step` apart. Inputs: signal, optional window.
    case stft(FourierTransform, batch: Int, length: Int, step: Int, frames: Int)

    /// The op's name for listings (`swdemucs inspect`), close to the ONNX op type.
    public var name: String {
        switch self {
        case .conv: "Conv"
        case .channelMajorConv: "Conv.channelMajor"
        case .convTranspose: "ConvTranspose"
        case .winogradConv(_, let gated): gated ? "Conv.Winograd+GLU" : "Conv.Winograd"
        case .spectral(_, let analysis, _): analysis ? "Spectral.STFT" : "Spectral.iSTFT"
        case .spectralAnalysisStack(let bases, _, _): "Spectral.STFT×\(bases.count)"
        case .spectralSynthesisSum(let bases, _, _): "Spectral.iSTFT×\(bases.count)"
        case .matMul: "MatMul"
        case .linear: "Linear"
        case .packedLinear(_, _, _, let gelu): gelu ? "Linear+GELU" : "Linear"
        case .scaledAdd: "ScaledAdd"
        case .attention, .tokenAttention: "Attention"
        case .gelu: "GELU"
        case .geluPlusResidual: "GELU+Add"
        case .elementwiseChain(let steps): "Elementwise×\(steps.count)"
        case .glu: "GLU"
        case .projectedGLU: "Conv+GLU"
        case .channelsLastGroupNorm: "GroupNorm"
        case let .groupNorm(_, _, activation, residual):
            "GroupNorm" + [.gelu: "+GELU", .glu: "+GLU"][activation, default: ""] + (residual ? "+ScaledAdd" : "")
        case let .projectedGroupNorm(groups, epsilon, activation, residual, _):
            "Conv+" + Op.groupNorm(groups: groups, epsilon: epsilon, then: activation, plusScaledResidual: residual).name
        case .gemm: "Gemm"
        case .binary(let o): "Binary." + o.rawValue
        case .unary(let o): "Unary." + o.rawValue
        case .select: "Where"
        case .clip: "Clip"
        case .softmax: "Softmax"
        case .layerNorm: "LayerNormalization"
        case .instanceNorm: "InstanceNormalization"
        case .reduce(let r, _): "Reduce.\(r)"
        case .transpose: "Transpose"
        case .reshape: "Reshape"
        case .slice: "Slice"
        case .split: "Split"
        case .concat: "Concat"
        case .gather: "Gather"
        case .pad: "Pad"
        case .tile: "Tile"
        case .expand: "Expand"
        case .scatterND: "ScatterND"
        case .range: "Range"
        case .constantOfShape: "ConstantOfShape"
        case .shape: "Shape"
        case .cast: "Cast"
        case .dft: "DFT"
        case .stft: "STFT"
        }
    }

    /// True when the op's output can only depend on its inputs' shapes, never their values.
    var readsOnlyShapes: Bool {
        if case .shape = self { return true }
        return false
    }
}
