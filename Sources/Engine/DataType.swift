/// The element types the engine computes with.
///
/// ONNX integer types of every width are held as `int64`, and `double` / `float16` as `float32`: HT-Demucs
/// exports use them only for shape arithmetic and constants, where that is exact.
public enum DataType: Sendable, Equatable, CustomStringConvertible {
    case float32, int64, bool

    /// Bytes per element.
    public var byteWidth: Int {
        switch self {
        case .float32: 4
        case .int64: 8
        case .bool: 1
        }
    }

    public var description: String {
        switch self {
        case .float32: "float32"
        case .int64: "int64"
        case .bool: "bool"
        }
    }
}
