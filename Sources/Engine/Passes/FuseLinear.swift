/// Fuses a linear layer as PyTorch exports it — `MatMul(x, W) → Add(·, bias)` with one weight matrix and a
/// constant bias along the last axis — into one `.linear` node, whose product accumulates onto the bias rows
/// (one pass over the output fewer). The product must have no other reader.
@discardableResult
func fuseLinear(_ graph: inout Graph) -> Int {
    let readers = Readers(graph)
    let producer = producers(graph)
    var fused = 0
    for index in graph.nodes.indices {
        let add = graph.nodes[index]
        guard case .binary(.add) = add.op else { continue }
        for product in add.inputs {
            guard let matMulIndex = producer[product],
                  case let .matMul(aBatch, bBatch, m, k, n) = graph.nodes[matMulIndex].op,
                  bBatch.reduce(1, *) == 1, readers.sole(product) == index,
                  graph.values[product].dataType == .float32,
                  let bias = otherOperand(of: add, than: product),
                  graph.values[add.outputs[0]].shape == graph.values[product].shape,
                  soleVaryingAxis(graph, bias, over: graph.values[product].shape) == graph.values[product].shape.count - 1
            else { continue }
            let matMul = graph.nodes[matMulIndex]
            graph.nodes[index].op = .linear(rows: aBatch.reduce(1, *) * m, k: k, n: n)
            graph.nodes[index].inputs = [matMul.inputs[0], matMul.inputs[1], bias]
            fused += 1
            break
        }
    }
    if fused > 0 { removeDeadNodes(&graph) }
    return fused
}
