import Dispatch
import Foundation
import Synchronization

/// The number of cores the kernels spread work over (the machine's active processors).
public let kernelThreadCount = max(1, ProcessInfo.processInfo.activeProcessorCount)

/// How many pieces per thread `parallelRanges` cuts its work into, so that a thread that starts late or runs
/// slow takes fewer of them.
let rangesPerThread = 4

/// Runs `body` over `0 ..< count` cut into contiguous ranges (up to `rangesPerThread` per thread, none shorter
/// than `minimumPerThread` items), handed out as `parallelTasks` hands out tasks (each thread its own contiguous
/// share first, then what the others have left), and returns when all are done. Work smaller than `minimumPerThread` items per thread runs on the caller's thread. `body` must
/// only write memory its range owns.
public func parallelRanges(_ count: Int, minimumPerThread: Int = 1, _ body: (Range<Int>) -> Void) {
    let minimum = max(minimumPerThread, 1)
    guard min(kernelThreadCount, count / minimum) > 1 else {
        if count > 0 { body(0..<count) }
        return
    }
    let pieces = min(kernelThreadCount * rangesPerThread, count / minimum)
    parallelTasks(pieces) { _, piece in body(count * piece / pieces ..< count * (piece + 1) / pieces) }
}

/// Runs `body(worker, task)` for every task in `0 ..< count` on up to `kernelThreadCount` threads (the caller's
/// and `KernelWorkers`'): each first runs its own contiguous block of the tasks in order, then takes what the
/// others have left from the far ends of their blocks (`TaskBlocks`), so consecutive calls over the same rows
/// give each thread the rows it wrote, and a core that starts late or runs slow does fewer tasks instead of
/// holding up the others. Returns when all are done.
/// Every task one thread runs gets the same `worker` (below `kernelThreadCount`), so each thread can work in its
/// own slice of a scratch buffer sized for `kernelThreadCount`. Which tasks share a worker varies from run to
/// run: `body` must only write memory its task or its worker's scratch owns, and results must not depend on that
/// grouping.
public func parallelTasks(_ count: Int, _ body: (_ worker: Int, _ task: Int) -> Void) {
    let workers = min(kernelThreadCount, count)
    if workers <= 1 {
        for task in 0..<count { body(0, task) }
        return
    }
    if KernelWorkers.shared.run(count, body) { return }
    // Another call is in progress (a nested call, or another thread's): through Dispatch's threads.
    let blocks = TaskBlocks(count: count, threads: workers)
    withoutActuallyEscaping(body) { body in
        let work = UncheckedSendable(body)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in blocks.drain(as: worker) { work.value(worker, $0) } }
    }
}

/// The tasks of one `parallelTasks` call, shared by its threads (the caller's and `KernelWorkers`', or
/// Dispatch's). Each thread first takes the tasks of its own contiguous block, in order (thread `w` of `n`: tasks
/// `w · count / n ..< (w + 1) · count / n`), then takes tasks from the ends of the other blocks until none are
/// left. So consecutive calls over the same rows hand each thread the rows it wrote before, still in its own
/// cache (when the two virtual cores sit on different dies, a line written by the other costs 6× the latency),
/// while a thread that starts late or runs slow still does fewer tasks.
final class TaskBlocks: Sendable {
    /// One block's tasks not yet taken, `first ..< end`, packed as `first << 32 | end`; padded so that the blocks'
    /// counters, which different threads update, are more than a cache line apart.
    private final class Block: Sendable {
        let remaining: Atomic<Int>
        private let padding: (Int, Int, Int, Int, Int, Int, Int) = (0, 0, 0, 0, 0, 0, 0)

        init(_ range: Range<Int>) { remaining = Atomic(range.lowerBound << 32 | range.upperBound) }

        /// Takes the first task left (the owner's end) or the last (a helper's), or nil when none is.
        @inline(__always)
        func take(fromFront: Bool) -> Int? {
            var packed = remaining.load(ordering: .relaxed)
            while true {
                let first = packed >> 32, end = packed & 0xFFFF_FFFF
                guard first < end else { return nil }
                let next = fromFront ? (first + 1) << 32 | end : first << 32 | (end - 1)
                let (exchanged, original) = remaining.compareExchange(expected: packed, desired: next,
                                                                      ordering: .relaxed)
                if exchanged { return fromFront ? first : end - 1 }
                packed = original
            }
        }
    }

    private let blocks: [Block]

    /// Tasks `0 ..< count` in blocks for `threads` threads; `count` must fit in 31 bits.
    init(count: Int, threads: Int) {
        precondition(count < 1 << 31, "too many tasks")
        let threads = max(1, threads)
        blocks = (0..<threads).map { Block(count * $0 / threads ..< count * ($0 + 1) / threads) }
    }

    /// Runs the tasks of thread `worker`'s block, then any left in the others, one at a time, until none are left;
    /// returns how many it ran.
    @inline(__always)
    @discardableResult
    func drain(as worker: Int, _ body: (_ task: Int) -> Void) -> Int {
        var done = 0
        for offset in 0..<blocks.count {
            let block = blocks[(worker + offset) % blocks.count]
            while let task = block.take(fromFront: offset == 0) {
                body(task)
                done += 1
            }
        }
        return done
    }
}

/// Splits `0 ..< count` into `shares` contiguous ranges (fewer when `count` is smaller) and runs `body(share,
/// range)` for each, returning when all are done. The split is fixed, whatever the threads' speed: for sums
/// whose rounding must not depend on timing, and for work whose pieces must be few and large. The share index
/// lets each call work in its own slice of a scratch buffer sized for `shares`. `body` must only write memory
/// its share owns.
public func parallelShares(_ count: Int, shares: Int, _ body: (_ share: Int, _ range: Range<Int>) -> Void) {
    let shares = min(shares, count)
    parallelTasks(shares) { _, part in body(part, count * part / shares ..< count * (part + 1) / shares) }
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
