/// The execution plan: the node order, where every run-time value lives in one arena, and the scratch size.
///
/// Values produced by `.reshape` share their input's bytes. Buffers whose lifetimes do not overlap share arena
/// space (greedy placement, largest first), so `run` allocates nothing per node.
struct Plan: Sendable {
    /// Byte offset in the arena of every run-time value (inputs, intermediates, outputs).
    let offsets: [Int: Int]
    /// Arena bytes for all values at once, as placed.
    let arenaBytes: Int
    /// Bytes of scratch the hungriest node needs.
    let scratchBytes: Int

    static let alignment = 64

    /// Arena plus scratch: the bytes a session running this plan needs.
    var totalBytes: Int { arenaBytes + max(scratchBytes, 64) }

    init(_ graph: Graph) {
        // Each run-time value maps to the root buffer it lives in.
        var root: [Int: Int] = [:]
        func rootOf(_ id: Int) -> Int { root[id].map { $0 == id ? id : rootOf($0) } ?? id }
        for id in graph.inputs { root[id] = id }
        for node in graph.nodes {
            if case .reshape = node.op, graph.constants[node.inputs[0]] == nil {
                root[node.outputs[0]] = rootOf(node.inputs[0])
            } else {
                for output in node.outputs { root[output] = output }
            }
        }
        // Lifetimes in steps: inputs live from the start, outputs to the end.
        let end = graph.nodes.count
        var first: [Int: Int] = [:], last: [Int: Int] = [:]
        for id in graph.inputs { first[rootOf(id)] = -1; last[rootOf(id)] = -1 }
        for (step, node) in graph.nodes.enumerated() {
            for id in node.inputs where graph.constants[id] == nil {
                last[rootOf(id)] = max(last[rootOf(id)] ?? step, step)
            }
            for id in node.outputs {
                let r = rootOf(id)
                if first[r] == nil { first[r] = step }
                last[r] = max(last[r] ?? step, step)
            }
        }
        for id in graph.outputs where graph.constants[id] == nil { last[rootOf(id)] = end }

        var buffers: [(root: Int, bytes: Int, first: Int, last: Int)] = first.keys.map { r in
            (r, (graph.values[r].byteCount + Plan.alignment - 1) / Plan.alignment * Plan.alignment, first[r]!, last[r]!)
        }
        buffers.sort { ($0.bytes, $1.root) > ($1.bytes, $0.root) }
        var placed: [(offset: Int, bytes: Int, first: Int, last: Int)] = []
        var rootOffset: [Int: Int] = [:]
        var arena = 0
        for buffer in buffers {
            let overlapping = placed.filter { $0.first <= buffer.last && buffer.first <= $0.last }
                .sorted { $0.offset < $1.offset }
            var offset = 0
            for other in overlapping {
                if offset + buffer.bytes <= other.offset { break }
                offset = max(offset, other.offset + other.bytes)
            }
            placed.append((offset, buffer.bytes, buffer.first, buffer.last))
            rootOffset[buffer.root] = offset
            arena = max(arena, offset + buffer.bytes)
        }
        var offsets: [Int: Int] = [:]
        for id in root.keys { offsets[id] = rootOffset[rootOf(id)] }
        self.offsets = offsets
        arenaBytes = arena
        scratchBytes = graph.nodes.map { node in
            node.op.scratchBytes(inputShapes: node.inputs.map { graph.values[$0].shape },
                                 outputShapes: node.outputs.map { graph.values[$0].shape })
        }.max() ?? 0
    }
}
