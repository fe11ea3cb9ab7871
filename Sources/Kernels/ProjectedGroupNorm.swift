/// Columns of one tile of `projectedGroupNorm`'s projection: a cache tile (`cacheTileColumns`) of `channels`
/// rows, at least one vector wide and at most `spatial`.
func projectionTileColumns(channels: Int, spatial: Int) -> Int {
    max(1, min(spatial, max(vectorWidth, cacheTileColumns(tallest: channels))))
}

/// Input channels above which a projection is better written out than computed twice: `projectedGroupNorm`
/// recomputes the projection of items larger than one tile, at `inChannels` multiply-adds per value.
public let projectedGroupNormDepthLimit = 64

/// Output channels up to which `projectedGroupNorm` is used: a tile holds every channel at least one vector
/// wide, so this bounds its scratch (4 Mi floats per thread). HT-Demucs's residual branches widen to 96–768.
public let projectedGroupNormChannelLimit = 1 << 18

/// Scratch floats `projectedGroupNorm` needs: one projection tile per thread.
public func projectedGroupNormScratchCount(channels: Int, spatial: Int) -> Int {
    channels * projectionTileColumns(channels: channels, spatial: spatial) * kernelThreadCount
}

/// A pointwise projection `p = weight · x + bias` followed by `groupNorm` of `p` (with its activation and scaled
/// residual), without `p` ever being written out: HT-Demucs's residual branches widen a few channels to many
/// (`Conv 1×1 → GroupNorm → GLU → LayerScale → + skip`), and that wide intermediate cost more to write and read
/// back twice than to compute.
///
/// Each batch item's projection is computed in tiles of `projectionTileColumns` positions into the thread's
/// `scratch` tile, where each channel's sums are gathered while the tile is in cache. The output is then written
/// from the tile when the item is a single tile, or from each tile computed again otherwise (recomputing costs
/// `inChannels` multiply-adds per value, less than a trip through memory). Batch items go to separate cores
/// when there are enough of them; otherwise each item's tiles are shared out.
///
/// Statistics: each channel's sums of `p − pivot` and its square (the pivot being the channel's first projected
/// value) are gathered per tile in one pass (`shiftedSums`); channels are merged into their group's mean and biased
/// variance in double precision, so neither the channel means' spread nor their size costs precision.
///
/// `x` is `[batch, inChannels, spatial]`, `weight` `[channels, inChannels]`, `bias` `[channels]`, `gamma` and
/// `beta` `[channels]`, `y` `[batch, outChannels, spatial]` (`outChannels` is `channels / 2` for GLU), the
/// residual's values shaped like `y`. `scratch` holds `projectedGroupNormScratchCount(…)` floats. `y` must not
/// alias any input.
public func projectedGroupNorm(_ x: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>,
                               _ y: UnsafeMutablePointer<Float>, batch: Int, inChannels: Int, channels: Int,
                               spatial: Int, groups: Int, gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>,
                               epsilon: Float, then activation: GroupNormActivation = .identity,
                               plus residual: ScaledResidual? = nil, scratch: UnsafeMutablePointer<Float>) {
    precondition(activation != .glu || channels % 2 == 0, "GLU needs an even channel count")
    guard batch > 0, spatial > 0, channels > 0 else { return }
    let columns = projectionTileColumns(channels: channels, spatial: spatial)
    let tiles = (spatial + columns - 1) / columns
    let outChannels = activation == .glu ? channels / 2 : channels
    let input = UncheckedSendable(x), w = UncheckedSendable(weight), output = UncheckedSendable(y)
    let work = UncheckedSendable(scratch), skip = UncheckedSendable(residual)

    /// Positions of tile `t`.
    func positions(_ t: Int) -> Range<Int> { t * columns ..< min(spatial, (t + 1) * columns) }
    /// Projects tile `t` of item `n` into `tile` (`channels` rows of `positions(t).count`).
    func project(_ n: Int, _ t: Int, into tile: UnsafeMutablePointer<Float>) {
        let span = positions(t)
        gemm(m: channels, n: span.count, k: inChannels, a: w.value, lda: inChannels,
             b: input.value + n * inChannels * spatial + span.lowerBound, ldb: spatial, beta: 0, c: tile,
             ldc: span.count)
    }
    /// Each channel's first projected value of item `n` (without the bias), the pivot its sums are taken around.
    func pivots(_ n: Int, into pivot: UnsafeMutablePointer<Float>) {
        let column = input.value + n * inChannels * spatial
        for c in 0..<channels {
            var sum: Float = 0
            for k in 0..<inChannels { sum += w.value[c * inChannels + k] * column[k * spatial] }
            pivot[c] = sum
        }
    }
    /// Projects tiles `range` of item `n` into `tile`, adding each channel's sums around `pivot` to `sums`
    /// (`[channels][2]`).
    func gather(_ n: Int, _ range: Range<Int>, _ tile: UnsafeMutablePointer<Float>, _ pivot: UnsafePointer<Float>,
                _ sums: UnsafeMutablePointer<Double>) {
        for t in range {
            project(n, t, into: tile)
            let count = positions(t).count
            for c in 0..<channels {
                let (sum, squares) = shiftedSums(tile + c * count, count: count, pivot: pivot[c])
                sums[2 * c] += sum
                sums[2 * c + 1] += squares
            }
        }
    }
    /// Turns channel sums into each channel's affine map, with the bias folded into the centre (tiles hold the
    /// projection without it).
    func maps(_ sums: UnsafePointer<Double>, _ pivot: UnsafePointer<Float>,
              into map: UnsafeMutablePointer<NormalisedChannel>) {
        let perGroup = channels / groups, n = Double(spatial)
        for g in 0..<groups {
            let members = g * perGroup ..< (g + 1) * perGroup
            let channelMean = { (c: Int) in Double(bias[c]) + Double(pivot[c]) + sums[2 * c] / n }
            let mean = members.reduce(0.0) { $0 + channelMean($1) } / Double(perGroup)
            let squares = members.reduce(0.0) { total, c in
                let spread = channelMean(c) - mean
                return total + max(0, sums[2 * c + 1] - sums[2 * c] * sums[2 * c] / n) + n * spread * spread
            }
            let invStd = Float(1 / (squares / (n * Double(perGroup)) + Double(epsilon)).squareRoot())
            for c in members {
                map[c] = NormalisedChannel(centre: SplitMean(mean - Double(bias[c])), invStd: invStd, a: gamma[c],
                                           b: beta[c])
            }
        }
    }
    /// Writes tiles `range` of item `n`, projecting each into `tile` again unless `projected` (the item's only
    /// tile is already there).
    func write(_ n: Int, _ range: Range<Int>, _ tile: UnsafeMutablePointer<Float>, projected: Bool,
               _ map: UnsafePointer<NormalisedChannel>) {
        for t in range {
            if !projected { project(n, t, into: tile) }
            let span = positions(t), count = span.count
            let rows = UnsafePointer(tile)
            for c in 0..<outChannels {
                let offset = (n * outChannels + c) * spatial + span.lowerBound
                writeNormalisedChannel(activation, (rows + c * count, map[c]),
                                       gate: activation == .glu ? (rows + (outChannels + c) * count,
                                                                   map[outChannels + c]) : nil,
                                       to: output.value + offset, count: count,
                                       residual: skip.value.map { ($0.values + offset, $0.scale[c]) })
            }
        }
    }

    let threads = kernelThreadCount, tileFloats = channels * columns
    withUnsafeTemporaryAllocation(of: Double.self, capacity: 2 * channels * threads) { sumBuffer in
    withUnsafeTemporaryAllocation(of: Float.self, capacity: channels * threads) { pivotBuffer in
    withUnsafeTemporaryAllocation(of: NormalisedChannel.self, capacity: channels * threads) { mapBuffer in
        let sums = UncheckedSendable(sumBuffer.baseAddress!), pivot = UncheckedSendable(pivotBuffer.baseAddress!)
        let map = UncheckedSendable(mapBuffer.baseAddress!)
        withSingleThreadedBLAS {
            if batch >= 2 * threads || tiles == 1 {
                parallelTasks(batch) { worker, n in
                    let tile = work.value + worker * tileFloats
                    let ownSums = sums.value + worker * 2 * channels, ownPivot = pivot.value + worker * channels
                    let ownMap = map.value + worker * channels
                    ownSums.update(repeating: 0, count: 2 * channels)
                    pivots(n, into: ownPivot)
                    gather(n, 0..<tiles, tile, ownPivot, ownSums)
                    maps(ownSums, ownPivot, into: ownMap)
                    write(n, 0..<tiles, tile, projected: tiles == 1, ownMap)
                }
                return
            }
            for n in 0..<batch {
                sums.value.update(repeating: 0, count: 2 * channels * threads)
                pivots(n, into: pivot.value)
                parallelShares(tiles, shares: threads) { share, range in
                    gather(n, range, work.value + share * tileFloats, pivot.value,
                           sums.value + share * 2 * channels)
                }
                for share in 1..<threads {
                    for i in 0..<2 * channels { sums.value[i] += sums.value[share * 2 * channels + i] }
                }
                maps(sums.value, pivot.value, into: map.value)
                parallelTasks(tiles) { worker, tile in
                    write(n, tile ..< tile + 1, work.value + worker * tileFloats, projected: false, map.value)
                }
            }
        }
    }
    }
    }
}
