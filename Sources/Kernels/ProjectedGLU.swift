/// Input channels up to which `projectedGLU` takes a projection: its copy of a span's input rows holds
/// `inChannels · 384` floats per thread with AVX-512 (1.5 MiB at most). HT-Demucs's encoders rewrite 48 to 384
/// channels.
public let projectedGLUDepthLimit = 1_024

/// Scratch floats `projectedGLU` needs for `inChannels` input channels (`ProjectionWriter`'s, per thread).
public func projectedGLUScratchCount(inChannels: Int) -> Int {
    ProjectionWriter.scratchPerThread(inChannels: inChannels) * kernelThreadCount
}

/// A pointwise projection `p = weight · x + bias` followed by a GLU over its channels, `y[n][c] = p[n][c] ·
/// sigmoid(p[n][half + c])`, without `p` ever being written out: HT-Demucs's encoders rewrite their output
/// through `Conv 1×1 (C → 2C) → GLU`, whose wide intermediate cost more to write and read back than to compute where
/// it is needed. A `ProjectionWriter` computes the projection in register blocks over spans of positions and gates
/// it while in cache. Batch items go to separate cores when there are enough of them; otherwise each item's spans
/// are handed out.
///
/// `x` is `[batch, inChannels, spatial]` with `inChannels ≤ projectedGLUDepthLimit`, `weight` `[channels,
/// inChannels]` with `channels` even, `bias` `[channels]`, `y` `[batch, channels / 2, spatial]`. `scratch` holds
/// `projectedGLUScratchCount(inChannels:)` floats. `y` must not alias any input.
public func projectedGLU(_ x: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>,
                         _ y: UnsafeMutablePointer<Float>, batch: Int, inChannels: Int, channels: Int, spatial: Int,
                         scratch: UnsafeMutablePointer<Float>) {
    precondition(channels % 2 == 0, "GLU needs an even channel count")
    precondition(inChannels <= projectedGLUDepthLimit, "\(inChannels) input channels")
    guard batch > 0, spatial > 0, channels > 0 else { return }
    let writer = ProjectionWriter(x: x, weight: weight, y: y, inChannels: inChannels, channels: channels,
                                  spatial: spatial, activation: .glu, residual: nil, layout: nil)
    // Each channel's map only adds its bias: (p − 0) · 1 + bias.
    withUnsafeTemporaryAllocation(of: NormalisedChannel.self, capacity: channels) { buffer in
        for c in 0..<channels { buffer[c] = NormalisedChannel(centre: SplitMean(0), invStd: 1, a: 1, b: bias[c]) }
        let map = UnsafePointer(buffer.baseAddress!)
        writer.writeItems(batch: batch, scratch: scratch) { _, _, _ in map }
    }
}
