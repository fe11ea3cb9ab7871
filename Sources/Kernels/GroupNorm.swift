/// Group normalisation as HT-Demucs exports it (`Reshape → InstanceNormalization → Reshape → Mul → Add`):
/// for a dense `[batch, channels, spatial]` tensor split into `groups` groups of consecutive channels, each
/// group is normalised by its own mean and biased variance, then channel `c` is scaled by `gamma[c]` and
/// shifted by `beta[c]`: `y = ((x − mean) · invStd) · gamma + beta`. `x` and `y` may alias.
///
/// Statistics (`meanAndInverseStd`) are gathered over chunks spread across the cores.
public func groupNorm(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, batch: Int, channels: Int,
                      spatial: Int, groups: Int, gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>,
                      epsilon: Float) {
    let perGroup = channels / groups * spatial
    let input = UncheckedSendable(x), output = UncheckedSendable(y)
    let scale = UncheckedSendable(gamma), shift = UncheckedSendable(beta)
    for n in 0..<batch {
        for g in 0..<groups {
            let start = (n * groups + g) * perGroup
            let (mean, invStd) = meanAndInverseStd(x + start, count: perGroup, epsilon: epsilon, chunks: kernelThreadCount)
            let firstChannel = g * (channels / groups)
            parallelRanges(channels / groups, minimumPerThread: max(1, (1 << 15) / max(spatial, 1))) { local in
                for c in local {
                    let offset = start + c * spatial
                    let a = scale.value[firstChannel + c], b = shift.value[firstChannel + c]
                    mapVectors(input.value + offset, output.value + offset, count: spatial) { mean.centre($0) * invStd * a + b }
                }
            }
        }
    }
}
