/// Who reads each value of a graph, for fusion passes that may only swallow intermediates nobody else needs.
struct Readers {
    private let readers: [Int: [Int]]
    private let graphOutputs: Set<Int>

    init(_ graph: Graph) {
        var readers: [Int: [Int]] = [:]
        for (index, node) in graph.nodes.enumerated() {
            for input in Set(node.inputs) { readers[input, default: []].append(index) }
        }
        self.readers = readers
        graphOutputs = Set(graph.outputs)
    }

    /// The index of the only node reading `value`, or nil when several nodes read it or it is a graph output.
    func sole(_ value: Int) -> Int? {
        guard !graphOutputs.contains(value), let list = readers[value], list.count == 1 else { return nil }
        return list[0]
    }
}

/// The index of the node that produces each value.
func producers(_ graph: Graph) -> [Int: Int] {
    var result: [Int: Int] = [:]
    for (index, node) in graph.nodes.enumerated() {
        for output in node.outputs { result[output] = index }
    }
    return result
}

/// The single float a constant one-element value holds, if `id` is one.
func scalarConstant(_ graph: Graph, _ id: Int) -> Float? {
    guard let tensor = graph.constants[id], tensor.dataType == .float32, tensor.elementCount == 1 else { return nil }
    return tensor.floats()[0]
}
