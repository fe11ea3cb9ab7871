import Foundation

/// Where the committed test fixtures live (`Tests/Fixtures`).
let fixturesDirectory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")

/// Max |Δ| and relative L2 error of `ours` against `reference`.
func drift(_ ours: [Float], _ reference: [Float]) -> (maxAbs: Double, relativeL2: Double) {
    var maxAbs = 0.0, errorSquares = 0.0, referenceSquares = 0.0
    for (a, b) in zip(ours, reference) {
        let d = Double(a) - Double(b)
        maxAbs = max(maxAbs, abs(d))
        errorSquares += d * d
        referenceSquares += Double(b) * Double(b)
    }
    return (maxAbs, (errorSquares / max(referenceSquares, .leastNormalMagnitude)).squareRoot())
}
