/// CPython's `random` module generator (MT19937 seeded with `init_by_array`), reproduced so that
/// `PythonRandom(seed: S).randint(a, b)` draws the same numbers as `random.seed(S); random.randint(a, b)`.
///
/// demucs draws its shift offsets with `random.randint`; seeding both sides the same makes `--shifts N`
/// comparable with PyTorch.
public struct PythonRandom: Sendable {
    private var state = [UInt32](repeating: 0, count: 624)
    private var index = 624

    /// The generator after `random.seed(seed)` with a non-negative integer seed.
    public init(seed: UInt64) {
        var key: [UInt32] = []
        var rest = seed
        repeat {
            key.append(UInt32(truncatingIfNeeded: rest))
            rest >>= 32
        } while rest != 0
        initByArray(key)
    }

    private mutating func initGenrand(_ s: UInt32) {
        state[0] = s
        for i in 1..<624 {
            state[i] = 1_812_433_253 &* (state[i - 1] ^ (state[i - 1] >> 30)) &+ UInt32(i)
        }
        index = 624
    }

    private mutating func initByArray(_ key: [UInt32]) {
        initGenrand(19_650_218)
        var i = 1, j = 0
        for _ in 0..<max(624, key.count) {
            state[i] = (state[i] ^ ((state[i - 1] ^ (state[i - 1] >> 30)) &* 1_664_525)) &+ key[j] &+ UInt32(j)
            i += 1
            j += 1
            if i >= 624 { state[0] = state[623]; i = 1 }
            if j >= key.count { j = 0 }
        }
        for _ in 0..<623 {
            state[i] = (state[i] ^ ((state[i - 1] ^ (state[i - 1] >> 30)) &* 1_566_083_941)) &- UInt32(i)
            i += 1
            if i >= 624 { state[0] = state[623]; i = 1 }
        }
        state[0] = 0x8000_0000
    }

    /// The next 32 random bits (`genrand_uint32`).
    public mutating func next32() -> UInt32 {
        if index >= 624 {
            for k in 0..<624 {
                let y = (state[k] & 0x8000_0000) | (state[(k + 1) % 624] & 0x7fff_ffff)
                state[k] = state[(k + 397) % 624] ^ (y >> 1) ^ (y & 1 == 0 ? 0 : 0x9908_b0df)
            }
            index = 0
        }
        var y = state[index]
        index += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9d2c_5680
        y ^= (y << 15) & 0xefc6_0000
        y ^= y >> 18
        return y
    }

    /// `random.randint(low, high)`: uniform in `low ... high`. The range must hold fewer than 2³² values.
    public mutating func randint(_ low: Int, _ high: Int) -> Int {
        low + randrange(high - low + 1)
    }

    /// `random.randrange(n)`: uniform in `0 ..< n`, by rejection sampling on `getrandbits(n.bit_length())` as
    /// CPython's `_randbelow` does — so even `randrange(1)` consumes one or more draws. `n` must be in 1 ..< 2³².
    public mutating func randrange(_ n: Int) -> Int {
        let bound = UInt32(n)
        let bits = 32 - bound.leadingZeroBitCount
        while true {
            let r = next32() >> UInt32(32 - bits)
            if r < bound { return Int(r) }
        }
    }
}
