/// Time spent per op kind over one or more runs, collected by `Session.run(_:profile:)`.
public final class OpProfile: @unchecked Sendable {
    /// Op name → (calls, seconds).
    public private(set) var entries: [String: (calls: Int, seconds: Double)] = [:]

    public init() {}

    func record(op: String, seconds: Double) {
        entries[op, default: (0, 0)].calls += 1
        entries[op, default: (0, 0)].seconds += seconds
    }

    /// Entries sorted by time spent, largest first.
    public var sorted: [(op: String, calls: Int, seconds: Double)] {
        entries.map { ($0.key, $0.value.calls, $0.value.seconds) }.sorted { $0.seconds > $1.seconds }
    }
}
