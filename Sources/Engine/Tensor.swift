import Foundation

/// Memory for tensor elements: 64-byte aligned, zero-initialised, freed with the last reference.
///
/// Tensors of `TensorStorage.pageMappedBytes` or more get their own anonymous memory mapping rather than the C
/// heap. Load-time passes replace weights by packed copies through temporary arrays, and glibc raises its mmap
/// threshold each time such a temporary is freed, so later weights landed in the heap between freed temporaries,
/// which it cannot return: 80 MB of HT-Demucs's peak memory. A mapping (`PageMapping`, in huge pages where the
/// system gives them) is returned whole when freed, and its pages are zero until written.
final class TensorStorage: @unchecked Sendable {
    /// Size from which storage is mapped rather than taken from the heap.
    static let pageMappedBytes = 1 << 20

    let bytes: UnsafeMutableRawPointer
    let byteCount: Int
    private let mapping: PageMapping?

    init(byteCount: Int) {
        self.byteCount = byteCount
        if byteCount >= TensorStorage.pageMappedBytes, let mapping = PageMapping(byteCount: byteCount) {
            bytes = mapping.bytes
            self.mapping = mapping
        } else {
            bytes = UnsafeMutableRawPointer.allocate(byteCount: max(byteCount, 1), alignment: 64)
            bytes.initializeMemory(as: UInt8.self, repeating: 0, count: max(byteCount, 1))
            mapping = nil
        }
    }

    deinit {
        if let mapping { mapping.unmap() } else { bytes.deallocate() }
    }
}

/// A dense, row-major, immutable tensor value: the engine's inputs, outputs and folded constants.
///
/// Copies share storage (a reshape is free). Build one from Swift arrays, read it back with `floats()`,
/// `int64s()` or `bools()`.
public struct Tensor: Sendable, CustomStringConvertible {
    public let dataType: DataType
    public let shape: [Int]
    let storage: TensorStorage

    /// Number of elements (1 for a scalar).
    public var elementCount: Int { shape.reduce(1, *) }

    /// A zero-filled tensor.
    init(zeros dataType: DataType, shape: [Int]) {
        self.dataType = dataType
        self.shape = shape
        storage = TensorStorage(byteCount: shape.reduce(1, *) * dataType.byteWidth)
    }

    /// The same elements seen with another shape of equal element count.
    func reshaped(_ newShape: [Int]) -> Tensor {
        precondition(newShape.reduce(1, *) == elementCount, "reshape changes the element count")
        return Tensor(dataType: dataType, shape: newShape, storage: storage)
    }

    private init(dataType: DataType, shape: [Int], storage: TensorStorage) {
        self.dataType = dataType
        self.shape = shape
        self.storage = storage
    }

    /// A float32 tensor holding `values` in row-major order.
    public init(shape: [Int], floats values: [Float]) {
        self.init(copying: values, dataType: .float32, shape: shape)
    }

    /// An int64 tensor holding `values` in row-major order.
    public init(shape: [Int], int64s values: [Int64]) {
        self.init(copying: values, dataType: .int64, shape: shape)
    }

    /// A bool tensor holding `values` in row-major order.
    public init(shape: [Int], bools values: [Bool]) {
        self.init(copying: values, dataType: .bool, shape: shape)
    }

    private init<T>(copying values: [T], dataType: DataType, shape: [Int]) {
        precondition(values.count == shape.reduce(1, *), "\(values.count) values for shape \(shape)")
        self.init(zeros: dataType, shape: shape)
        values.withUnsafeBytes { storage.bytes.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
    }

    /// The elements of a float32 tensor.
    public func floats() -> [Float] { elements(Float.self, .float32) }
    /// The elements of an int64 tensor.
    public func int64s() -> [Int64] { elements(Int64.self, .int64) }
    /// The elements of a bool tensor.
    public func bools() -> [Bool] { elements(Bool.self, .bool) }

    private func elements<T>(_: T.Type, _ expected: DataType) -> [T] {
        precondition(dataType == expected, "reading a \(dataType) tensor as \(expected)")
        let p = storage.bytes.bindMemory(to: T.self, capacity: elementCount)
        return Array(UnsafeBufferPointer(start: p, count: elementCount))
    }

    /// The element bytes, for kernels.
    var rawPointer: UnsafeMutableRawPointer { storage.bytes }

    /// Integer values of an int64 tensor as `Int`, for shape arithmetic.
    var ints: [Int] { int64s().map { Int($0) } }

    public var description: String { "Tensor<\(dataType)>\(shape)" }
}
