import Foundation

/// A minimal ONNX (protobuf) encoder for model files made on the fly: just the fields the hostile-model tests
/// need, in the order protobuf writers emit them.
enum ModelBytes {
    /// A `ModelProto` of IR version 8 importing `opset` of the default domain.
    static func model(opset: Int64 = 17, nodes: [[UInt8]], inputs: [[UInt8]] = [], initializers: [[UInt8]] = [],
                      outputs: [String] = ["y"]) -> [UInt8] {
        var graph = nodes.flatMap { field(1, $0) } + field(2, Array("hostile".utf8))
        graph += initializers.flatMap { field(5, $0) } + inputs.flatMap { field(11, $0) }
        graph += outputs.flatMap { field(12, field(1, Array($0.utf8))) }
        return varintField(1, 8) + field(7, graph) + field(8, field(1, []) + varintField(2, opset))
    }

    /// A `NodeProto`; `ints` become INTS attributes, `int` INT ones.
    static func node(_ opType: String, _ inputs: [String], _ outputs: [String], name: String = "hostile",
                     int: [String: Int64] = [:], ints: [String: [Int64]] = [:]) -> [UInt8] {
        var bytes = inputs.flatMap { field(1, Array($0.utf8)) } + outputs.flatMap { field(2, Array($0.utf8)) }
        bytes += field(3, Array(name.utf8)) + field(4, Array(opType.utf8))
        for (key, value) in int.sorted(by: { $0.key < $1.key }) {
            bytes += field(5, field(1, Array(key.utf8)) + varintField(3, value) + varintField(20, 2))
        }
        for (key, values) in ints.sorted(by: { $0.key < $1.key }) {
            bytes += field(5, field(1, Array(key.utf8)) + values.flatMap { varintField(8, $0) } + varintField(20, 7))
        }
        return bytes
    }

    /// An int64 `TensorProto` (a scalar when `dims` is empty).
    static func int64s(_ name: String, _ values: [Int64], dims: [Int64]? = nil) -> [UInt8] {
        tensor(name, type: 7, dims: dims ?? [Int64(values.count)], raw: values.flatMap(littleEndian))
    }

    /// A float `TensorProto` (a scalar when `dims` is empty).
    static func floats(_ name: String, _ values: [Float], dims: [Int64]? = nil) -> [UInt8] {
        tensor(name, type: 1, dims: dims ?? [Int64(values.count)], raw: values.flatMap { littleEndian($0.bitPattern) })
    }

    /// A float `TensorProto` that declares `dims` but holds no data (the reader accepts it; its payload is an error).
    static func floatsWithoutData(_ name: String, dims: [Int64]) -> [UInt8] {
        dims.flatMap { varintField(1, $0) } + varintField(2, 1) + field(8, Array(name.utf8))
    }

    /// A float graph input of fixed shape `dims`.
    static func floatInput(_ name: String, _ dims: [Int64]) -> [UInt8] {
        let shape = dims.flatMap { field(1, varintField(1, $0)) }
        return field(1, Array(name.utf8)) + field(2, field(1, varintField(1, 1) + field(2, shape)))
    }

    private static func tensor(_ name: String, type: Int64, dims: [Int64], raw: [UInt8]) -> [UInt8] {
        dims.flatMap { varintField(1, $0) } + varintField(2, type) + field(8, Array(name.utf8)) + field(9, raw)
    }

    private static func varint(_ value: UInt64) -> [UInt8] {
        var value = value, bytes: [UInt8] = []
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7f) | 0x80)
            value >>= 7
        }
        return bytes + [UInt8(value)]
    }

    private static func varintField(_ number: UInt64, _ value: Int64) -> [UInt8] {
        varint(number << 3) + varint(UInt64(bitPattern: value))
    }

    private static func field(_ number: UInt64, _ bytes: [UInt8]) -> [UInt8] {
        varint(number << 3 | 2) + varint(UInt64(bytes.count)) + bytes
    }

    private static func littleEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.littleEndian) { Array($0) }
    }
}
