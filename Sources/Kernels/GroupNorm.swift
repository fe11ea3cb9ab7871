/// Group normalisation as HT-Demucs exports it (`Reshape → InstanceNormalization → Reshape → Mul → Add`):
/// for a dense `[batch, channels, spatial]` tensor split into `groups` groups of consecutive channels, each
/// group is normalised by its own mean and biased variance, then channel `c` is scaled by `gamma[c]` and
/// shifted by `beta[c]`: `y = ((x − mean) · invStd) · gamma + beta`. `x` and `y` may alias.
///
/// Large groups gather their statistics over chunks spread across the cores and normalise their channels in
/// parallel; small ones (HT-Demucs's residual branches fold 512 frequencies into the batch: 512 groups of a
/// few thousand values) are handed out whole, a share of the groups per core.
public func groupNorm(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, batch: Int, channels: Int,
                      spatial: Int, groups: Int, gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>,
                      epsilon: Float) {
    let perGroup = channels / groups * spatial
    let input = UncheckedSendable(x), output = UncheckedSendable(y)
    let scale = UncheckedSendable(gamma), shift = UncheckedSendable(beta)
    /// Normalises channels `local` of group `index` (batch item × group) with its statistics.
    func normalise(_ index: Int, _ local: Range<Int>, _ mean: SplitMean, _ invStd: Float) {
        let firstChannel = index % groups * (channels / groups)
        for c in local {
            let offset = index * perGroup + c * spatial
            let a = scale.value[firstChannel + c], b = shift.value[firstChannel + c]
            mapVectors(input.value + offset, output.value + offset, count: spatial) { mean.centre($0) * invStd * a + b }
        }
    }
    if perGroup < parallelStatisticsMinimum {
        parallelRanges(batch * groups, minimumPerThread: max(1, (1 << 15) / max(perGroup, 1))) { indices in
            for index in indices {
                let (mean, invStd) = meanAndInverseStd(input.value + index * perGroup, count: perGroup, epsilon: epsilon)
                normalise(index, 0..<(channels / groups), mean, invStd)
            }
        }
        return
    }
    for index in 0..<(batch * groups) {
        let (mean, invStd) = meanAndInverseStd(x + index * perGroup, count: perGroup, epsilon: epsilon,
                                               chunks: kernelThreadCount)
        parallelRanges(channels / groups, minimumPerThread: max(1, (1 << 15) / max(spatial, 1))) { local in
            normalise(index, local, mean, invStd)
        }
    }
}

/// Group normalisation with a single group over a channels-last `[batch, tokens, channels]` tensor (what a
/// `Transpose → GroupNorm(1 group) → Transpose` computes around a transformer layer's output): each batch item
/// is normalised by the mean and biased variance of all its values, then `y[t][c] = (x − mean) · invStd ·
/// gamma[c] + beta[c]`. `x` and `y` may alias. Statistics and tokens are spread over the cores.
public func groupNormChannelsLast(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, batch: Int,
                                  tokens: Int, channels: Int, gamma: UnsafePointer<Float>,
                                  beta: UnsafePointer<Float>, epsilon: Float) {
    let input = UncheckedSendable(x), output = UncheckedSendable(y)
    let scale = UncheckedSendable(gamma), shift = UncheckedSendable(beta)
    let perItem = tokens * channels
    for n in 0..<batch {
        let (mean, invStd) = meanAndInverseStd(x + n * perItem, count: perItem, epsilon: epsilon,
                                               chunks: kernelThreadCount)
        parallelRanges(tokens, minimumPerThread: max(1, (1 << 15) / max(channels, 1))) { rows in
            for t in rows {
                let offset = n * perItem + t * channels
                for c in 0..<channels {
                    output.value[offset + c] = mean.centre(input.value[offset + c]) * invStd * scale.value[c] + shift.value[c]
                }
            }
        }
    }
}
