import COpenBLAS

/// Row-major single-precision matrix product through OpenBLAS:
/// `C[m×n] = alpha · op(A) · op(B) + beta · C`.
///
/// `op(A)` is `m × k` (`A` is stored `k × m` when `transposeA`), `op(B)` is `k × n`. Leading dimensions are
/// row strides in elements. `C` must not alias `A` or `B`. With `k == 0`, `C` becomes `beta · C`.
public func gemm(transposeA: Bool = false, transposeB: Bool = false, m: Int, n: Int, k: Int,
                 alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
                 b: UnsafePointer<Float>, ldb: Int,
                 beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
    guard m > 0, n > 0 else { return }
    if k == 0 {
        for row in 0..<m {
            let r = c + row * ldc
            for col in 0..<n { r[col] = beta == 0 ? 0 : beta * r[col] }
        }
        return
    }
    cblas_sgemm(CblasRowMajor,
                transposeA ? CblasTrans : CblasNoTrans,
                transposeB ? CblasTrans : CblasNoTrans,
                blasint(m), blasint(n), blasint(k), alpha,
                a, blasint(max(lda, 1)), b, blasint(max(ldb, 1)),
                beta, c, blasint(max(ldc, 1)))
}

/// The BLAS library's view of this machine: which kernel set it loaded and how many threads it uses.
public enum BLASInfo {
    /// The OpenBLAS core name (e.g. `Haswell`, `SkylakeX`).
    public static var coreName: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }

    /// The number of threads OpenBLAS runs a large gemm on.
    public static var threadCount: Int { Int(openblas_get_num_threads()) }

    /// Sets the number of threads OpenBLAS may use.
    public static func setThreadCount(_ count: Int) { openblas_set_num_threads(Int32(max(1, count))) }
}
