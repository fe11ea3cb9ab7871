import Foundation

/// Float constants read by a binary node smaller than this (in elements) are left as they are.
let shrinkableConstantMinimum = 1 << 16

/// Shrinks a float constant operand of a binary node that repeats the same values all along some of its axes (a
/// folded `Expand`, as HT-Demucs's frequency embedding is: 48 values per frequency repeated over every frame, a
/// 33 MB constant) to extent 1 on those axes, so that the node broadcasts it instead: the load keeps, and every
/// run reads, a fraction of it. An axis is shrunk only where the other operand has the output's extent, so the
/// node's output shape stays. Returns how many constants were shrunk.
@discardableResult
func shrinkBroadcastConstants(_ graph: inout Graph) -> Int {
    let readers = Readers(graph)
    var shrunk = 0
    for index in graph.nodes.indices {
        guard case .binary = graph.nodes[index].op else { continue }
        let output = graph.values[graph.nodes[index].outputs[0]].shape
        for input in 0..<2 {
            let id = graph.nodes[index].inputs[input]
            guard let tensor = graph.constants[id], tensor.dataType == .float32, tensor.shape == output,
                  tensor.elementCount >= shrinkableConstantMinimum else { continue }
            let other = graph.values[graph.nodes[index].inputs[1 - input]].shape
            let aligned = Array(repeating: 1, count: max(0, output.count - other.count)) + other
            guard let reduced = withoutRepeatedAxes(tensor, shrinkable: { aligned[$0] == output[$0] }) else { continue }
            replaceWeight(&graph, node: index, input: input, with: reduced, suffix: ".broadcast", readers: readers)
            shrunk += 1
        }
    }
    return shrunk
}

/// `tensor` with extent 1 on each `shrinkable` axis along which all its values repeat (bit for bit), or nil when
/// there is no such axis.
private func withoutRepeatedAxes(_ tensor: Tensor, shrinkable: (Int) -> Bool) -> Tensor? {
    var shape = tensor.shape, values = tensor.floats()
    for axis in shape.indices where shape[axis] > 1 && shrinkable(axis) {
        let inner = shape[(axis + 1)...].reduce(1, *), extent = shape[axis], outer = values.count / (extent * inner)
        let repeats = values.withUnsafeBufferPointer { v in
            (0..<outer).allSatisfy { o in
                let first = v.baseAddress! + o * extent * inner
                return (1..<extent).allSatisfy { memcmp(first, first + $0 * inner, inner * 4) == 0 }
            }
        }
        guard repeats else { continue }
        values = (0..<outer).flatMap { o in values[(o * extent * inner)..<(o * extent * inner + inner)] }
        shape[axis] = 1
    }
    return shape == tensor.shape ? nil : Tensor(shape: shape, floats: values)
}
