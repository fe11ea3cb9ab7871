/// Size arithmetic for lowering. Extents, pads, strides, repeats and lengths come from the file (or are computed
/// from it), so a result that does not fit in `Int`, or a tensor beyond the engine's ceiling, is the file's fault:
/// an error naming the node, never a trap.
extension NodeContext {
    /// `terms` added up; an error naming the node and what the sum is (`role`) when it overflows.
    func sum(_ terms: [Int], of role: String) throws -> Int {
        try terms.reduce(0) { total, term in
            let (result, overflow) = total.addingReportingOverflow(term)
            guard !overflow else {
                let written = terms.dropFirst().map { $0 < 0 ? " - \($0.magnitude)" : " + \($0)" }.joined()
                throw invalid("\(role) \(terms[0])\(written) overflows")
            }
            return result
        }
    }

    /// `factors` multiplied; an error naming the node and what the product is (`role`) when it overflows.
    func product(_ factors: [Int], of role: String) throws -> Int {
        try factors.reduce(1) { total, factor in
            let (result, overflow) = total.multipliedReportingOverflow(by: factor)
            guard !overflow else { throw invalid("\(role) \(factors.map(String.init).joined(separator: " · ")) overflows") }
            return result
        }
    }

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
