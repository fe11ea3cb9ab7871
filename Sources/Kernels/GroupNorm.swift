/// Group normalisation as HT-Demucs exports it (`Reshape → InstanceNormalization → Reshape → Mul → Add`):
/// for a dense `[batch, channels, spatial]` tensor split into `groups` groups of consecutive channels, each
/// group is normalised by its own mean and biased variance, then channel `c` is scaled by `gamma[c]` and
/// shifted by `beta[c]`: `y = ((x − mean) · invStd) · gamma + beta`. `x` and `y` may alias.
///
/// Statistics accumulate in double precision over chunks spread across the cores.
public func groupNorm(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, batch: Int, channels: Int,
                      spatial: Int, groups: Int, gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>,
                      epsilon: Float) {
    let perGroup = channels / groups * spatial
    let input = UncheckedSendable(x), output = UncheckedSendable(y)
    let scale = UncheckedSendable(gamma), shift = UncheckedSendable(beta)
    for n in 0..<batch {
        for g in 0..<groups {
            let start = (n * groups + g) * perGroup
            let (mean, invStd) = parallelMeanAndInverseStd(x + start, count: perGroup, epsilon: epsilon)
            let firstChannel = g * (channels / groups)
            parallelRanges(channels / groups, minimumPerThread: max(1, (1 << 15) / max(spatial, 1))) { local in
                for c in local {
                    let offset = start + c * spatial
                    let a = scale.value[firstChannel + c], b = shift.value[firstChannel + c]
                    for i in 0..<spatial { output.value[offset + i] = mean.centre(input.value[offset + i]) * invStd * a + b }
                }
            }
        }
    }
}

/// `meanAndInverseStd` with the two passes split over the cores.
func parallelMeanAndInverseStd(_ x: UnsafePointer<Float>, count: Int, epsilon: Float) -> (SplitMean, Float) {
    let chunks = kernelThreadCount
    let input = UncheckedSendable(x)
    let sums = UnsafeMutablePointer<Double>.allocate(capacity: chunks)
    defer { sums.deallocate() }
    let partials = UncheckedSendable(sums)
    sums.initialize(repeating: 0, count: chunks)
    parallelRanges(chunks) { parts in
        for part in parts {
            var sum = 0.0
            for i in (count * part / chunks)..<(count * (part + 1) / chunks) { sum += Double(input.value[i]) }
            partials.value[part] = sum
        }
    }
    let mean = (0..<chunks).reduce(0.0) { $0 + sums[$1] } / Double(count)
    parallelRanges(chunks) { parts in
        for part in parts {
            var squares = 0.0
            for i in (count * part / chunks)..<(count * (part + 1) / chunks) {
                let d = Double(input.value[i]) - mean
                squares += d * d
            }
            partials.value[part] = squares
        }
    }
    let variance = (0..<chunks).reduce(0.0) { $0 + sums[$1] } / Double(count)
    return (SplitMean(mean), Float(1 / (variance + Double(epsilon)).squareRoot()))
}
