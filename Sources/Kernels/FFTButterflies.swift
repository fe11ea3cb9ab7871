/// A forward DFT of `radix` points: `output(k) = Σ_j input(j) · e^{−2πi jk / radix}`.
///
/// `apply` reads every input before it writes any output, so the two closures may address the same storage.
protocol FFTButterfly {
    static var radix: Int { get }
    static func apply<V: FFTLane>(_ input: (Int) -> SplitComplex<V>, _ output: (Int, SplitComplex<V>) -> Void)
}

/// The 2-point DFT `(a0 + a1, a0 − a1)`.
enum Radix2: FFTButterfly {
    static var radix: Int { 2 }

    @inline(__always)
    static func apply<V: FFTLane>(_ input: (Int) -> SplitComplex<V>, _ output: (Int, SplitComplex<V>) -> Void) {
        let a0 = input(0), a1 = input(1)
        output(0, a0 + a1)
        output(1, a0 - a1)
    }
}

/// The 3-point DFT with `e^{−2πi/3} = −1/2 − i·√3/2`.
enum Radix3: FFTButterfly {
    static var radix: Int { 3 }

    @inline(__always)
    static func apply<V: FFTLane>(_ input: (Int) -> SplitComplex<V>, _ output: (Int, SplitComplex<V>) -> Void) {
        let a0 = input(0), a1 = input(1), a2 = input(2)
        let sum = a1 + a2
        let mid = a0 - sum.scaled(by: V(broadcast: 0.5))
        // (a1 − a2) · (−i sin(2π/3))
        let rot = (a1 - a2).timesMinusI.scaled(by: V(broadcast: 0.866_025_403_784_438_6))
        output(0, a0 + sum)
        output(1, mid + rot)
        output(2, mid - rot)
    }
}

/// The 4-point DFT as two radix-2 stages; the only non-trivial factor is `−i`.
enum Radix4: FFTButterfly {
    static var radix: Int { 4 }

    @inline(__always)
    static func apply<V: FFTLane>(_ input: (Int) -> SplitComplex<V>, _ output: (Int, SplitComplex<V>) -> Void) {
        let a0 = input(0), a1 = input(1), a2 = input(2), a3 = input(3)
        let s02 = a0 + a2, d02 = a0 - a2
        let s13 = a1 + a3, d13 = (a1 - a3).timesMinusI
        output(0, s02 + s13)
        output(1, d02 + d13)
        output(2, s02 - s13)
        output(3, d02 - d13)
    }
}

/// The 5-point DFT with the symmetric/antisymmetric pairs `a1 ± a4`, `a2 ± a3`.
enum Radix5: FFTButterfly {
    static var radix: Int { 5 }

    @inline(__always)
    static func apply<V: FFTLane>(_ input: (Int) -> SplitComplex<V>, _ output: (Int, SplitComplex<V>) -> Void) {
        let a0 = input(0), a1 = input(1), a2 = input(2), a3 = input(3), a4 = input(4)
        let c1 = V(broadcast: 0.309_016_994_374_947_45)   // cos(2π/5)
        let c2 = V(broadcast: -0.809_016_994_374_947_5)   // cos(4π/5)
        let s1 = V(broadcast: 0.951_056_516_295_153_5)    // sin(2π/5)
        let s2 = V(broadcast: 0.587_785_252_292_473_1)    // sin(4π/5)
        let b1 = a1 + a4, b2 = a2 + a3, d1 = a1 - a4, d2 = a2 - a3
        let e1 = a0 + b1.scaled(by: c1) + b2.scaled(by: c2)
        let e2 = a0 + b1.scaled(by: c2) + b2.scaled(by: c1)
        // −i (s1 d1 + s2 d2) and −i (s2 d1 − s1 d2)
        let f1 = (d1.scaled(by: s1) + d2.scaled(by: s2)).timesMinusI
        let f2 = (d1.scaled(by: s2) - d2.scaled(by: s1)).timesMinusI
        output(0, a0 + b1 + b2)
        output(1, e1 + f1)
        output(2, e2 + f2)
        output(3, e2 - f2)
        output(4, e1 - f1)
    }
}
