/// Fuses a per-channel scale followed by a residual sum — `Add(r, Mul(a, s))`, HT-Demucs's LayerScale — into one
/// `.scaledAdd` node (one pass over memory instead of two). `s` must be a constant varying along one axis only,
/// `a` and `r` must have the output's shape, and the product must have no other reader.
@discardableResult
func fuseScaledAdd(_ graph: inout Graph) -> Int {
    let readers = Readers(graph)
    let producer = producers(graph)
    var fused = 0
    for index in graph.nodes.indices {
        let add = graph.nodes[index]
        guard case .binary(.add) = add.op, graph.values[add.outputs[0]].dataType == .float32 else { continue }
        let shape = graph.values[add.outputs[0]].shape
        for product in add.inputs {
            guard let mulIndex = producer[product], case .binary(.mul) = graph.nodes[mulIndex].op,
                  readers.sole(product) == index,
                  let residual = otherOperand(of: add, than: product), residual != product,
                  graph.values[residual].shape == shape else { continue }
            let mul = graph.nodes[mulIndex]
            var match: (a: Int, scale: Int, axis: Int)?
            for (a, s) in [(mul.inputs[0], mul.inputs[1]), (mul.inputs[1], mul.inputs[0])]
            where match == nil && graph.values[a].shape == shape {
                match = soleVaryingAxis(graph, s, over: shape).map { (a, s, $0) }
            }
            guard let (a, scale, axis) = match else { continue }
            graph.nodes[index].op = .scaledAdd(outer: shape[..<axis].reduce(1, *), channels: shape[axis],
                                               inner: shape[(axis + 1)...].reduce(1, *))
            graph.nodes[index].inputs = [a, scale, residual]
            fused += 1
            break
        }
    }
    if fused > 0 { removeDeadNodes(&graph) }
    return fused
}
