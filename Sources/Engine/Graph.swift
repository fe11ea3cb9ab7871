/// A value of the typed graph: its name in the model, element type and static shape.
struct Value: Sendable {
    var name: String
    var dataType: DataType
    var shape: [Int]

    var byteCount: Int { shape.reduce(1, *) * dataType.byteWidth }
}

/// A node of the typed graph: an op applied to values, producing values (indexes into `Graph.values`).
struct Node: Sendable {
    var name: String
    /// The ONNX op type this node came from, for messages and listings.
    var opType: String
    var op: Op
    var inputs: [Int]
    var outputs: [Int]
}

/// The typed DAG after lowering: every shape static, every input-independent value folded into `constants`,
/// nodes in a valid execution order.
struct Graph: Sendable {
    var values: [Value] = []
    /// Values known at load time (weights and folded results), by value index.
    var constants: [Int: Tensor] = [:]
    var nodes: [Node] = []
    var inputs: [Int] = []
    var outputs: [Int] = []

    mutating func addValue(_ value: Value) -> Int {
        values.append(value)
        return values.count - 1
    }
}
