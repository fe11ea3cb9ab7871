/// Fuses exact GELU as PyTorch exports it — `Div(x, √2) → Erf → Add(·, 1) → Mul(x, ·) → Mul(·, 0.5)` — into one
/// `.gelu` node (one pass over memory instead of five). Every intermediate must have no other reader.
@discardableResult
func fuseGELU(_ graph: inout Graph) -> Int {
    let readers = Readers(graph)
    var fused = 0
    for index in graph.nodes.indices {
        let div = graph.nodes[index]
        guard case .binary(.div) = div.op, let root2 = scalarConstant(graph, div.inputs[1]),
              abs(root2 - Float(2).squareRoot()) < 1e-6 else { continue }
        let x = div.inputs[0]
        guard graph.values[x].dataType == .float32,
              let erfIndex = readers.sole(div.outputs[0]), case .unary(.erf) = graph.nodes[erfIndex].op,
              let addIndex = readers.sole(graph.nodes[erfIndex].outputs[0]), case .binary(.add) = graph.nodes[addIndex].op,
              let one = otherOperand(of: graph.nodes[addIndex], than: graph.nodes[erfIndex].outputs[0]),
              scalarConstant(graph, one) == 1,
              let mulIndex = readers.sole(graph.nodes[addIndex].outputs[0]), case .binary(.mul) = graph.nodes[mulIndex].op,
              otherOperand(of: graph.nodes[mulIndex], than: graph.nodes[addIndex].outputs[0]) == x,
              let halfIndex = readers.sole(graph.nodes[mulIndex].outputs[0]), case .binary(.mul) = graph.nodes[halfIndex].op,
              let half = otherOperand(of: graph.nodes[halfIndex], than: graph.nodes[mulIndex].outputs[0]),
              scalarConstant(graph, half) == 0.5,
              graph.values[graph.nodes[halfIndex].outputs[0]].shape == graph.values[x].shape else { continue }
        graph.nodes[halfIndex].op = .gelu
        graph.nodes[halfIndex].inputs = [x]
        fused += 1
    }
    if fused > 0 { removeDeadNodes(&graph) }
    return fused
}
