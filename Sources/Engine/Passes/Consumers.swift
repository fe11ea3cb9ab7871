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

    /// The indices of the nodes reading `value` (each once, in graph order), or nil when it is a graph output.
    func all(_ value: Int) -> [Int]? {
        graphOutputs.contains(value) ? nil : readers[value] ?? []
    }

    /// The index of the only node reading `value`, or nil when several nodes read it or it is a graph output.
    func sole(_ value: Int) -> Int? {
        guard !graphOutputs.contains(value), let list = readers[value], list.count == 1 else { return nil }
        return list[0]
    }
}

/// Makes input `input` of node `index` read `replacement`, a new constant named after the one it replaces plus
/// `suffix` (a weight transformed or packed at load), and drops the old constant at once when that node was its
/// only reader (`readers`, computed before any replacement), so a pass never holds both sets of weights.
func replaceWeight(_ graph: inout Graph, node index: Int, input: Int, with replacement: Tensor, suffix: String,
                   readers: Readers) {
    let old = graph.nodes[index].inputs[input]
    let id = graph.addValue(Value(name: graph.values[old].name + suffix, dataType: replacement.dataType,
                                  shape: replacement.shape))
    graph.constants[id] = replacement
    graph.nodes[index].inputs[input] = id
    if readers.sole(old) == index { graph.constants[old] = nil }
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

/// For a binary node with operands (a, b): the operand that is not `known`, if the other is `known`.
func otherOperand(of node: Node, than known: Int) -> Int? {
    node.inputs[0] == known ? node.inputs[1] : node.inputs[1] == known ? node.inputs[0] : nil
}

/// True when `id` is a float constant that broadcasts over `shape` holding one value per index of `axis`: its
/// extent there is `shape[axis]`, and 1 on every other axis (leading axes may be missing).
func holdsValues(_ graph: Graph, _ id: Int, along axis: Int, of shape: [Int]) -> Bool {
    guard let tensor = graph.constants[id], tensor.dataType == .float32, tensor.shape.count <= shape.count else {
        return false
    }
    let aligned = Array(repeating: 1, count: shape.count - tensor.shape.count) + tensor.shape
    return aligned.indices.allSatisfy { aligned[$0] == ($0 == axis ? shape[axis] : 1) }
}

/// For a float constant that broadcasts over `shape` and varies along one axis only: that axis (the constant then
/// holds `shape[axis]` values). Nil for anything else, including a single value.
func soleVaryingAxis(_ graph: Graph, _ id: Int, over shape: [Int]) -> Int? {
    guard let tensor = graph.constants[id], tensor.shape.count <= shape.count,
          let axis = tensor.shape.firstIndex(where: { $0 != 1 }).map({ $0 + shape.count - tensor.shape.count }),
          holdsValues(graph, id, along: axis, of: shape) else { return nil }
    return axis
}

/// The axes of a convolution's activation of rank `rank` that are its height and width: the last two of an NCHW
/// tensor, the last of a 1-D convolution's NCW one (stored with height 1); none for other ranks.
func convolutionSpatialAxes(rank: Int) -> [Int] {
    rank == 4 ? [2, 3] : rank == 3 ? [2] : []
}
