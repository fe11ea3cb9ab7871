/// Batched matrix product with numpy broadcasting over the batch axes (ONNX `MatMul` for rank ≥ 2 operands).
///
/// `a` is `aBatch + [m, k]`, `b` is `bBatch + [k, n]`, `output` is `broadcast(aBatch, bBatch) + [m, n]`; all
/// dense. When `b` has a single matrix and `a`'s batch is not broadcast, the whole product is one `gemm` with
/// `batch · m` rows. `output` must not alias an input.
public func batchedMatMul(a: UnsafePointer<Float>, aBatch: [Int], b: UnsafePointer<Float>, bBatch: [Int],
                          output: UnsafeMutablePointer<Float>, m: Int, k: Int, n: Int) {
    guard let outBatch = broadcastShape(aBatch, bBatch) else {
        preconditionFailure("MatMul batch shapes \(aBatch) and \(bBatch) do not broadcast")
    }
    let batches = outBatch.reduce(1, *)
    let aCount = aBatch.reduce(1, *), bCount = bBatch.reduce(1, *)
    if bCount == 1 && aCount == batches {
        gemm(m: batches * m, n: n, k: k, a: a, lda: k, b: b, ldb: n, beta: 0, c: output, ldc: n)
        return
    }
    let aStrides = broadcastStrides(aBatch, to: outBatch)
    let bStrides = broadcastStrides(bBatch, to: outBatch)
    var index = [Int](repeating: 0, count: outBatch.count)
    for batch in 0..<batches {
        var ai = 0, bi = 0
        for axis in outBatch.indices {
            ai += index[axis] * aStrides[axis]
            bi += index[axis] * bStrides[axis]
        }
        gemm(m: m, n: n, k: k, a: a + ai * m * k, lda: k, b: b + bi * k * n, ldb: n,
             beta: 0, c: output + batch * m * n, ldc: n)
        var axis = outBatch.count - 1
        while axis >= 0 {
            index[axis] += 1
            if index[axis] < outBatch[axis] { break }
            index[axis] = 0
            axis -= 1
        }
    }
}

/// A linear layer: `output[r][j] = bias[j] + Σₖ a[r][k] · w[k][j]`, the product accumulated onto rows filled
/// with the bias. `a` is `rows × k`, `w` `k × n`, `bias` `n` values, `output` `rows × n`; all dense. `output`
/// must not alias an input.
public func linear(a: UnsafePointer<Float>, w: UnsafePointer<Float>, bias: UnsafePointer<Float>,
                   output: UnsafeMutablePointer<Float>, rows: Int, k: Int, n: Int) {
    for r in 0..<rows { (output + r * n).update(from: bias, count: n) }
    gemm(m: rows, n: n, k: k, a: a, lda: k, b: w, ldb: n, beta: 1, c: output, ldc: n)
}
