import XCTest
import Kernels
final class ZZProbe: XCTestCase {
    func testProbe() {
        for center in [10.0, 100, 1000, 1e4] {
            var x = [Float](repeating: 0, count: 8)
            for i in 0..<8 { x[i] = Float(center) + Float(i) * 0.25 }   // σ = 0.573
            let mean = x.reduce(0.0) { $0 + Double($1) } / 8
            let v = x.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / 8
            let inv = 1 / (v + 1e-5).squareRoot()
            let ref = x.map { (Double($0) - mean) * inv }
            var g = [Float](repeating: 1, count: 8), z = [Float](repeating: 0, count: 8)
            var y = [Float](repeating: 0, count: 8), y2 = y
            layerNorm(x, &y, rows: 1, cols: 8, gamma: g, beta: z, epsilon: 1e-5)
            instanceNorm(x, &y2, batch: 1, channels: 1, spatial: 8, scale: &g, bias: &z, epsilon: 1e-5)
            let e1 = zip(y, ref).map { abs(Double($0) - $1) }.max()!
            let e2 = zip(y2, ref).map { abs(Double($0) - $1) }.max()!
            print("center", center, "layerNorm maxerr", e1, "instanceNorm maxerr", e2, "y0", y[0], y2[0], ref[0])
        }
    }
}
