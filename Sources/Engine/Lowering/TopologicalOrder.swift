import ONNX

/// An execution order of `nodes` (indexes), stable with respect to the file's order.
///
/// `available` names the values that exist before any node runs (graph inputs, initializers). Fails when a node
/// reads a value nothing produces, when two nodes produce the same value, or when nodes form a cycle.
func topologicalOrder(_ nodes: [NodeProto], available: Set<String>) throws -> [Int] {
    var producer: [String: Int] = [:]
    for (index, node) in nodes.enumerated() {
        for output in node.outputs where !output.isEmpty {
            if producer[output] != nil || available.contains(output) {
                throw EngineError.invalidNode(node: node.name, opType: node.opType,
                                              detail: "output '\(output)' is produced more than once")
            }
            producer[output] = index
        }
    }
    var pending = [Int](repeating: 0, count: nodes.count)
    var consumers = [[Int]](repeating: [], count: nodes.count)
    for (index, node) in nodes.enumerated() {
        for input in Set(node.inputs) where !input.isEmpty && !available.contains(input) {
            guard let source = producer[input] else {
                throw EngineError.missingValue(node: node.name, value: input)
            }
            pending[index] += 1
            consumers[source].append(index)
        }
    }
    // Kahn's algorithm with a min-heap-free scheme: ready nodes are taken in file order.
    var ready = (0..<nodes.count).filter { pending[$0] == 0 }.reversed() as [Int]
    var order: [Int] = []
    order.reserveCapacity(nodes.count)
    while let next = ready.popLast() {
        order.append(next)
        var released: [Int] = []
        for consumer in consumers[next] {
            pending[consumer] -= 1
            if pending[consumer] == 0 { released.append(consumer) }
        }
        ready.append(contentsOf: released.sorted(by: >))
    }
    guard order.count == nodes.count else {
        let stuck = (0..<nodes.count).filter { pending[$0] > 0 }.map { nodes[$0].name }
        throw EngineError.cycle(nodes: stuck)
    }
    return order
}
