import Foundation

/// Reads and writes NumPy `.npy` files (format versions 1.0–3.0, C order, little-endian) holding float32,
/// float64 (read as float32), int64, int32 (read as int64) or bool arrays.
public enum NumpyFile {
    /// A problem with an `.npy` file, naming the file.
    public struct Failure: Error, CustomStringConvertible {
        public let path: String
        public let reason: String
        public var description: String { "\(path): \(reason)" }
    }

    private static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]

    /// Reads the array stored at `path`.
    public static func read(_ path: String) throws -> Tensor {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Failure(path: path, reason: "cannot be read")
        }
        return try data.withUnsafeBytes { bytes -> Tensor in
            func fail(_ reason: String) -> Failure { Failure(path: path, reason: reason) }
            guard bytes.count >= 10, Array(bytes[0..<6]) == magic else { throw fail("not a .npy file (bad magic)") }
            let major = bytes[6]
            let headerLength: Int, headerStart: Int
            switch major {
            case 1:
                headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
                headerStart = 10
            case 2, 3:
                guard bytes.count >= 12 else { throw fail("truncated header") }
                headerLength = (0..<4).reduce(0) { $0 | Int(bytes[8 + $1]) << (8 * $1) }
                headerStart = 12
            default:
                throw fail("unsupported .npy version \(major)")
            }
            guard headerStart + headerLength <= bytes.count,
                  let header = String(bytes: bytes[headerStart..<(headerStart + headerLength)], encoding: .utf8) else {
                throw fail("truncated or unreadable header")
            }
            let (descr, fortran, shape) = try parseHeader(header, fail)
            guard !fortran else { throw fail("Fortran-ordered arrays are not supported; save with C order") }
            let count = try shape.reduce(1) { product, extent in
                let (p, overflow) = product.multipliedReportingOverflow(by: extent)
                guard !overflow, p <= 1 << 34 else { throw fail("shape \(shape) is too large") }
                return p
            }
            let payload = UnsafeRawBufferPointer(rebasing: bytes[(headerStart + headerLength)...])
            func elements<T>(_: T.Type) throws -> [T] {
                let width = MemoryLayout<T>.size
                guard payload.count >= count * width else {
                    throw fail("holds \(payload.count) data bytes, shape \(shape) of \(descr) needs \(count * width)")
                }
                return (0..<count).map { payload.loadUnaligned(fromByteOffset: $0 * width, as: T.self) }
            }
            switch descr {
            case "<f4": return Tensor(shape: shape, floats: try elements(Float.self))
            case "<f8": return Tensor(shape: shape, floats: try elements(Double.self).map { Float($0) })
            case "<i8": return Tensor(shape: shape, int64s: try elements(Int64.self))
            case "<i4": return Tensor(shape: shape, int64s: try elements(Int32.self).map { Int64($0) })
            case "|b1": return Tensor(shape: shape, bools: try elements(UInt8.self).map { $0 != 0 })
            default: throw fail("unsupported element type '\(descr)' (use float32, float64, int64, int32 or bool)")
            }
        }
    }

    /// Parses the header dictionary: `{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2, 3), }`.
    private static func parseHeader(_ header: String, _ fail: (String) -> Failure) throws
        -> (descr: String, fortran: Bool, shape: [Int]) {
        func value(after key: String) -> Substring? {
            guard let range = header.range(of: "'\(key)':") else { return nil }
            return header[range.upperBound...].drop { $0 == " " }
        }
        guard let descrField = value(after: "descr"), descrField.first == "'",
              let close = descrField.dropFirst().firstIndex(of: "'") else { throw fail("header has no descr") }
        let descr = String(descrField[descrField.index(after: descrField.startIndex)..<close])
        guard let fortranField = value(after: "fortran_order") else { throw fail("header has no fortran_order") }
        let fortran = fortranField.hasPrefix("True")
        guard let shapeField = value(after: "shape"), shapeField.first == "(",
              let shapeClose = shapeField.firstIndex(of: ")") else { throw fail("header has no shape") }
        let items = shapeField[shapeField.index(after: shapeField.startIndex)..<shapeClose]
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let shape = try items.map { item -> Int in
            guard let extent = Int(item), extent >= 0 else { throw fail("bad shape entry '\(item)'") }
            return extent
        }
        return (descr, fortran, shape)
    }

    /// Writes `tensor` to `path` (format 1.0). The file appears under its name only once complete.
    public static func write(_ tensor: Tensor, to path: String) throws {
        let descr: String
        let body: Data
        switch tensor.dataType {
        case .float32:
            descr = "<f4"
            body = tensor.floats().withUnsafeBytes { Data($0) }
        case .int64:
            descr = "<i8"
            body = tensor.int64s().withUnsafeBytes { Data($0) }
        case .bool:
            descr = "|b1"
            body = Data(tensor.bools().map { $0 ? 1 : 0 })
        }
        let shape = tensor.shape.count == 1 ? "(\(tensor.shape[0]),)" : "(" + tensor.shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shape), }"
        let unpadded = magic.count + 4 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var data = Data(magic)
        data.append(contentsOf: [1, 0, UInt8(header.utf8.count & 0xff), UInt8(header.utf8.count >> 8)])
        data.append(header.data(using: .utf8)!)
        data.append(body)
        do {
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw Failure(path: path, reason: "cannot be written (\(error.localizedDescription))")
        }
    }
}
