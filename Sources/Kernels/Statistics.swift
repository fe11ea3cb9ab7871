/// A double-precision mean held as two floats, so that `x − mean` costs two float subtractions yet stays exact
/// to float precision even when the mean is large next to the spread (`x − high` is exact for `x` near the mean).
struct SplitMean {
    let high: Float
    let low: Float

    init(_ mean: Double) {
        high = Float(mean)
        low = Float(mean - Double(high))
    }

    @inline(__always)
    func centre(_ x: Float) -> Float { (x - high) - low }

    @inline(__always)
    func centre(_ x: FloatVector) -> FloatVector { (x - high) - low }
}

/// Mean and `1 / sqrt(variance + epsilon)` (biased variance) of `count` floats, in two passes, each over `chunks`
/// contiguous parts run on separate cores (on the caller's thread when `chunks` is 1 or the values are fewer than
/// `parallelStatisticsMinimum`). The first pass sums `x − x[0]`, so its
/// float rounding scales with the spread, not with the mean; the second sums squares of `x − mean`. Both use
/// `blockedSum`, and the mean and variance are formed in double precision.
func meanAndInverseStd(_ x: UnsafePointer<Float>, count: Int, epsilon: Float, chunks: Int = 1) -> (SplitMean, Float) {
    guard count > 0 else { return (SplitMean(0), 1 / epsilon.squareRoot()) }
    // Local functions rather than closures: a closure literal here stayed a call per vector in the sums.
    let pivot = x[0]
    @inline(__always) func offsetFromPivot(_ v: FloatVector) -> FloatVector { v - pivot }
    let mean = SplitMean(Double(pivot) + chunkedSum(x, count: count, chunks: chunks, offsetFromPivot) / Double(count))
    @inline(__always) func squaredDeviation(_ v: FloatVector) -> FloatVector { let d = mean.centre(v); return d * d }
    let variance = chunkedSum(x, count: count, chunks: chunks, squaredDeviation) / Double(count)
    return (mean, Float(1 / (variance + Double(epsilon)).squareRoot()))
}

/// Values below which statistics are gathered on one thread: fewer cost less than handing them out.
let parallelStatisticsMinimum = 1 << 16

/// `blockedSum` over `chunks` contiguous parts of `x` on separate cores, the parts' sums added in order.
@inline(__always)
func chunkedSum(_ x: UnsafePointer<Float>, count: Int, chunks: Int,
                _ term: (FloatVector) -> FloatVector) -> Double {
    guard chunks > 1, count >= parallelStatisticsMinimum else { return blockedSum(x, count: count, term) }
    return withUnsafeTemporaryAllocation(of: Double.self, capacity: chunks) { sums in
        let input = UncheckedSendable(x), partials = UncheckedSendable(sums.baseAddress!)
        parallelShares(count, shares: chunks) { part, range in
            partials.value[part] = blockedSum(input.value + range.lowerBound, count: range.count, term)
        }
        return sums.reduce(0, +)
    }
}

/// Σ `term(x[i])` over `count` floats: `FloatVector` lanes within blocks of 256 values, the blocks' sums added in
/// double precision. Float rounding stays within a block, and the sum runs at vector speed rather than at the
/// latency of one serial double addition per value.
@inline(__always)
func blockedSum(_ x: UnsafePointer<Float>, count: Int, _ term: (FloatVector) -> FloatVector) -> Double {
    @inline(__always) func load(_ i: Int) -> FloatVector { UnsafeRawPointer(x + i).loadUnaligned(as: FloatVector.self) }
    let whole = count - count % vectorWidth
    var total = 0.0
    var i = 0
    while i < whole {
        let end = min(whole, i + 256)
        var a = FloatVector(), b = FloatVector()
        while i + 2 * vectorWidth <= end {
            a += term(load(i))
            b += term(load(i + vectorWidth))
            i += 2 * vectorWidth
        }
        if i < end {
            a += term(load(i))
            i += vectorWidth
        }
        total += Double((a + b).sum())
    }
    if i < count {
        var tail = FloatVector()
        for j in 0..<(count - i) { tail[j] = x[i + j] }
        let terms = term(tail)
        for j in 0..<(count - i) { total += Double(terms[j]) }
    }
    return total
}
