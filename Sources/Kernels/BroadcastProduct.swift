#if WIDE_VECTORS
/// Rows of `A` one `broadcastProductBlock` computes, and vectors of `B`'s columns: 6 × 4 accumulators, which with
/// four loaded vectors of `B` and one broadcast fit AVX-512's 32 registers.
let broadcastRows = 6
#else
/// Rows of `A` one `broadcastProductBlock` computes, and vectors of `B`'s columns: 2 × 4 accumulators, which with
/// four loaded vectors of `B` and one broadcast fit the 16 registers of AVX2 (three and six rows spilled, at
/// 45–56 % of OpenBLAS's rate; two run at 90 %, so only the AVX-512 build uses these blocks for its products).
let broadcastRows = 2
#endif
let broadcastVectors = 4

/// Columns of `B` one `broadcastProductBlock` computes.
var broadcastWidth: Int { broadcastVectors * vectorWidth }

/// The shape of a register block: rows of `A` (one broadcast each) × vectors of `B`'s columns, constants the
/// product's loops unroll over.
protocol RegisterBlockShape {
    static var rows: Int { get }
    static var vectors: Int { get }
}

/// `broadcastRows` × four vectors: the blocks of `broadcastProductBlock`.
enum WideRegisterBlock: RegisterBlockShape {
    static var rows: Int { broadcastRows }
    static var vectors: Int { broadcastVectors }
}

/// 8 rows × 3 vectors (AVX-512 only: 24 accumulators, three loaded vectors of `B` and one broadcast): for products
/// whose sizes are multiples of 8 rows and 48 columns (such as 16 output channels by 336 positions), which
/// `WideRegisterBlock`'s 6 × 64 would pad.
enum TallRegisterBlock: RegisterBlockShape {
    static var rows: Int { 8 }
    static var vectors: Int { 3 }
}

/// True when a `rows × columns` product pads fewer multiplies in `TallRegisterBlock`s than in wide ones (builds
/// for AVX-512 only, where tall blocks fit the registers).
func tallBlocksPadLess(rows: Int, columns: Int) -> Bool {
    #if WIDE_VECTORS
    let tall = TallRegisterBlock.self
    return roundUp(rows, to: tall.rows) * roundUp(columns, to: blockWidth(tall))
        < roundUp(rows, to: broadcastRows) * roundUp(columns, to: broadcastWidth)
    #else
    return false
    #endif
}

/// Columns of `B` one register block of `shape` computes.
func blockWidth<Shape: RegisterBlockShape>(_ shape: Shape.Type) -> Int { Shape.vectors * vectorWidth }

/// A register block of the product `A · B` in `broadcastRows` × four vectors (`registerBlockProduct` of
/// `WideRegisterBlock`).
@inline(__always)
func broadcastProductBlock(a: UnsafePointer<Float>, lda: Int, depthStride: Int = 1, rows: Int,
                           b: UnsafePointer<Float>, ldb: Int, depth: Int,
                           store: (_ row: Int, FloatVector, FloatVector, FloatVector, FloatVector) -> Void) {
    registerBlockProduct(WideRegisterBlock.self, a: a, lda: lda, depthStride: depthStride, rows: rows, b: b, ldb: ldb,
                         depth: depth, store: store)
}

