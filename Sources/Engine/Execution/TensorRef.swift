/// A borrowed dense tensor: where its elements are, their type and shape. Kernels read inputs and write outputs
/// through these; the plan (or the folder) guarantees the memory is live and large enough.
struct TensorRef: @unchecked Sendable {
    let data: UnsafeMutableRawPointer
    let dataType: DataType
    let shape: [Int]

    var elementCount: Int { shape.reduce(1, *) }

    func floats() -> UnsafeMutablePointer<Float> { data.assumingMemoryBound(to: Float.self) }
    func int64s() -> UnsafeMutablePointer<Int64> { data.assumingMemoryBound(to: Int64.self) }
    func bools() -> UnsafeMutablePointer<Bool> { data.assumingMemoryBound(to: Bool.self) }
}

extension Tensor {
    /// A borrowed view of this tensor's storage, valid while the tensor lives.
    var ref: TensorRef { TensorRef(data: rawPointer, dataType: dataType, shape: shape) }
}
