/// Time spent per op kind and per model part over one or more runs, collected by `Session.run(_:profile:)`.
public final class OpProfile: @unchecked Sendable {
    /// Op name → (calls, seconds).
    public private(set) var entries: [String: (calls: Int, seconds: Double)] = [:]
    /// Model part → (calls, seconds). The part is the first component of the node's name as PyTorch's
    /// exporter writes it (`/encoder.0/conv/Conv` → `encoder`), or `(top level)`.
    public private(set) var parts: [String: (calls: Int, seconds: Double)] = [:]
    /// Node name → (op kind, seconds).
    public private(set) var nodes: [String: (op: String, seconds: Double)] = [:]

    public init() {}

    func record(op: String, node: String, seconds: Double) {
        entries[op, default: (0, 0)].calls += 1
        entries[op, default: (0, 0)].seconds += seconds
        let part = Self.part(of: node)
        parts[part, default: (0, 0)].calls += 1
        parts[part, default: (0, 0)].seconds += seconds
        nodes[node, default: (op, 0)].seconds += seconds
    }

    /// `/encoder.0/conv/Conv` → `encoder`; a name with one component is top level.
    static func part(of node: String) -> String {
        let components = node.split(separator: "/")
        guard components.count > 1 else { return "(top level)" }
        let first = components[0]
        if let dot = first.lastIndex(of: "."), first[first.index(after: dot)...].allSatisfy(\.isNumber) {
            return String(first[..<dot])
        }
        return String(first)
    }

    /// Op kinds sorted by time spent, largest first.
    public var sorted: [(op: String, calls: Int, seconds: Double)] {
        entries.map { ($0.key, $0.value.calls, $0.value.seconds) }.sorted { $0.seconds > $1.seconds }
    }

    /// The `count` nodes that took longest, longest first.
    public func slowestNodes(_ count: Int) -> [(node: String, op: String, seconds: Double)] {
        let all: [(node: String, op: String, seconds: Double)] = nodes.map { ($0.key, $0.value.op, $0.value.seconds) }
        return Array(all.sorted { $0.seconds > $1.seconds }.prefix(count))
    }

    /// Model parts sorted by time spent, largest first.
    public var sortedParts: [(part: String, calls: Int, seconds: Double)] {
        parts.map { ($0.key, $0.value.calls, $0.value.seconds) }.sorted { $0.seconds > $1.seconds }
    }
}
