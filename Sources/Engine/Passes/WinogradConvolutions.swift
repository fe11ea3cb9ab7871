import Kernels

/// Input channels below which a 3×3 or 1-D three-tap convolution stays direct: Winograd's products over so few
/// channels are too small to run at the gemm's rate (HT-Demucs's decoders have 48 and more).
let winogradMinimumInChannels = 16

/// Replaces the 3×3 and 1-D three-tap convolutions that `winogradConv` can compute (`winogradApplies`), whose
/// weights are constant and which have at least `winogradMinimumInChannels` input channels, by `.winogradConv`
/// nodes reading weights transformed once here (`winogradWeights`: 4 times the original's size for 3×3, twice for
/// 1-D; the original is dropped as soon as nothing else reads it: `replaceWeight`). HT-Demucs's frequency decoders
/// each rewrite their input through a 3×3 one, its time decoders through a 1-D one. Returns how many were replaced.
@discardableResult
func useWinogradConvolutions(_ graph: inout Graph) -> Int {
    let readers = Readers(graph)
    var replaced = 0
    for index in graph.nodes.indices {
        let node = graph.nodes[index]
        guard case .conv(let g) = node.op, winogradApplies(g), g.inChannels >= winogradMinimumInChannels,
              let weight = graph.constants[node.inputs[1]], weight.dataType == .float32,
              weight.shape.prefix(2) == [g.outChannels, g.inChannels],
              weight.elementCount == g.outChannels * g.inChannels * g.kernelHeight * g.kernelWidth else { continue }
        let transformed = weight.floats().withUnsafeBufferPointer { winogradWeights($0.baseAddress!, for: g) }
        graph.nodes[index].op = .winogradConv(g, gatedLinear: false)
        replaceWeight(&graph, node: index, input: 1,
                      with: Tensor(shape: [winogradProducts(g), g.outChannels, g.inChannels], floats: transformed),
                      suffix: ".winograd", readers: readers)
        replaced += 1
    }
    if replaced > 0 { removeDeadNodes(&graph) }
    return replaced
}