/// A register block of the product `A · B`: for the `rows ≤ Shape.rows` rows of `A` at `a` (`A[r][t]` at
/// `a[r · lda + t · depthStride]`) and the `blockWidth(shape)` columns of `B` at `b` (row stride `ldb`), `C[r][·] =
/// Σ_{t < depth} A[r][t] · B[t][·]`, each `A[r][t]` broadcast against the vectors of `B`'s row `t`. Calls
/// `store(r, c0, c1, c2, c3)` with row `r`'s vectors of `C` (`c3` zero for three-vector shapes), for `r < rows`.
/// `depthStride` is 1 for a row-major `A`; a column-major `A` has `lda` 1.
///
/// Reads `rows × depth` floats of `A` and `depth` rows of `blockWidth(shape)` floats from `b`; writes nothing itself.
@inline(__always)
func registerBlockProduct<Shape: RegisterBlockShape>(
    _ shape: Shape.Type, a: UnsafePointer<Float>, lda: Int, depthStride: Int = 1, rows: Int, b: UnsafePointer<Float>,
    ldb: Int, depth: Int, store: (_ row: Int, FloatVector, FloatVector, FloatVector, FloatVector) -> Void
) {
    let vw = vectorWidth, shapeRows = Shape.rows, vectors = Shape.vectors
    // Missing rows repeat the last one; their sums are computed and dropped. Rows and vectors past the shape's
    // (constants) are compiled out.
    let a0 = a, a1 = a + min(1, rows - 1) * lda, a2 = a + min(2, rows - 1) * lda
    let a3 = a + min(3, rows - 1) * lda, a4 = a + min(4, rows - 1) * lda, a5 = a + min(5, rows - 1) * lda
    let a6 = a + min(6, rows - 1) * lda, a7 = a + min(7, rows - 1) * lda
    var c00 = FloatVector(), c01 = c00, c02 = c00, c03 = c00, c10 = c00, c11 = c00, c12 = c00, c13 = c00
    var c20 = c00, c21 = c00, c22 = c00, c23 = c00, c30 = c00, c31 = c00, c32 = c00, c33 = c00
    var c40 = c00, c41 = c00, c42 = c00, c43 = c00, c50 = c00, c51 = c00, c52 = c00, c53 = c00
    var c60 = c00, c61 = c00, c62 = c00, c63 = c00, c70 = c00, c71 = c00, c72 = c00, c73 = c00
    var row = UnsafeRawPointer(b)
    for t in 0..<depth {
        let b0 = row.loadUnaligned(as: FloatVector.self)
        let b1 = row.loadUnaligned(fromByteOffset: 4 * vw, as: FloatVector.self)
        let b2 = row.loadUnaligned(fromByteOffset: 8 * vw, as: FloatVector.self)
        let b3 = vectors > 3 ? row.loadUnaligned(fromByteOffset: 12 * vw, as: FloatVector.self) : FloatVector()
        /// Row `r`'s broadcast of `A[r][t]` against the loaded vectors of `B`, into its accumulators.
        @inline(__always) func accumulate(_ a: UnsafePointer<Float>, _ c0: inout FloatVector, _ c1: inout FloatVector,
                                          _ c2: inout FloatVector, _ c3: inout FloatVector) {
            let s = FloatVector(repeating: a[t * depthStride])
            c0 = multiplyAdd(b0, s, c0); c1 = multiplyAdd(b1, s, c1); c2 = multiplyAdd(b2, s, c2)
            if vectors > 3 { c3 = multiplyAdd(b3, s, c3) }
        }
        accumulate(a0, &c00, &c01, &c02, &c03)
        accumulate(a1, &c10, &c11, &c12, &c13)
        if shapeRows > 2 { accumulate(a2, &c20, &c21, &c22, &c23) }
        if shapeRows > 3 { accumulate(a3, &c30, &c31, &c32, &c33) }
        if shapeRows > 4 { accumulate(a4, &c40, &c41, &c42, &c43) }
        if shapeRows > 5 { accumulate(a5, &c50, &c51, &c52, &c53) }
        if shapeRows > 6 { accumulate(a6, &c60, &c61, &c62, &c63) }
        if shapeRows > 7 { accumulate(a7, &c70, &c71, &c72, &c73) }
        row += ldb * MemoryLayout<Float>.stride
    }
    store(0, c00, c01, c02, c03)
    if rows > 1 { store(1, c10, c11, c12, c13) }
    if rows > 2 { store(2, c20, c21, c22, c23) }
    if rows > 3 { store(3, c30, c31, c32, c33) }
    if rows > 4 { store(4, c40, c41, c42, c43) }
    if rows > 5 { store(5, c50, c51, c52, c53) }
    if rows > 6 { store(6, c60, c61, c62, c63) }
    if rows > 7 { store(7, c70, c71, c72, c73) }
}

