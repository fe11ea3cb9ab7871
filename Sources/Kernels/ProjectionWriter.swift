/// Register blocks of positions (`broadcastWidth` each) a `ProjectionWriter` projects before mapping them: one span,
/// 384 positions with AVX-512 (a frequency item of HT-Demucs's residual branches: 336).
let projectedSpanBlocks = 6

/// Spans one task of a single item's write takes.
let projectedSpansPerTask = 2

/// Writes a pointwise projection `p = weight · x` (no bias) through a per-channel affine map and an activation,
/// without `p` ever being written out: `y[n][c] = activation(map[c](p[n][c]))` (GLU: gated by channel
/// `outChannels + c` under its own map), plus a scaled residual when given (`writeNormalisedChannel`). What
/// `projectedGroupNorm` and `projectedGLU` share.
///
/// Positions go in spans of `projectedSpanBlocks · broadcastWidth`: the span's input rows are copied into panels of
/// one register block's width, register blocks (`broadcastProductBlock`, the weights' rows broadcast against the
/// panels) project a few channels and their gates over the span into scratch, and each channel's outputs are
/// written from there while in cache.
///
/// `x` is `[batch, inChannels, spatial]`, `weight` `[channels, inChannels]`, `y` `[batch, outChannels, spatial]`
/// (`outChannels` is `channels / 2` for GLU) laid out as `layout` (dense when nil), the residual's values shaped
/// and laid out like `y`. `y` must not alias any input.
struct ProjectionWriter {
    let x: UnsafePointer<Float>
    let weight: UnsafePointer<Float>
    let y: UnsafeMutablePointer<Float>
    let inChannels: Int, channels: Int, spatial: Int
    let activation: GroupNormActivation
    let residual: ScaledResidual?
    let layout: ItemLayout?

    /// Output channels.
    var outChannels: Int { activation == .glu ? channels / 2 : channels }

    /// Where `y`'s rows (and the residual's) lie.
    var outputLayout: ItemLayout { layout ?? .dense(channels: outChannels, length: spatial) }

    /// Positions per span.
    var spanWidth: Int { projectedSpanBlocks * broadcastWidth }

    /// Spans per batch item.
    var spans: Int { (spatial + spanWidth - 1) / spanWidth }

    /// Scratch floats one thread's `write` needs: a few channels' projected rows and gate rows over one span, and
    /// the span's input rows in register-block panels.
    static func scratchPerThread(inChannels: Int) -> Int {
        (2 * broadcastRows + inChannels) * projectedSpanBlocks * broadcastWidth
    }

    /// Writes spans `range` of item `n` with the channels' maps `map`, in `scratch`
    /// (`scratchPerThread(inChannels:)` floats).
    func write(_ n: Int, _ range: Range<Int>, _ map: UnsafePointer<NormalisedChannel>,
               _ scratch: UnsafeMutablePointer<Float>) {
        let width = broadcastWidth, spanWidth = spanWidth, outChannels = outChannels, outputLayout = outputLayout
        let values = scratch, gates = values + broadcastRows * spanWidth, tile = gates + broadcastRows * spanWidth
        let item = x + n * inChannels * spatial
        for span in range {
            let start = span * spanWidth, count = min(spanWidth, spatial - start)
            let blocks = (count + width - 1) / width
            // The span's input rows, copied block by block into contiguous panels (`tile[block][k][·]`, the last
            // block zero-padded): every channel group reads them, and rows `spatial` apart would each be a page.
            for k in 0..<inChannels {
                let row = item + k * spatial + start
                for block in 0..<blocks {
                    let panel = tile + (block * inChannels + k) * width, filled = min(width, count - block * width)
                    panel.update(from: row + block * width, count: filled)
                    (panel + filled).update(repeating: 0, count: width - filled)
                }
            }
            /// Projects channels `first ..< first + count` of the span into `into` (rows `spanWidth` apart).
            func project(_ first: Int, _ count: Int, into: UnsafeMutablePointer<Float>) {
                for block in 0..<blocks {
                    broadcastProductBlock(a: weight + first * inChannels, lda: inChannels, rows: count,
                                          b: tile + block * inChannels * width, ldb: width,
                                          depth: inChannels) { i, c0, c1, c2, c3 in
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
                    let c = first + i, offset = outputLayout.offset(item: n, channel: c) + start
                    writeNormalisedChannel(activation, (UnsafePointer(values + i * spanWidth), map[c]),
                                           gate: activation == .glu
                                               ? (UnsafePointer(gates + i * spanWidth), map[outChannels + c]) : nil,
                                           to: y + offset, count: count,
                                           residual: residual.map { ($0.values + offset, $0.scale[c]) })
                }
                first += group
            }
        }
    }

    /// Writes items `0 ..< batch`: on separate cores when there are at least two per core, each item's maps from
    /// `maps(n, 1, worker)` on the core that writes it; otherwise one item at a time, its maps from
    /// `maps(n, kernelThreadCount, 0)` (which may spread their own work over the cores) and its spans handed out in
    /// tasks of `projectedSpansPerTask`. `scratch` holds `kernelThreadCount` slices of `scratchPerThread(inChannels:)`
    /// floats, one per worker.
    func writeItems(batch: Int, scratch: UnsafeMutablePointer<Float>,
                    maps: (_ item: Int, _ shares: Int, _ worker: Int) -> UnsafePointer<NormalisedChannel>) {
        let perThread = ProjectionWriter.scratchPerThread(inChannels: inChannels), spans = spans
        let threads = kernelThreadCount
        if batch >= 2 * threads {
            parallelTasks(batch) { worker, n in
                write(n, 0..<spans, maps(n, 1, worker), scratch + worker * perThread)
            }
            return
        }
        let tasks = (spans + projectedSpansPerTask - 1) / projectedSpansPerTask
        for n in 0..<batch {
            let map = maps(n, threads, 0)
            parallelTasks(tasks) { worker, task in
                write(n, task * projectedSpansPerTask ..< min(spans, (task + 1) * projectedSpansPerTask), map,
                      scratch + worker * perThread)
            }
        }
    }
}
