/// One file a separation writes, and how its samples derive from the separated stems.
public struct StemOutput: Sendable {
    /// How the samples are made.
    public enum Source: Sendable, Equatable {
        /// Stem number `index` of the separator's output stems.
        case stem(Int)
        /// The sum of every output stem but `index` (demucs's `--two-stems` `no_<stem>`).
        case sumExcept(Int)
        /// The input mix minus stem `index` (`--other-method minus`).
        case mixMinus(Int)
    }

    /// The stem's name in file names (`vocals`, `no_vocals`, …).
    public var name: String
    /// The final file path.
    public var path: String
    public var source: Source

    public init(name: String, path: String, source: Source) {
        self.name = name
        self.path = path
        self.source = source
    }

    /// The samples of this output for one block: `stems[s][c]`, `mix[c]` → `[c]`.
    func samples(stems: [[[Float]]], mix: [[Float]]) -> [[Float]] {
        switch source {
        case .stem(let index):
            return stems[index]
        case .sumExcept(let index):
            let others = stems.indices.filter { $0 != index }
            return mix.indices.map { c in
                var sum = [Float](repeating: 0, count: mix[c].count)
                for s in others {
                    for t in sum.indices { sum[t] += stems[s][c][t] }
                }
                return sum
            }
        case .mixMinus(let index):
            return mix.indices.map { c in zip(mix[c], stems[index][c]).map { $0 - $1 } }
        }
    }
}
