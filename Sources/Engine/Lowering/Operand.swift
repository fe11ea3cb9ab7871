/// One input of an ONNX node as lowering sees it: the value it names and, when known at load time, its contents.
struct Operand {
    let id: Int
    let value: Value
    let constant: Tensor?

    var shape: [Int] { value.shape }
    var dataType: DataType { value.dataType }
}
