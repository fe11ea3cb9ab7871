import Kernels

/// Fuses chains of float `Add`, `Sub`, `Mul` and `Div` nodes, each link's result read only by the next (directly or
/// through reshapes), into one `.elementwiseChain` node: the running value goes through memory once instead of once
/// per link, with bit-identical results. HT-Demucs's output denormalisations (`x · std + mean` on a 44 MB
/// spectrogram, then on the waveform, then the two branches' sum) and its input normalisation are such chains. A
/// link's other operand must be one value, one value per element, or a row repeated along leading axes; the
/// running value must hold one value per output element. Runs after the other elementwise fusions.
@discardableResult
func fuseElementwiseChains(_ graph: inout Graph) -> Int {
    let readers = Readers(graph)
    let producer = producers(graph)
    var fused = 0
    for index in graph.nodes.indices {
        let node = graph.nodes[index]
        for link in chainLinks(graph, node) {
            // The running value's producer, through reshapes that only this chain reads.
            var value = link.running, reader = index
            while readers.sole(value) == reader, let p = producer[value], case .reshape = graph.nodes[p].op {
                (value, reader) = (graph.nodes[p].inputs[0], p)
            }
            guard readers.sole(value) == reader, let p = producer[value],
                  let head = chain(graph, graph.nodes[p]) else { continue }
            graph.nodes[index].op = .elementwiseChain(head.steps + [link.step])
            graph.nodes[index].inputs = [head.start] + head.operands + [link.operand]
            fused += 1
            break
        }
    }
    if fused > 0 { removeDeadNodes(&graph) }
    return fused
}

/// One link: the value that runs through it, the step and the step's operand.
private struct ChainLink {
    let running: Int
    let step: ElementwiseStep
    let operand: Int
}

/// The ways `node` can be a link: a float add, sub, mul or div with one input holding a value per output element
/// (the running value) and the other a period of the output (`ElementwiseStep`); either input when both qualify.
private func chainLinks(_ graph: Graph, _ node: Node) -> [ChainLink] {
    guard case .binary(let binary) = node.op, node.inputs.count == 2, node.inputs[0] != node.inputs[1],
          let op = chainOperator(binary),
          (node.inputs + node.outputs).allSatisfy({ graph.values[$0].dataType == .float32 }) else { return [] }
    let shape = graph.values[node.outputs[0]].shape
    let count = shape.reduce(1, *)
    guard count > 0 else { return [] }
    return [(0, 1), (1, 0)].compactMap { running, other in
        guard graph.values[node.inputs[running]].shape.reduce(1, *) == count,
              let period = period(of: graph.values[node.inputs[other]].shape, over: shape) else { return nil }
        return ChainLink(running: node.inputs[running], step: ElementwiseStep(op, operandFirst: other == 0, period: period),
                         operand: node.inputs[other])
    }
}

/// `node` as a chain: an `.elementwiseChain` as it stands, or a binary link as a chain of one step.
private func chain(_ graph: Graph, _ node: Node) -> (start: Int, steps: [ElementwiseStep], operands: [Int])? {
    if case .elementwiseChain(let steps) = node.op {
        return (node.inputs[0], steps, Array(node.inputs.dropFirst()))
    }
    return chainLinks(graph, node).first.map { ($0.running, [$0.step], [$0.operand]) }
}

private func chainOperator(_ op: BinaryOperator) -> ElementwiseStep.Operator? {
    switch op {
    case .add: .add
    case .sub: .sub
    case .mul: .mul
    case .div: .div
    default: nil
    }
}

/// How an operand of shape `operand` repeats over `shape`: 1 for one value, the element count for one per element
/// (its shape then equals `shape` up to leading 1s), the row's length when it matches `shape`'s trailing axes
/// (leading 1s aside) and is at least `elementwiseChainShortestRow` long; nil for other broadcasts.
private func period(of operand: [Int], over shape: [Int]) -> Int? {
    let count = operand.reduce(1, *)
    if count == 1 { return 1 }
    let trailing = Array(operand.drop(while: { $0 == 1 }))
    guard trailing.count <= shape.count, Array(shape.suffix(trailing.count)) == trailing,
          count == shape.reduce(1, *) || count >= elementwiseChainShortestRow else { return nil }
    return count
}
