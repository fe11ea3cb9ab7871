import Kernels

/// `basis` with `window` as its window and its row scales multiplied by λ, when its own window is λ · `window`
/// to within `spectralTolerance` of its largest entry wherever its trig function is not zero for every row; nil
/// otherwise.
func onWindow(_ basis: SpectralBasis, _ window: [Float]) -> SpectralBasis? {
    guard basis.window.count == window.count else { return nil }
    if basis.window == window { return basis }
    let length = window.count
    // Every sine vanishes at n = 0 and n = N/2; there the window multiplies only zeros.
    let informative = (0..<length).filter { basis.trig == .cosine || ($0 != 0 && 2 * $0 != length) }
    let (cross, energy) = informative.reduce((0.0, 0.0)) {
        ($0.0 + Double(basis.window[$1]) * Double(window[$1]), $0.1 + Double(window[$1]) * Double(window[$1]))
    }
    guard energy > 0 else { return nil }
    let scale = cross / energy
    let peak = informative.reduce(0.0) { max($0, abs(Double(basis.window[$1]))) }
    guard informative.allSatisfy({ abs(Double(basis.window[$0]) - scale * Double(window[$0])) <= spectralTolerance * peak })
    else { return nil }
    return SpectralBasis(trig: basis.trig, rowScale: basis.rowScale.map { Float(Double($0) * scale) }, window: window)
}
