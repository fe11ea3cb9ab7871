/// The numpy-broadcast shape of two shapes, or `nil` when they are incompatible.
public func broadcastShape(_ a: [Int], _ b: [Int]) -> [Int]? {
    let rank = max(a.count, b.count)
    var result = [Int](repeating: 1, count: rank)
    for i in 0..<rank {
        let da = i < rank - a.count ? 1 : a[i - (rank - a.count)]
        let db = i < rank - b.count ? 1 : b[i - (rank - b.count)]
        if da == db || db == 1 {
            result[i] = da
        } else if da == 1 {
            result[i] = db
        } else {
            return nil
        }
    }
    return result
}

/// Strides (in elements) that read a dense tensor of `shape` as if broadcast to `outputShape`:
/// axes of extent 1 and missing leading axes get stride 0.
public func broadcastStrides(_ shape: [Int], to outputShape: [Int]) -> [Int] {
    let dense = contiguousStrides(shape)
    let lead = outputShape.count - shape.count
    precondition(lead >= 0, "cannot broadcast to a lower rank")
    return outputShape.indices.map { axis in
        axis < lead || shape[axis - lead] == 1 ? 0 : dense[axis - lead]
    }
}

/// `out[i] = op(a[i], b[i])` over the broadcast of `a` and `b` to `outputShape` (numpy rules).
///
/// `a` and `b` are dense in their own shapes; `out` is dense in `outputShape`. `out` may alias an input only
/// when that input already has `outputShape`.
@inlinable
public func broadcastBinary<A, B, C>(_ a: UnsafePointer<A>, _ aShape: [Int],
                                     _ b: UnsafePointer<B>, _ bShape: [Int],
                                     _ out: UnsafeMutablePointer<C>, _ outputShape: [Int],
                                     _ op: (A, B) -> C) {
    let count = outputShape.reduce(1, *)
    if aShape.reduce(1, *) == count && bShape.reduce(1, *) == count {
        for i in 0..<count { out[i] = op(a[i], b[i]) }
        return
    }
    if bShape.reduce(1, *) == 1 && aShape.reduce(1, *) == count {
        let scalar = b[0]
        for i in 0..<count { out[i] = op(a[i], scalar) }
        return
    }
    if aShape.reduce(1, *) == 1 && bShape.reduce(1, *) == count {
        let scalar = a[0]
        for i in 0..<count { out[i] = op(scalar, b[i]) }
        return
    }
    // One operand holds one value per row of the other's trailing axes (a per-row bias, a shrunk constant).
    if aShape.reduce(1, *) == count, let inner = trailingBroadcastRun(bShape, of: outputShape) {
        for row in 0..<count / inner {
            let scalar = b[row], base = row * inner
            for i in 0..<inner { out[base + i] = op(a[base + i], scalar) }
        }
        return
    }
    if bShape.reduce(1, *) == count, let inner = trailingBroadcastRun(aShape, of: outputShape) {
        for row in 0..<count / inner {
            let scalar = a[row], base = row * inner
            for i in 0..<inner { out[base + i] = op(scalar, b[base + i]) }
        }
        return
    }
    let layouts = [StridedLayout(shape: outputShape, strides: broadcastStrides(aShape, to: outputShape)),
                   StridedLayout(shape: outputShape, strides: broadcastStrides(bShape, to: outputShape)),
                   StridedLayout(contiguous: outputShape)]
    forEachRunInlinable(shape: outputShape, layouts: layouts) { offsets, inner, length in
        let pa = a + offsets[0], pb = b + offsets[1], po = out + offsets[2]
        let sa = inner[0], sb = inner[1], so = inner[2]
        if sa == 1 && sb == 1 && so == 1 {
            for i in 0..<length { po[i] = op(pa[i], pb[i]) }
        } else if sa == 1 && sb == 0 && so == 1 {
            let scalar = pb[0]
            for i in 0..<length { po[i] = op(pa[i], scalar) }
        } else if sa == 0 && sb == 1 && so == 1 {
            let scalar = pa[0]
            for i in 0..<length { po[i] = op(scalar, pb[i]) }
        } else {
            for i in 0..<length { po[i * so] = op(pa[i * sa], pb[i * sb]) }
        }
    }
}

/// When `shape` broadcasts over `outputShape` as one value per row of its trailing axes (the same extents up to some
/// axis, 1 after it, and at least one such trailing axis longer than 1): the length of those rows.
@inlinable
func trailingBroadcastRun(_ shape: [Int], of outputShape: [Int]) -> Int? {
    let aligned = Array(repeating: 1, count: max(0, outputShape.count - shape.count)) + shape
    let last = aligned.lastIndex(where: { $0 != 1 }) ?? -1
    guard aligned.count == outputShape.count, (0..<(last + 1)).allSatisfy({ aligned[$0] == outputShape[$0] }) else {
        return nil
    }
    let inner = outputShape[(last + 1)...].reduce(1, *)
    return inner > 1 ? inner : nil
}

/// `out[i] = condition[i] ? x[i] : y[i]` over the broadcast of the three inputs to `outputShape`.
///
/// Inputs are dense in their own shapes; `out` is dense in `outputShape` and must not alias an input.
@inlinable
public func broadcastSelect<T>(_ condition: UnsafePointer<Bool>, _ conditionShape: [Int],
                               _ x: UnsafePointer<T>, _ xShape: [Int],
                               _ y: UnsafePointer<T>, _ yShape: [Int],
                               _ out: UnsafeMutablePointer<T>, _ outputShape: [Int]) {
    let layouts = [StridedLayout(shape: outputShape, strides: broadcastStrides(conditionShape, to: outputShape)),
                   StridedLayout(shape: outputShape, strides: broadcastStrides(xShape, to: outputShape)),
                   StridedLayout(shape: outputShape, strides: broadcastStrides(yShape, to: outputShape)),
                   StridedLayout(contiguous: outputShape)]
    forEachRunInlinable(shape: outputShape, layouts: layouts) { offsets, inner, length in
        for i in 0..<length {
            out[offsets[3] + i * inner[3]] = condition[offsets[0] + i * inner[0]]
                ? x[offsets[1] + i * inner[1]] : y[offsets[2] + i * inner[2]]
        }
    }
}

/// Inlinable entry to `forEachRun` for the generic kernels above.
@usableFromInline
func forEachRunInlinable(shape: [Int], layouts: [StridedLayout],
                         _ body: ([Int], [Int], Int) -> Void) {
    forEachRun(shape: shape, layouts: layouts, body)
}
