/// Size checks for lowering. Extents and lengths come from the file (or are computed from it), so a tensor beyond
/// the engine's ceiling is the file's fault: an error naming the node or value, never a trap.
extension NodeContext {
    /// Refuses output `index`, a `dataType` tensor of `shape`, when the engine does not accept a tensor that
    /// large (`acceptedElementCount`); the error names the output.
    func checkOutput(_ index: Int, _ dataType: DataType, _ shape: [Int]) throws {
        try checkedElementCount(shape, dataType, value: outputName(index))
    }

    /// The name of output `index`, or the node's when the output has none.
    func outputName(_ index: Int) -> String {
        index < node.outputs.count && !node.outputs[index].isEmpty ? node.outputs[index] : name
    }
}
