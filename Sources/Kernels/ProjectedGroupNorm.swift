/// Input channels up to which `fuseProjectedGroupNorm` folds a pointwise projection into the group norm after it:
/// `projectedGroupNorm` reads that many input rows in each register block and gathers their covariance
/// (`inChannels · (inChannels + 1) / 2` double multiply-adds per position, beside the projection's `channels ·
/// inChannels`). HT-Demucs's residual branches project 6 to 48 channels to 12 to 768.
public let projectedGroupNormDepthLimit = 64

/// Output channels up to which `fuseProjectedGroupNorm` folds: bounds the per-channel maps `projectedGroupNorm`
/// keeps for each thread. HT-Demucs's residual branches widen to 12–768.
public let projectedGroupNormChannelLimit = 1 << 18

/// Scratch floats `projectedGroupNorm` needs for `inChannels` input channels: per thread, a few channels' projected
/// rows and gate rows over one span of positions, and a zero-padded copy of a span's last, partial register block.
public func projectedGroupNormScratchCount(inChannels: Int) -> Int {
    projectedGroupNormScratchPerThread(inChannels: inChannels) * kernelThreadCount
}

private func projectedGroupNormScratchPerThread(inChannels: Int) -> Int {
    (2 * broadcastRows * projectedSpanBlocks + inChannels) * broadcastWidth
}

/// Register blocks of positions (`broadcastWidth` each) `projectedGroupNorm` projects before normalising them:
/// one span, 384 positions with AVX-512 (a frequency item of HT-Demucs's residual branches: 336).
let projectedSpanBlocks = 6

/// Spans one task of a single item's write takes.
let projectedSpansPerTask = 2

