/// Removes nodes whose outputs no graph output depends on, and constants no remaining node reads.
func removeDeadNodes(_ graph: inout Graph) {
    var live = Set(graph.outputs)
    var kept: [Node] = []
    for node in graph.nodes.reversed() where node.outputs.contains(where: live.contains) {
        kept.append(node)
        live.formUnion(node.inputs)
    }
    graph.nodes = kept.reversed()
    for id in Array(graph.constants.keys) where !live.contains(id) {
        graph.constants[id] = nil
    }
}
