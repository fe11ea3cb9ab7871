import COpenBLAS

/// Double-precision lanes for gathering moments.
typealias DoubleLanes = SIMD8<Double>

/// The mean of each of `rows` rows of `count` floats at `x` (rows `count` apart) into `mean[k]`, and their biased
/// covariance into `covariance[k · rows + l]` (both triangles), in double precision: what `projectedGroupNorm` takes
/// a projection's statistics from.
///
/// One pass sums each row's `x − pivot` (its first value) and each pair's products of those, eight positions at a
/// time in double lanes, over `shares` fixed parts of the positions on separate cores (their sums added in order, so
/// the result does not depend on timing); the moments about the pivots then give the covariance about the means.
func inputMoments(_ x: UnsafePointer<Float>, rows: Int, count: Int, shares: Int,
                  mean: UnsafeMutablePointer<Double>, covariance: UnsafeMutablePointer<Double>) {
    let sumsPerShare = rows * (rows + 1), shares = max(1, min(shares, count / 1_024))
    withUnsafeTemporaryAllocation(of: Double.self, capacity: rows + shares * sumsPerShare) { buffer in
        let pivot = buffer.baseAddress!, partials = pivot + rows
        partials.initialize(repeating: 0, count: shares * sumsPerShare)
        for k in 0..<rows { pivot[k] = Double(x[k * count]) }
        let input = UncheckedSendable(x), pivots = UncheckedSendable(UnsafePointer(pivot))
        let sums = UncheckedSendable(partials)
        parallelShares(count, shares: shares) { share, range in
            addShiftedMoments(input.value, rows: rows, stride: count, pivot: pivots.value, range: range,
                              into: sums.value + share * sumsPerShare)
        }
        // Share 0's sums collect the others', in order: row sums first, then the products' upper triangle.
        for share in 1..<shares {
            for i in 0..<sumsPerShare { partials[i] += partials[share * sumsPerShare + i] }
        }
        let n = Double(count), products = partials + rows
        for k in 0..<rows { mean[k] = pivot[k] + partials[k] / n }
        for k in 0..<rows {
            for l in k..<rows {
                var value = products[k * rows + l] / n - (partials[k] / n) * (partials[l] / n)
                if k == l { value = max(0, value) }  // a variance, whatever the rounding
                covariance[k * rows + l] = value
                covariance[l * rows + k] = value
            }
        }
    }
}

/// Adds, over the positions `range` of `rows` rows (`stride` floats apart), each row's Σ (x − pivot) to `sums[k]`
/// and each pair's Σ (x_k − pivot_k)(x_l − pivot_l) to `sums[rows + k · rows + l]` for `l ≥ k` (`sums` holds
/// `rows · (rows + 1)` doubles, zero or partial sums).
private func addShiftedMoments(_ x: UnsafePointer<Float>, rows: Int, stride: Int, pivot: UnsafePointer<Double>,
                               range: Range<Int>, into sums: UnsafeMutablePointer<Double>) {
    let lanes = DoubleLanes.scalarCount
    withUnsafeTemporaryAllocation(of: DoubleLanes.self, capacity: rows * (rows + 2)) { buffer in
        let shifted = buffer.baseAddress!, rowSums = shifted + rows, products = rowSums + rows
        rowSums.initialize(repeating: DoubleLanes(), count: rows * (rows + 1))
        var i = range.lowerBound
        while i + lanes <= range.upperBound {
            for k in 0..<rows {
                let values = UnsafeRawPointer(x + k * stride + i).loadUnaligned(as: SIMD8<Float>.self)
                shifted[k] = DoubleLanes(values) - DoubleLanes(repeating: pivot[k])
                rowSums[k] += shifted[k]
            }
            for k in 0..<rows {
                let d = shifted[k]
                for l in k..<rows { products[k * rows + l] += d * shifted[l] }
            }
            i += lanes
        }
        for k in 0..<rows {
            sums[k] += rowSums[k].sum()
            for l in k..<rows { sums[rows + k * rows + l] += products[k * rows + l].sum() }
        }
        while i < range.upperBound {
            for k in 0..<rows {
                let d = Double(x[k * stride + i]) - pivot[k]
                sums[k] += d
                for l in k..<rows { sums[rows + k * rows + l] += d * (Double(x[l * stride + i]) - pivot[l]) }
            }
            i += 1
        }
    }
}

