import XCTest
import Kernels

/// A deterministic pseudo-random generator (SplitMix64), so every test sees the same data on every run.
struct SplitMix64 {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    /// A uniform double in `[0, 1)`.
    mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// `count` floats drawn uniformly from `range`.
    mutating func floats(_ count: Int, in range: ClosedRange<Double> = -1...1) -> [Float] {
        (0..<count).map { _ in Float(range.lowerBound + unit() * (range.upperBound - range.lowerBound)) }
    }
}

/// A float64 sum of terms that also tracks the sum of their magnitudes: the scale that the rounding error of a
/// float32 evaluation of the same sum is proportional to, whatever the order of accumulation.
struct ReferenceSum {
    var value = 0.0
    var magnitude = 0.0

    init(_ initial: Double = 0) {
        value = initial
        magnitude = abs(initial)
    }

    mutating func add(_ term: Double) {
        value += term
        magnitude += abs(term)
    }
}

/// Asserts `|actual[i] − expected[i]| ≤ tolerance · scale[i]` for every `i` (equal values always match, NaN
/// matches NaN), reporting the number of failures and the worst one.
func assertClose(_ actual: [Float], _ expected: [Double], scale: [Double], tolerance: Double,
                 _ message: @autoclosure () -> String = "", file: StaticString = #filePath, line: UInt = #line) {
    guard actual.count == expected.count, expected.count == scale.count else {
        XCTFail("count \(actual.count) vs expected \(expected.count) (scale \(scale.count)) \(message())",
                file: file, line: line)
        return
    }
    var failures = 0, worst = -1, worstRatio = 0.0
    for i in actual.indices {
        let error = abs(Double(actual[i]) - expected[i])
        let bound = tolerance * scale[i]
        let matches = error <= bound || Double(actual[i]) == expected[i] || actual[i].isNaN && expected[i].isNaN
        if matches { continue }
        failures += 1
        let ratio = bound > 0 ? error / bound : .infinity
        if worst < 0 || ratio > worstRatio || ratio.isNaN { worst = i; worstRatio = ratio }
    }
    if failures > 0 {
        XCTFail("\(failures) of \(actual.count) elements off; worst at \(worst): got \(actual[worst]), expected "
                + "\(expected[worst]), bound \(tolerance * scale[worst]) \(message())", file: file, line: line)
    }
}

/// Asserts every element is within `tolerance` relative to its own float64 reference value.
func assertClose(_ actual: [Float], _ expected: [Double], relative tolerance: Double,
                 _ message: @autoclosure () -> String = "", file: StaticString = #filePath, line: UInt = #line) {
    assertClose(actual, expected, scale: expected.map(abs), tolerance: tolerance, message(), file: file, line: line)
}

/// Asserts every element is within `tolerance` times the magnitude of the terms its reference sum added.
func assertClose(_ actual: [Float], _ expected: [ReferenceSum], tolerance: Double,
                 _ message: @autoclosure () -> String = "", file: StaticString = #filePath, line: UInt = #line) {
    assertClose(actual, expected.map(\.value), scale: expected.map(\.magnitude), tolerance: tolerance, message(),
                file: file, line: line)
}

/// Calls `body` with every multi-index of `shape` in row-major order (once, with `[]`, for rank 0).
func forEachIndex(_ shape: [Int], _ body: ([Int]) -> Void) {
    if shape.contains(0) { return }
    var index = [Int](repeating: 0, count: shape.count)
    while true {
        body(index)
        var axis = shape.count - 1
        while axis >= 0 {
            index[axis] += 1
            if index[axis] < shape[axis] { break }
            index[axis] = 0
            axis -= 1
        }
        if axis < 0 { return }
    }
}

/// The flat offset that a dense tensor of `shape`, right-aligned and broadcast (numpy rules), reads at output
/// multi-index `index`.
func broadcastOffset(_ index: [Int], in shape: [Int]) -> Int {
    let lead = index.count - shape.count
    return shape.indices.reduce(0) { $0 * shape[$1] + (shape[$1] == 1 ? 0 : index[lead + $1]) }
}

/// The element offset of `index` under `strides`.
func offset(of index: [Int], strides: [Int], base: Int = 0) -> Int {
    zip(index, strides).reduce(base) { $0 + $1.0 * $1.1 }
}

/// A convolution's geometry from input size, kernel, stride, dilation and (begin, end) pads, in the ONNX `Conv`
/// sense; `transposed` gives the `ConvTranspose` geometry instead (`outputPadding` extra rows / columns at the end).
func convGeometry(batch: Int, inChannels: Int, outChannels: Int, groups: Int, input: (Int, Int), kernel: (Int, Int),
                  stride: (Int, Int) = (1, 1), dilation: (Int, Int) = (1, 1),
                  padBegin: (Int, Int) = (0, 0), padEnd: (Int, Int) = (0, 0),
                  transposed: Bool = false, outputPadding: (Int, Int) = (0, 0)) -> ConvGeometry {
    func outSize(_ n: Int, _ k: Int, _ s: Int, _ d: Int, _ pb: Int, _ pe: Int, _ op: Int) -> Int {
        transposed ? (n - 1) * s - pb - pe + d * (k - 1) + 1 + op : (n + pb + pe - d * (k - 1) - 1) / s + 1
    }
    return ConvGeometry(
        batch: batch, inChannels: inChannels, outChannels: outChannels, groups: groups,
        inHeight: input.0, inWidth: input.1,
        outHeight: outSize(input.0, kernel.0, stride.0, dilation.0, padBegin.0, padEnd.0, outputPadding.0),
        outWidth: outSize(input.1, kernel.1, stride.1, dilation.1, padBegin.1, padEnd.1, outputPadding.1),
        kernelHeight: kernel.0, kernelWidth: kernel.1, strideHeight: stride.0, strideWidth: stride.1,
        dilationHeight: dilation.0, dilationWidth: dilation.1, padTop: padBegin.0, padLeft: padBegin.1)
}

/// Calls `body` with a pointer to `array`'s elements, or with nil when there is no array (an optional bias).
func withOptionalPointer<R>(_ array: [Float]?, _ body: (UnsafePointer<Float>?) -> R) -> R {
    guard let array else { return body(nil) }
    return array.withUnsafeBufferPointer { body($0.baseAddress) }
}

/// Runs a `(source, destination)` kernel over the non-empty `x`, out of place (the destination starts as NaN) or in
/// place, and returns the destination.
func apply(_ x: [Float], inPlace: Bool = false,
           _ kernel: (UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Void) -> [Float] {
    var y = inPlace ? x : [Float](repeating: .nan, count: x.count)
    y.withUnsafeMutableBufferPointer { out in
        if inPlace {
            kernel(UnsafePointer(out.baseAddress!), out.baseAddress!)
        } else {
            x.withUnsafeBufferPointer { kernel($0.baseAddress!, out.baseAddress!) }
        }
    }
    return y
}
