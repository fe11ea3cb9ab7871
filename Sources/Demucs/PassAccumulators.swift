/// For every pass (model × shift), the running sums `Σ weight · output` and `Σ weight` over the part of the track
/// still being built, as `apply_model` accumulates them before dividing (`out /= sum_weight`).
final class PassAccumulators {
    private let rows: Int
    /// Track position of index 0 of every array.
    private var start: Int
    /// `sums[pass][row][t − start]`.
    private var sums: [[[Float]]]
    /// `weights[pass][t − start]`.
    private var weights: [[Float]]

    /// `rows` values per sample (stems × channels); the earliest position any pass writes is `start`.
    init(passes: Int, rows: Int, start: Int) {
        self.rows = rows
        self.start = start
        sums = Array(repeating: Array(repeating: [], count: rows), count: passes)
        weights = Array(repeating: [], count: passes)
    }

    /// Adds `weight[j] · value(row, j)` at track position `at + j` for `j < length`.
    func add(pass: Int, at position: Int, length: Int, weight: [Float], value: (_ row: Int, _ j: Int) -> Float) {
        let offset = position - start
        let needed = offset + length
        if weights[pass].count < needed {
            let grow = needed - weights[pass].count
            weights[pass].append(contentsOf: repeatElement(0, count: grow))
            for row in 0..<rows { sums[pass][row].append(contentsOf: repeatElement(0, count: grow)) }
        }
        for j in 0..<length { weights[pass][offset + j] += weight[j] }
        for row in 0..<rows {
            sums[pass][row].withUnsafeMutableBufferPointer { sum in
                for j in 0..<length { sum[offset + j] += weight[j] * value(row, j) }
            }
        }
    }

    /// Every pass's estimate `sum / weight` for track positions `from ..< to`, as `[pass][row][t − from]`;
    /// then forgets everything before `to`.
    func take(from: Int, to: Int) -> [[[Float]]] {
        let result = weights.indices.map { pass in
            (0..<rows).map { row in
                (from..<to).map { t in sums[pass][row][t - start] / weights[pass][t - start] }
            }
        }
        let drop = to - start
        for pass in weights.indices {
            weights[pass].removeFirst(min(drop, weights[pass].count))
            for row in 0..<rows { sums[pass][row].removeFirst(min(drop, sums[pass][row].count)) }
        }
        start = to
        return result
    }
}