/// A pointwise projection `p = weight · x + bias` followed by `groupNorm` of `p` (with its activation and scaled
/// residual), without `p` ever being written out: HT-Demucs's residual branches widen a few channels to many
/// (`Conv 1×1 → GroupNorm → GLU → LayerScale → + skip`), and that wide intermediate cost more to write and read
/// back than to compute where it is needed.
///
/// Statistics come from the input, not the projection: `p` is linear in `x`, so channel `c`'s mean is
/// `weight[c] · mean(x) + bias[c]` and its variance `weight[c] · cov(x) · weight[c]ᵀ`, with the mean and the
/// (biased) covariance of each item's `inChannels` rows gathered in double precision (`inputMoments`,
/// `projectedMoments`). Channels are merged into their group's mean and variance in double precision. The output is
/// then written in spans of `projectedSpanBlocks · broadcastWidth` positions: register blocks project a few channels
/// (and their GLU gates) over the span, and `writeNormalisedChannel` applies the norm, activation and residual while
/// they are in cache. Batch items go to separate cores when there are enough of them; otherwise each item's
/// statistics are gathered over fixed shares of its positions, and its spans are handed out.
///
/// `x` is `[batch, inChannels, spatial]` with `inChannels ≤ projectedGroupNormDepthLimit`, `weight` `[channels,
/// inChannels]`, `bias` `[channels]`, `gamma` and `beta` `[channels]`, `y` `[batch, outChannels, spatial]`
/// (`outChannels` is `channels / 2` for GLU), the residual's values shaped like `y`. `scratch` holds
/// `projectedGroupNormScratchCount(inChannels:)` floats. `y` must not alias any input.
public func projectedGroupNorm(_ x: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>,
                               _ y: UnsafeMutablePointer<Float>, batch: Int, inChannels: Int, channels: Int,
                               spatial: Int, groups: Int, gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>,
                               epsilon: Float, then activation: GroupNormActivation = .identity,
                               plus residual: ScaledResidual? = nil, scratch: UnsafeMutablePointer<Float>) {
    precondition(activation != .glu || channels % 2 == 0, "GLU needs an even channel count")
    precondition(inChannels <= projectedGroupNormDepthLimit, "\(inChannels) input channels")
    guard batch > 0, spatial > 0, channels > 0 else { return }
    let width = broadcastWidth, spanWidth = projectedSpanBlocks * width
    let spans = (spatial + spanWidth - 1) / spanWidth
    let outChannels = activation == .glu ? channels / 2 : channels
    let perThread = projectedGroupNormScratchPerThread(inChannels: inChannels)
    let input = UncheckedSendable(x), w = UncheckedSendable(weight), output = UncheckedSendable(y)
    let work = UncheckedSendable(scratch), skip = UncheckedSendable(residual)

    /// Each channel's affine map for item `n`, from the mean and covariance of its input rows gathered over `shares`
    /// parts of its positions.
    func maps(_ n: Int, shares: Int, into map: UnsafeMutablePointer<NormalisedChannel>) {
        let moments = inChannels * (inChannels + 1)
        withUnsafeTemporaryAllocation(of: Double.self, capacity: moments + 2 * channels) { buffer in
            let mean = buffer.baseAddress!, covariance = mean + inChannels
            let means = covariance + inChannels * inChannels, variances = means + channels
            inputMoments(input.value + n * inChannels * spatial, rows: inChannels, count: spatial, shares: shares,
                         mean: mean, covariance: covariance)
            projectedMoments(mean: mean, covariance: covariance, rows: inChannels, weight: w.value,
                             channels: channels, means: means, variances: variances)
            let perGroup = channels / groups
            for g in 0..<groups {
                let members = g * perGroup ..< (g + 1) * perGroup
                let channelMean = { (c: Int) in Double(bias[c]) + means[c] }
                let mean = members.reduce(0.0) { $0 + channelMean($1) } / Double(perGroup)
                let variance = members.reduce(0.0) { total, c in
                    let spread = channelMean(c) - mean
                    return total + variances[c] + spread * spread
                } / Double(perGroup)
                let invStd = Float(1 / (variance + Double(epsilon)).squareRoot())
                for c in members {
                    // The blocks hold the projection without its bias, so the bias is taken off the centre.
                    map[c] = NormalisedChannel(centre: SplitMean(mean - Double(bias[c])), invStd: invStd,
                                               a: gamma[c], b: beta[c])
                }
            }
        }
    }
    /// Writes position spans `range` of item `n` with the channels' maps `map`, in `scratch` (`perThread` floats).
    func write(_ n: Int, _ range: Range<Int>, _ map: UnsafePointer<NormalisedChannel>,
               _ scratch: UnsafeMutablePointer<Float>) {
        let values = scratch, gates = values + broadcastRows * spanWidth, tile = gates + broadcastRows * spanWidth
        let item = input.value + n * inChannels * spatial
        for span in range {
            let start = span * spanWidth, count = min(spanWidth, spatial - start)
            let blocks = (count + width - 1) / width, partial = count % width
            // A partial last block reads its input rows from a zero-padded copy, the others in place.
            if partial > 0 {
                let from = item + start + (blocks - 1) * width
                for k in 0..<inChannels {
                    (tile + k * width).update(from: from + k * spatial, count: partial)
                    (tile + k * width + partial).update(repeating: 0, count: width - partial)
                }
            }
            /// Projects channels `first ..< first + count` of the span into `into` (rows `spanWidth` apart).
            func project(_ first: Int, _ count: Int, into: UnsafeMutablePointer<Float>) {
                for block in 0..<blocks {
                    let padded = partial > 0 && block == blocks - 1
                    broadcastProductBlock(a: w.value + first * inChannels, lda: inChannels, rows: count,
                                          b: padded ? UnsafePointer(tile) : item + start + block * width,
                                          ldb: padded ? width : spatial, depth: inChannels) { i, c0, c1, c2, c3 in
                        storePrefix(c0, c1, c2, c3, to: into + i * spanWidth + block * width, count: width)
                    }
                }
            }
            var first = 0
            while first < outChannels {
                let group = min(broadcastRows, outChannels - first)
                project(first, group, into: values)
                if activation == .glu { project(outChannels + first, group, into: gates) }
                for i in 0..<group {
                    let c = first + i, offset = (n * outChannels + c) * spatial + start
                    writeNormalisedChannel(activation, (UnsafePointer(values + i * spanWidth), map[c]),
                                           gate: activation == .glu
                                               ? (UnsafePointer(gates + i * spanWidth), map[outChannels + c]) : nil,
                                           to: output.value + offset, count: count,
                                           residual: skip.value.map { ($0.values + offset, $0.scale[c]) })
                }
                first += group
            }
        }
    }

    let threads = kernelThreadCount
    withUnsafeTemporaryAllocation(of: NormalisedChannel.self, capacity: channels * threads) { mapBuffer in
        let map = UncheckedSendable(mapBuffer.baseAddress!)
        if batch >= 2 * threads {
            parallelTasks(batch) { worker, n in
                let own = map.value + worker * channels
                maps(n, shares: 1, into: own)
                write(n, 0..<spans, own, work.value + worker * perThread)
            }
            return
        }
        for n in 0..<batch {
            maps(n, shares: threads, into: map.value)
            let tasks = (spans + projectedSpansPerTask - 1) / projectedSpansPerTask
            parallelTasks(tasks) { worker, task in
                write(n, task * projectedSpansPerTask ..< min(spans, (task + 1) * projectedSpansPerTask), map.value,
                      work.value + worker * perThread)
            }
        }
    }
}
