/// Input channels up to which `fuseProjectedGroupNorm` folds a pointwise projection into the group norm after it:
/// `projectedGroupNorm` reads that many input rows in each register block and gathers their covariance
/// (`inChannels · (inChannels + 1) / 2` double multiply-adds per position, beside the projection's `channels ·
/// inChannels`). HT-Demucs's residual branches project 6 to 48 channels to 12 to 768.
public let projectedGroupNormDepthLimit = 64

/// Output channels up to which `fuseProjectedGroupNorm` folds: bounds the per-channel maps `projectedGroupNorm`
/// keeps for each thread. HT-Demucs's residual branches widen to 12–768.
public let projectedGroupNormChannelLimit = 1 << 18

/// Scratch floats `projectedGroupNorm` needs for `inChannels` input channels (`ProjectionWriter`'s, per thread).
public func projectedGroupNormScratchCount(inChannels: Int) -> Int {
    ProjectionWriter.scratchPerThread(inChannels: inChannels) * kernelThreadCount
}

/// A pointwise projection `p = weight · x + bias` followed by `groupNorm` of `p` (with its activation and scaled
/// residual), without `p` ever being written out: HT-Demucs's residual branches widen a few channels to many
/// (`Conv 1×1 → GroupNorm → GLU → LayerScale → + skip`), and that wide intermediate cost more to write and read
/// back than to compute where it is needed.
///
/// Statistics come from the input, not the projection: `p` is linear in `x`, so channel `c`'s mean is
/// `weight[c] · mean(x) + bias[c]` and its variance `weight[c] · cov(x) · weight[c]ᵀ`, with the mean and the
/// (biased) covariance of each item's `inChannels` rows gathered in double precision (`inputMoments`,
/// `projectedMoments`; a group's summed variances through its Gram matrix where it has at least `inChannels`
/// channels, `summedVariance`). Channels are merged into their group's mean and variance in double precision. The output is
/// then written by a `ProjectionWriter`: the projection computed in register blocks over spans of positions, and
/// normalised, activated and added to the residual while in cache. Batch items go to separate cores when there are
/// enough of them; otherwise each item's statistics are gathered over fixed shares of its positions, and its spans
/// are handed out.
///
/// `x` is `[batch, inChannels, spatial]` with `inChannels ≤ projectedGroupNormDepthLimit`, `weight` `[channels,
/// inChannels]`, `bias` `[channels]`, `gamma` and `beta` `[channels]`, `y` `[batch, outChannels, spatial]`
/// (`outChannels` is `channels / 2` for GLU) laid out as `outputLayout` (dense when nil), the residual's values
/// shaped and laid out like `y`. `scratch` holds `projectedGroupNormScratchCount(inChannels:)` floats. `y` must not
/// alias any input.
public func projectedGroupNorm(_ x: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>,
                               _ y: UnsafeMutablePointer<Float>, batch: Int, inChannels: Int, channels: Int,
                               spatial: Int, groups: Int, gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>,
                               epsilon: Float, then activation: GroupNormActivation = .identity,
                               plus residual: ScaledResidual? = nil, outputLayout: ItemLayout? = nil,
                               scratch: UnsafeMutablePointer<Float>) {
    precondition(activation != .glu || channels % 2 == 0, "GLU needs an even channel count")
    precondition(inChannels <= projectedGroupNormDepthLimit, "\(inChannels) input channels")
    guard batch > 0, spatial > 0, channels > 0 else { return }
    let writer = ProjectionWriter(x: x, weight: weight, y: y, inChannels: inChannels, channels: channels,
                                  spatial: spatial, activation: activation, residual: residual, layout: outputLayout)

    // Groups of at least as many channels as input rows sum their variances through Gram matrices
    // (`summedVariance`, `inChannels²` multiply-adds per group and item) instead of one quadratic form per channel
    // (`channels · inChannels²` per item: HT-Demucs's deepest branches project 48 rows to 768 channels).
    let perGroup = channels / groups, throughGrams = inChannels <= perGroup
    let grams = UnsafeMutablePointer<Double>.allocate(capacity: throughGrams ? groups * inChannels * inChannels : 0)
    defer { grams.deallocate() }
    if throughGrams { groupGrams(weight, rows: inChannels, groups: groups, perGroup: perGroup, into: grams) }

    /// Each channel's affine map for item `n`, from the mean and covariance of its input rows gathered over `shares`
    /// parts of its positions.
    func maps(_ n: Int, shares: Int, into map: UnsafeMutablePointer<NormalisedChannel>) {
        let moments = inChannels * (inChannels + 1)
        withUnsafeTemporaryAllocation(of: Double.self, capacity: moments + 2 * channels) { buffer in
            let mean = buffer.baseAddress!, covariance = mean + inChannels
            let means = covariance + inChannels * inChannels, variances = means + channels
            inputMoments(x + n * inChannels * spatial, rows: inChannels, count: spatial, shares: shares,
                         mean: mean, covariance: covariance)
            projectedMoments(mean: mean, covariance: covariance, rows: inChannels, weight: weight,
                             channels: channels, means: means, variances: throughGrams ? nil : variances)
            for g in 0..<groups {
                let members = g * perGroup ..< (g + 1) * perGroup
                let channelMean = { (c: Int) in Double(bias[c]) + means[c] }
                let mean = members.reduce(0.0) { $0 + channelMean($1) } / Double(perGroup)
                let spread = members.reduce(0.0) { total, c in
                    let offset = channelMean(c) - mean
                    return total + offset * offset
                }
                let spreadWithin = throughGrams
                    ? summedVariance(covariance: covariance, gram: grams + g * inChannels * inChannels,
                                     rows: inChannels)
                    : members.reduce(0.0) { $0 + variances[$1] }
                let variance = (spreadWithin + spread) / Double(perGroup)
                let invStd = Float(1 / (variance + Double(epsilon)).squareRoot())
                for c in members {
                    // The blocks hold the projection without its bias, so the bias is taken off the centre.
                    map[c] = NormalisedChannel(centre: SplitMean(mean - Double(bias[c])), invStd: invStd,
                                               a: gamma[c], b: beta[c])
                }
            }
        }
    }
    withUnsafeTemporaryAllocation(of: NormalisedChannel.self, capacity: channels * kernelThreadCount) { mapBuffer in
        let map = mapBuffer.baseAddress!
        writer.writeItems(batch: batch, scratch: scratch) { n, shares, worker in
            let own = map + worker * channels
            maps(n, shares: shares, into: own)
            return UnsafePointer(own)
        }
    }
}
