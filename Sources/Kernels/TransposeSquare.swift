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

/// Writes the transpose of the `rows × columns` matrix at `source` (rows `rowStride` apart), times `scale`, to
/// `destination` (rows `destinationStride` apart): `destination[c · destinationStride + r] = scale ·
/// source[r · rowStride + c]`. Whole `vectorWidth × vectorWidth` squares go through `transposeSquare`, the edges
/// element by element. With `scale` 1 the bits are moved unchanged. The matrices must not overlap.
func transposeMatrix(_ source: UnsafePointer<Float>, rowStride: Int, rows: Int, columns: Int, scale: Float = 1,
                     into destination: UnsafeMutablePointer<Float>, rowStride destinationStride: Int) {
    let vw = vectorWidth, squareRows = rows / vw * vw, squareColumns = columns / vw * vw
    if squareRows > 0 && squareColumns > 0 {
        withUnsafeTemporaryAllocation(of: FloatVector.self, capacity: 2 * vw) { vectors in
            for r in stride(from: 0, to: squareRows, by: vw) {
                for c in stride(from: 0, to: squareColumns, by: vw) {
                    transposeSquare(source + r * rowStride + c, rowStride: rowStride, scale: scale,
                                    into: destination + c * destinationStride + r, rowStride: destinationStride,
                                    vectors: vectors.baseAddress!)
                }
            }
        }
    }
    // The edges: the columns right of the squares, then the rows below them.
    @inline(__always) func move(_ r: Int, _ c: Int) {
        let value = source[r * rowStride + c]
        destination[c * destinationStride + r] = scale == 1 ? value : scale * value
    }
    if squareColumns < columns {
        for r in 0..<squareRows { for c in squareColumns..<columns { move(r, c) } }
    }
    for r in squareRows..<rows { for c in 0..<columns { move(r, c) } }
}
