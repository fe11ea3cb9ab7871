/// How many nodes read each value (graph outputs count as one more reader each), for fusion passes that may only
/// swallow an intermediate value nobody else needs.
func readerCounts(_ graph: Graph) -> [Int: Int] {
    var counts: [Int: Int] = [:]
    for node in graph.nodes {
        for input in node.inputs { counts[input, default: 0] += 1 }
    }
    for output in graph.outputs { counts[output, default: 0] += 1 }
    return counts
}

/// The index of the node that produces each value.
func producers(_ graph: Graph) -> [Int: Int] {
    var result: [Int: Int] = [:]
    for (index, node) in graph.nodes.enumerated() {
        for output in node.outputs { result[output] = index }
    }
    return result
}

/// The nodes that read each value, by index.
func readers(_ graph: Graph) -> [Int: [Int]] {
    var result: [Int: [Int]] = [:]
    for (index, node) in graph.nodes.enumerated() {
        for input in Set(node.inputs) { result[input, default: []].append(index) }
    }
    return result
}

/// The single float a constant one-element value holds, if `id` is one.
func scalarConstant(_ graph: Graph, _ id: Int) -> Float? {
    guard let tensor = graph.constants[id], tensor.dataType == .float32, tensor.elementCount == 1 else { return nil }
    return tensor.floats()[0]
}
