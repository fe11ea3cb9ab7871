/// Scratch floats `attention` needs.
public func attentionScratchCount(keys: Int, depth: Int, valueDepth: Int, layout: AttentionLayout = .headsFirst) -> Int {
    attentionScratchPerThread(keys: keys, depth: depth, valueDepth: valueDepth, layout: layout) * kernelThreadCount
}

/// Where `attention` finds each head's rows: offsets and row strides, in floats.
public enum AttentionLayout: Sendable, Equatable {
    /// Heads first, as the exported graph computes them: `q` `[heads, queries, depth]`, `k` transposed
    /// `[heads, depth, keys]`, `v` `[heads, keys, valueDepth]`, `out` `[heads, queries, valueDepth]`.
    case headsFirst
    /// Tokens first, as the linear layers around the attention produce and consume them (the head split is
    /// only a reshape): `q` `[batch, queries, heads, depth]`, `k` `[batch, keys, heads, depth]`, `v`
    /// `[batch, keys, heads, valueDepth]`, `out` `[batch, queries, heads, valueDepth]`; here `heads` counts the
    /// heads of one batch item and the kernel's `batch` is the number of items.
    case tokensFirst(heads: Int)
}

/// `softmax(scale · Q · Kᵀ) · V` for every head, one block of query rows at a time, so the `queries × keys`
/// score matrix is never held whole (ONNX `MatMul → Softmax(last axis) → MatMul`).
///
/// Operands are dense in the shapes `layout` gives; `headsFirst` heads number `batch`, `tokensFirst(heads: h)`
/// heads `batch · h`. `scratch` holds `attentionScratchCount(keys:depth:valueDepth:layout:)` floats. No argument may alias another.
///
/// Heads, each cut into a few parts of its query rows, are spread over the cores. Each core computes a block of
/// queries' scores, exponentiates them and multiplies them by the values: in register blocks
/// (`broadcastProductBlock`) on a head's keys and values packed once per head and thread where AVX-512 is built
/// for (`BlockedAttention.swift`), through single-threaded OpenBLAS products elsewhere (`GemmAttention.swift`).
public func attention(q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
                      out: UnsafeMutablePointer<Float>, layout: AttentionLayout = .headsFirst, batch: Int,
                      queries: Int, keys: Int, depth: Int, valueDepth: Int, scale: Float = 1,
                      scratch: UnsafeMutablePointer<Float>) {
    let geometry = HeadGeometry(layout: layout, batch: batch, queries: queries, keys: keys, depth: depth,
                                valueDepth: valueDepth)
    let heads = geometry.count, parts = attentionQueryParts(queries: queries, heads: heads)
    let perThread = attentionScratchPerThread(keys: keys, depth: depth, valueDepth: valueDepth, layout: layout)
    withUnsafeTemporaryAllocation(of: Int.self, capacity: kernelThreadCount) { packedHeads in
        packedHeads.initialize(repeating: -1)
        let packedHead = UncheckedSendable(packedHeads.baseAddress!)
        withSingleThreadedBLAS {
            // Tasks run head by head, so a thread mostly takes the next part of the head it has packed.
            parallelTasks(heads * parts) { worker, task in
                let (head, part) = task.quotientAndRemainder(dividingBy: parts)
                attentionHeads(q: q, k: k, v: v, out: out, geometry, head: head,
                               rows: queries * part / parts ..< queries * (part + 1) / parts,
                               packed: packedHead.value[worker] == head, scale: scale,
                               scratch: scratch + worker * perThread)
                packedHead.value[worker] = head
            }
        }
    }
}

/// Parts the query rows of each head are cut into, so that the threads have enough tasks to finish together (a
/// thread that ran slow is left with at most a part of a head, not a whole one): up to four, each at least four
/// row blocks.
func attentionQueryParts(queries: Int, heads: Int) -> Int {
    guard heads < 4 * kernelThreadCount else { return 1 }
    return max(1, min(4, queries / (4 * attentionRowBlock)))
}

/// Offsets and row strides of one head's operands for a layout.
struct HeadGeometry {
    let layout: AttentionLayout
    let batch: Int, queries: Int, keys: Int, depth: Int, valueDepth: Int

    /// Heads in all.
    var count: Int {
        if case .tokensFirst(let heads) = layout { return batch * heads }
        return batch
    }

    /// For head `index`: where its q, k, v and out rows start, their row strides, and whether k is stored
    /// transposed (`depth × keys`).
    func head(_ index: Int) -> (q: Int, k: Int, v: Int, out: Int, qRow: Int, kRow: Int, vRow: Int, outRow: Int,
                                kTransposed: Bool) {
        switch layout {
        case .headsFirst:
            return (index * queries * depth, index * depth * keys, index * keys * valueDepth,
                    index * queries * valueDepth, depth, keys, valueDepth, valueDepth, true)
        case .tokensFirst(let heads):
            let (b, h) = index.quotientAndRemainder(dividingBy: heads)
            return ((b * queries * heads + h) * depth, (b * keys * heads + h) * depth,
                    (b * keys * heads + h) * valueDepth, (b * queries * heads + h) * valueDepth,
                    heads * depth, heads * depth, heads * valueDepth, heads * valueDepth, false)
        }
    }
}

