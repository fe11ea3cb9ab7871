/// What `groupNorm` applies to the normalised values `z` before writing them.
public enum GroupNormActivation: Sendable {
    /// `y = z`, `[batch, channels, spatial]`.
    case identity
    /// `y = gelu(z)` (`geluVector`), `[batch, channels, spatial]`.
    case gelu
    /// GLU over the channel axis: `y[n][c] = z[n][c] · sigmoid(z[n][half + c])` for `c < half = channels / 2`;
    /// `y` is `[batch, half, spatial]`.
    case glu
}

/// A residual added after a per-channel scale: `y = r + s[c] · v` for the values `v` a kernel computes (HT-Demucs's
/// LayerScale and the skip sum after each residual branch). `values` has the output's layout; `scale` holds one
/// value per output channel.
public struct ScaledResidual {
    public let scale: UnsafePointer<Float>
    public let values: UnsafePointer<Float>

    public init(scale: UnsafePointer<Float>, values: UnsafePointer<Float>) {
        self.scale = scale
        self.values = values
    }
}

/// Group normalisation as HT-Demucs exports it (`Reshape → InstanceNormalization → Reshape → Mul → Add`), then
/// optionally the activation that follows it: for a dense `[batch, channels, spatial]` tensor split into
/// `groups` groups of consecutive channels, each group is normalised by its own mean and biased variance, then
/// channel `c` is scaled by `gamma[c]` and shifted by `beta[c]`: `z = ((x − mean) · invStd) · gamma + beta`, and
/// `y = activation(z)` in the same pass, plus `residual` when given (`y = r + s[c] · activation(z)`, the same
/// float operations as `scaledAdd`). `y` must not alias `x` or the residual's values.
///
/// Large batch items gather each group's statistics over chunks spread across the cores and write their channels
/// in parallel; small ones (HT-Demucs's residual branches fold 512 frequencies into the batch: 512 items of a few
/// thousand values) are handed out whole, a share of the items per core.
public func groupNorm(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, batch: Int, channels: Int,
                      spatial: Int, groups: Int, gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>,
                      epsilon: Float, then activation: GroupNormActivation = .identity,
                      plus residual: ScaledResidual? = nil) {
    precondition(activation != .glu || channels % 2 == 0, "GLU needs an even channel count")
    let perGroup = channels / groups * spatial, perItem = channels * spatial
    let outChannels = activation == .glu ? channels / 2 : channels
    let input = UncheckedSendable(x), output = UncheckedSendable(y)
    let scale = UncheckedSendable(gamma), shift = UncheckedSendable(beta), skip = UncheckedSendable(residual)
    /// Writes output channels `local` of batch item `n`, whose groups' statistics are in `statistics`.
    func write(_ n: Int, _ local: Range<Int>, _ statistics: UnsafePointer<(SplitMean, Float)>) {
        /// The source row of channel `c`, and `z`'s affine map for it.
        func channel(_ c: Int) -> (UnsafePointer<Float>, NormalisedChannel) {
            let (mean, invStd) = statistics[c / (channels / groups)]
            return (input.value + (n * channels + c) * spatial,
                    NormalisedChannel(centre: mean, invStd: invStd, a: scale.value[c], b: shift.value[c]))
        }
        for c in local {
            let offset = (n * outChannels + c) * spatial
            writeNormalisedChannel(activation, channel(c), gate: activation == .glu ? channel(outChannels + c) : nil,
                                   to: output.value + offset, count: spatial,
                                   residual: skip.value.map { ($0.values + offset, $0.scale[c]) })
        }
    }
    withUnsafeTemporaryAllocation(of: (SplitMean, Float).self, capacity: perItem < parallelStatisticsMinimum
                                  ? kernelThreadCount * groups : groups) { buffer in
        let statistics = UncheckedSendable(buffer.baseAddress!)
        if perItem < parallelStatisticsMinimum {
            let shares = min(kernelThreadCount, max(1, batch * perItem / (1 << 15)))
            parallelShares(batch, shares: shares) { share, items in
                let own = statistics.value + share * groups
                for n in items {
                    for g in 0..<groups {
                        own[g] = meanAndInverseStd(input.value + n * perItem + g * perGroup, count: perGroup,
                                                   epsilon: epsilon)
                    }
                    write(n, 0..<outChannels, own)
                }
            }
            return
        }
        for n in 0..<batch {
            for g in 0..<groups {
                statistics.value[g] = meanAndInverseStd(x + n * perItem + g * perGroup, count: perGroup,
                                                        epsilon: epsilon, chunks: kernelThreadCount)
            }
            parallelRanges(outChannels, minimumPerThread: max(1, (1 << 15) / max(spatial, 1))) { local in
                write(n, local, statistics.value)
            }
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

/// `z`'s affine map for one channel of a group normalisation, `z = (x − centre) · invStd · a + b`, computed as
/// `(x − centre.high) · scale + offset` with `scale = invStd · a` and `offset = b − centre.low · scale`: one
/// subtraction (exact for `x` near a large mean, as `SplitMean.centre` is) and one multiply-add per value.
struct NormalisedChannel {
    let high: Float
    let scale: Float
    let offset: Float

    init(centre: SplitMean, invStd: Float, a: Float, b: Float) {
        high = centre.high
        scale = invStd * a
        offset = b - centre.low * scale
    }

    @inline(__always)
    func apply(_ v: FloatVector) -> FloatVector { multiplyAdd(v - high, scale, offset) }
}

/// Writes `count` values of one output channel of a group normalisation: `activation` of the row normalised by
/// its map (for GLU, gated by `gate`'s row under its own map), plus `residual`'s values (at the same offsets as
/// `out`) times its scale when given. `out` must not alias the rows or the residual.
///
/// Never inlined: inside its callers, which are large, the optimiser left its vector loads and stores as calls.
@inline(never)
func writeNormalisedChannel(_ activation: GroupNormActivation, _ source: (UnsafePointer<Float>, NormalisedChannel),
                            gate: (UnsafePointer<Float>, NormalisedChannel)?, to out: UnsafeMutablePointer<Float>,
                            count: Int, residual: (UnsafePointer<Float>, Float)?) {
    precondition(activation != .glu || gate != nil, "GLU needs its gate row")
    let (row, map) = source
    // One loop per activation, over local functions, which are always inlined: a closure with the three
    // activations in it was left a call per vector.
    @inline(__always) func finish(_ v: FloatVector, _ i: Int, _ lanes: VectorLanes) {
        if let (values, scale) = residual {
            lanes.store(v * scale + lanes.load(values + i), to: out + i)
        } else {
            lanes.store(v, to: out + i)
        }
    }
    switch activation {
    case .identity:
        @inline(__always) func normalise(_ i: Int, _ lanes: VectorLanes) { finish(map.apply(lanes.load(row + i)), i, lanes) }
        forEachLane(count, normalise)
    case .gelu:
        @inline(__always) func gelu(_ i: Int, _ lanes: VectorLanes) {
            finish(geluVector(map.apply(lanes.load(row + i))), i, lanes)
        }
        forEachLane(count, gelu)
    case .glu:
        let (gateRow, gateMap) = gate.unsafelyUnwrapped
        @inline(__always) func glu(_ i: Int, _ lanes: VectorLanes) {
            finish(map.apply(lanes.load(row + i)) * sigmoidVector(gateMap.apply(lanes.load(gateRow + i))), i, lanes)
        }
        forEachLane(count, glu)
    }
}