/// `n` rounded up to a multiple of `step`.
func roundUp(_ n: Int, to step: Int) -> Int { (n + step - 1) / step * step }

/// Copies a `rows × columns` matrix `m` (rows `rowStride` apart), times `scale`, into panels of `broadcastWidth`
/// columns, the layout `broadcastProductBlock` reads as its `b` (rows `broadcastWidth` apart):
/// `packed[(p · rows + t) · width + j] = scale · m[t][p · width + j]`, zero past the last column. `packed` holds
/// `rows · roundUp(columns, to: broadcastWidth)` floats and does not alias `m`.
func packPanels(_ m: UnsafePointer<Float>, rowStride: Int, rows: Int, columns: Int, scale: Float = 1,
                into packed: UnsafeMutablePointer<Float>) {
    let width = broadcastWidth
    for panel in 0..<(columns + width - 1) / width {
        let first = panel * width, count = min(width, columns - first)
        for t in 0..<rows {
            let row = packed + (panel * rows + t) * width, source = m + t * rowStride + first
            for j in 0..<count { row[j] = scale * source[j] }
            (row + count).update(repeating: 0, count: width - count)
        }
    }
}

/// Loads four consecutive vectors at `p`, a wide register block's row (`storeBlockRow`'s inverse).
@inline(__always)
func loadBlockRow(_ p: UnsafePointer<Float>) -> (FloatVector, FloatVector, FloatVector, FloatVector) {
    let row = UnsafeRawPointer(p), stride = MemoryLayout<FloatVector>.stride
    return (row.loadUnaligned(as: FloatVector.self), row.loadUnaligned(fromByteOffset: stride, as: FloatVector.self),
            row.loadUnaligned(fromByteOffset: 2 * stride, as: FloatVector.self),
            row.loadUnaligned(fromByteOffset: 3 * stride, as: FloatVector.self))
}

/// Stores the four vectors of a wide register block's row consecutively at `p`.
@inline(__always)
func storeBlockRow(_ v0: FloatVector, _ v1: FloatVector, _ v2: FloatVector, _ v3: FloatVector,
                   to p: UnsafeMutablePointer<Float>) {
    let row = UnsafeMutableRawPointer(p), stride = MemoryLayout<FloatVector>.stride
    row.storeBytes(of: v0, as: FloatVector.self)
    row.storeBytes(of: v1, toByteOffset: stride, as: FloatVector.self)
    row.storeBytes(of: v2, toByteOffset: 2 * stride, as: FloatVector.self)
    row.storeBytes(of: v3, toByteOffset: 3 * stride, as: FloatVector.self)
}

/// Loads the first `count ≤ broadcastWidth` floats at `p` as four consecutive vectors, zeros beyond (`storePrefix`'s
/// inverse); reads no float at or past `p + count`.
@inline(__always)
func loadPrefix(_ p: UnsafePointer<Float>, count: Int) -> (FloatVector, FloatVector, FloatVector, FloatVector) {
    let vw = vectorWidth
    @inline(__always) func get(_ part: Int) -> FloatVector {
        let lanes = min(vw, count - part * vw)
        return lanes > 0 ? VectorLanes(count: lanes).load(p + part * vw) : FloatVector()
    }
    return (get(0), get(1), get(2), get(3))
}

/// Stores the first `count ≤ broadcastWidth` floats of four consecutive vectors at `p` (a register block's row).
@inline(__always)
func storePrefix(_ v0: FloatVector, _ v1: FloatVector, _ v2: FloatVector, _ v3: FloatVector,
                 to p: UnsafeMutablePointer<Float>, count: Int) {
    let vw = vectorWidth
    @inline(__always) func put(_ v: FloatVector, _ part: Int) {
        let lanes = min(vw, count - part * vw)
        if lanes > 0 { VectorLanes(count: lanes).store(v, to: p + part * vw) }
    }
    put(v0, 0)
    put(v1, 1)
    put(v2, 2)
    put(v3, 3)
}
