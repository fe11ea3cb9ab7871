import Foundation

/// ONNX `Gather`: `output[o, j, i] = input[o, indices[j], i]` for a dense input viewed as
/// `[outer, axisLength, inner]`; negative indices count from the end. Indices must already be validated to lie in
/// `-axisLength ..< axisLength`. `elementSize` is in bytes; `output` must not alias `input`.
public func gather(_ input: UnsafeRawPointer, outer: Int, axisLength: Int, inner: Int,
                   indices: UnsafePointer<Int64>, indexCount: Int,
                   output: UnsafeMutableRawPointer, elementSize: Int) {
    let block = inner * elementSize
    for o in 0..<outer {
        for j in 0..<indexCount {
            var i = Int(indices[j])
            if i < 0 { i += axisLength }
            memcpy(output + (o * indexCount + j) * block, input + (o * axisLength + i) * block, block)
        }
    }
}

/// ONNX `ScatterND` with no reduction: copies `data` into `output`, then for each of the `updateCount` index
/// tuples (each `indexDepth` long, negative values count from the end) overwrites the addressed slice of
/// `sliceElements` elements with the next slice of `updates`. `dataShape` is the shape of `data`; indices must be
/// validated beforehand. `output` may alias `data`.
public func scatterND(data: UnsafeRawPointer, dataShape: [Int], indices: UnsafePointer<Int64>, indexDepth: Int,
                      updateCount: Int, updates: UnsafeRawPointer, output: UnsafeMutableRawPointer,
                      elementSize: Int) {
    let total = dataShape.reduce(1, *)
    if UnsafeRawPointer(output) != data { memcpy(output, data, total * elementSize) }
    let strides = contiguousStrides(dataShape)
    let sliceElements = dataShape[indexDepth...].reduce(1, *)
    let sliceBytes = sliceElements * elementSize
    for u in 0..<updateCount {
        var offset = 0
        for d in 0..<indexDepth {
            var i = Int(indices[u * indexDepth + d])
            if i < 0 { i += dataShape[d] }
            offset += i * strides[d]
        }
        memcpy(output + offset * elementSize, updates + u * sliceBytes, sliceBytes)
    }
}
