/// The largest tensor the engine will create, in bytes (16 GiB): a guard against hostile shapes.
let maximumTensorBytes = 1 << 34

/// The number of elements of a `dataType` tensor of `shape`, or nil when the engine does not accept such a
/// tensor: an extent is negative, or the non-zero extents multiply to more than `maximumTensorBytes` of elements.
///
/// Bounding the non-zero extents, not just the product, keeps every stride and offset computed from an accepted
/// shape within `Int`, even for an empty tensor such as `[2⁶², 2⁶², 0]`.
func acceptedElementCount(_ shape: [Int], _ dataType: DataType) -> Int? {
    let limit = maximumTensorBytes / dataType.byteWidth
    var product = 1
    for extent in shape {
        guard extent >= 0 else { return nil }
        guard extent > 0 else { continue }
        let (next, overflow) = product.multipliedReportingOverflow(by: extent)
        guard !overflow, next <= limit else { return nil }
        product = next
    }
    return shape.contains(0) ? 0 : product
}

/// The number of elements of value `name`, a `dataType` tensor of `shape`; `EngineError.tooLarge` naming the
/// value when the engine does not accept it (see `acceptedElementCount`).
@discardableResult
func checkedElementCount(_ shape: [Int], _ dataType: DataType, value name: String) throws -> Int {
    guard let count = acceptedElementCount(shape, dataType) else {
        throw EngineError.tooLarge(value: name, size: "\(dataType) \(shape)")
    }
    return count
}
