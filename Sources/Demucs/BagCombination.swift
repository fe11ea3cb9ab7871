/// Turns every pass's estimate into the final stems as `apply_model` does: the shifts of one model are summed
/// and divided by their count, then each source is the weighted mean over the bag
/// (`Σ_m w[m][k] · out_m[k] / Σ_m w[m][k]`, the sum of weights taken over every model of the bag).
struct BagCombination {
    let bundle: ModelBundle
    /// The bag member each pass belongs to; a member's passes are consecutive.
    let passMember: [Int]
    /// The source index of each output stem.
    let stemSources: [Int]
    let shifts: Int
    let channels: Int

    /// `estimates[pass][stem · channels + c][t]` → `stems[stem][c][t]`.
    func callAsFunction(_ estimates: [[[Float]]]) -> [[[Float]]] {
        let count = estimates.first?.first?.count ?? 0
        return stemSources.indices.map { stem in
            let source = stemSources[stem]
            let total = bundle.members.reduce(Float(0)) { $0 + $1.weights[source] }
            return (0..<channels).map { c in
                let row = stem * channels + c
                return (0..<count).map { t in
                    var estimate: Float = 0
                    var pass = 0
                    for member in bundle.members.indices {
                        var modelOut: Float = 0, passes = 0
                        while pass < passMember.count && passMember[pass] == member {
                            modelOut += estimates[pass][row][t]
                            pass += 1
                            passes += 1
                        }
                        guard passes > 0 else { continue }
                        if shifts > 0 { modelOut /= Float(shifts) }
                        estimate += modelOut * bundle.members[member].weights[source]
                    }
                    return estimate / total
                }
            }
        }
    }
}
