/// What lowering makes of one ONNX node: the typed op, which of the node's inputs it reads at run time (the
/// rest were constant parameters folded into the op), and the type and shape of each output.
struct LoweredNode {
    var op: Op
    var dataInputs: [Int]
    var outputs: [(DataType, [Int])]

    init(_ op: Op, inputs dataInputs: [Int], outputs: [(DataType, [Int])]) {
        self.op = op
        self.dataInputs = dataInputs
        self.outputs = outputs
    }

    init(_ op: Op, inputs dataInputs: [Int], output: (DataType, [Int])) {
        self.init(op, inputs: dataInputs, outputs: [output])
    }
}
