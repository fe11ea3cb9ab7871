import Dispatch
import Foundation

/// The number of cores the kernels spread work over (the machine's active processors).
public let kernelThreadCount = max(1, ProcessInfo.processInfo.activeProcessorCount)

/// Runs `body` over `0 ..< count` split into up to `kernelThreadCount` contiguous ranges, one per thread, and
/// returns when all are done. Work smaller than `minimumPerThread` items per thread runs on the caller's thread.
/// `body` must only write memory its own range owns.
public func parallelRanges(_ count: Int, minimumPerThread: Int = 1, _ body: (Range<Int>) -> Void) {
    let threads = min(kernelThreadCount, count / max(minimumPerThread, 1))
    if threads <= 1 {
        if count > 0 { body(0..<count) }
        return
    }
    withoutActuallyEscaping(body) { body in
        let work = UncheckedSendable(body)
        DispatchQueue.concurrentPerform(iterations: threads) { t in
            work.value(count * t / threads ..< count * (t + 1) / threads)
        }
    }
}

/// Splits `0 ..< count` into `shares` contiguous ranges (fewer when `count` is smaller) and runs `body(share,
/// range)` for each on its own thread, returning when all are done. The share index lets each thread work in its
/// own slice of a scratch buffer sized for `shares`. `body` must only write memory its share owns.
public func parallelShares(_ count: Int, shares: Int, _ body: (_ share: Int, _ range: Range<Int>) -> Void) {
    let shares = min(shares, count)
    parallelRanges(shares) { parts in
        for part in parts { body(part, count * part / shares ..< count * (part + 1) / shares) }
    }
}

/// Lets kernels hand closures over raw pointers to worker threads; every use partitions the memory it touches.
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// Runs `body` with OpenBLAS limited to one thread, for kernels that parallelise around many small products
/// themselves, and restores the previous thread count.
public func withSingleThreadedBLAS<Result>(_ body: () throws -> Result) rethrows -> Result {
    let previous = BLASInfo.threadCount
    if previous > 1 { BLASInfo.setThreadCount(1) }
    defer { if previous > 1 { BLASInfo.setThreadCount(previous) } }
    return try body()
}
