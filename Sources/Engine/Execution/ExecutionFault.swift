/// A problem only visible while an op runs (an index out of range in data-dependent indices). The caller turns it
/// into an `EngineError` naming the node.
struct ExecutionFault: Error {
    let detail: String
}