/// For each of `channels` projections `p = weight[c] · x` (`weight` `[channels, rows]`) of rows with moments
/// `mean` and `covariance` (as `inputMoments` writes them): its mean `weight[c] · mean` into `means[c]` and, unless
/// `variances` is nil, its variance `weight[c] · covariance · weight[c]ᵀ` into `variances[c]`, eight channels at a
/// time in double lanes.
func projectedMoments(mean: UnsafePointer<Double>, covariance: UnsafePointer<Double>, rows: Int,
                      weight: UnsafePointer<Float>, channels: Int, means: UnsafeMutablePointer<Double>,
                      variances: UnsafeMutablePointer<Double>?) {
    let lanes = DoubleLanes.scalarCount
    withUnsafeTemporaryAllocation(of: DoubleLanes.self, capacity: rows) { buffer in
        let column = buffer.baseAddress!  // column[k][j] = weight[first + j][k]
        var first = 0
        while first < channels {
            let count = min(lanes, channels - first)
            for k in 0..<rows {
                var v = DoubleLanes()
                for j in 0..<count { v[j] = Double(weight[(first + j) * rows + k]) }
                column[k] = v
            }
            var m = DoubleLanes(), q = DoubleLanes()
            for k in 0..<rows {
                if variances != nil {
                    var inner = DoubleLanes()
                    for l in 0..<rows { inner += column[l] * covariance[k * rows + l] }
                    q += column[k] * inner
                }
                m += column[k] * mean[k]
            }
            for j in 0..<count {
                means[first + j] = m[j]
                variances?[first + j] = max(0, q[j])
            }
            first += lanes
        }
    }
}

/// The Gram matrix of each group of `weight`'s rows (`weight` `[groups · perGroup, rows]`): `grams[g][k][l] =
/// Σ_{c in group g} weight[c][k] · weight[c][l]` in double precision, the upper triangle (`l ≥ k`) written (`grams`
/// holds `groups · rows · rows` doubles). With it, a group's summed projected variance is one pass over a covariance
/// (`summedVariance`) instead of one quadratic form per channel.
func groupGrams(_ weight: UnsafePointer<Float>, rows: Int, groups: Int, perGroup: Int,
                into grams: UnsafeMutablePointer<Double>) {
    let count = groups * perGroup * rows
    withUnsafeTemporaryAllocation(of: Double.self, capacity: count) { buffer in
        let wide = buffer.baseAddress!
        for i in 0..<count { wide[i] = Double(weight[i]) }
        for g in 0..<groups {
            cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, Int32(rows), Int32(perGroup), 1,
                        wide + g * perGroup * rows, Int32(rows), 0, grams + g * rows * rows, Int32(rows))
        }
    }
}

/// `Σ_c weight[c] · covariance · weight[c]ᵀ` over one group's channels, from its Gram matrix (`groupGrams`: upper
/// triangle) and a symmetric `rows × rows` covariance: `Σ_kl covariance[k][l] · gram[k][l]`, at least 0.
func summedVariance(covariance: UnsafePointer<Double>, gram: UnsafePointer<Double>, rows: Int) -> Double {
    var total = 0.0
    for k in 0..<rows {
        var offDiagonal = 0.0
        for l in (k + 1)..<rows { offDiagonal += covariance[k * rows + l] * gram[k * rows + l] }
        total += covariance[k * rows + k] * gram[k * rows + k] + 2 * offDiagonal
    }
    return max(0, total)
}
