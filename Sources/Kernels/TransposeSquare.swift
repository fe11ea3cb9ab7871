/// Writes the `vectorWidth × vectorWidth` square at `source` (rows `rowStride` apart), transposed and times
/// `scale`, to `destination` (rows `destinationStride` apart): `destination[c · destinationStride + r] = scale ·
/// source[r · rowStride + c]`. Each round of even/odd splits of row pairs rotates an element's index (row, then
/// column bits) right by one bit; log₂ vectorWidth rounds swap the row and column bits. With `scale` 1 the bits are
/// moved unchanged (any 4-byte elements). `vectors` is scratch for `2 · vectorWidth` vectors.
@inline(__always)
func transposeSquare(_ source: UnsafePointer<Float>, rowStride: Int, scale: Float,
                     into destination: UnsafeMutablePointer<Float>, rowStride destinationStride: Int,
                     vectors: UnsafeMutablePointer<FloatVector>) {
    let vw = vectorWidth
    var rows = vectors, next = vectors + vw
    let factor = FloatVector(repeating: scale)
    for r in 0..<vw {
        let row = UnsafeRawPointer(source + r * rowStride).loadUnaligned(as: FloatVector.self)
        rows[r] = scale == 1 ? row : factor * row
    }
    var span = 1
    while span < vw {
        for m in 0..<vw / 2 {
            let pair = FloatVectorPair(lowHalf: rows[2 * m], highHalf: rows[2 * m + 1])
            (next[m], next[m + vw / 2]) = (pair.evenHalf, pair.oddHalf)
        }
        swap(&rows, &next)
        span *= 2
    }
    for c in 0..<vw {
        UnsafeMutableRawPointer(destination + c * destinationStride).storeBytes(of: rows[c], as: FloatVector.self)
    }
}
