/// `out = a · s + r` over a dense `[outer, channels, inner]` view, `s[c]` scaling channel `c` (HT-Demucs's
/// LayerScale and the residual sum after it). `a`, `r` and `out` hold `outer · channels · inner` floats, `scale`
/// holds `channels`; `out` may alias `a` or `r`. Spread over the cores.
public func scaledAdd(_ a: UnsafePointer<Float>, scale: UnsafePointer<Float>, residual: UnsafePointer<Float>,
                      _ out: UnsafeMutablePointer<Float>, outer: Int, channels: Int, inner: Int) {
    let x = UncheckedSendable(a), s = UncheckedSendable(scale), r = UncheckedSendable(residual)
    let y = UncheckedSendable(out)
    if inner == 1 {
        // Channels last: each outer row is a vector product with `scale`.
        parallelRanges(outer, minimumPerThread: max(1, (1 << 15) / max(channels, 1))) { rows in
            for o in rows {
                let base = o * channels
                for c in 0..<channels { y.value[base + c] = x.value[base + c] * s.value[c] + r.value[base + c] }
            }
        }
        return
    }
    parallelRanges(outer * channels, minimumPerThread: max(1, (1 << 15) / inner)) { rows in
        for row in rows {
            let k = s.value[row % channels], base = row * inner
            for i in 0..<inner { y.value[base + i] = x.value[base + i] * k + r.value[base + i] }
        }
    }
}
