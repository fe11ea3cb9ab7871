import Dispatch
import Kernels
import Synchronization
import XCTest

/// The work-sharing helpers run every task or index exactly once, hand each thread a worker index below the
/// thread count, and never let two tasks of one worker overlap (so a worker's scratch is its own).
final class ParallelTests: XCTestCase {
    /// What the tasks of one call saw, updated under a lock.
    struct Record {
        var runs: [Int]
        var busy = [Bool](repeating: false, count: kernelThreadCount)
        var badWorkers = 0, overlaps = 0, pieces = 0, shortPieces = 0
        init(count: Int) { runs = [Int](repeating: 0, count: count) }
    }

    func testEveryTaskRunsOnceWithAWorkerBelowTheThreadCount() {
        for count in [0, 1, 2, 3, 17, 1000] {
            let record = Mutex(Record(count: count))
            parallelTasks(count) { worker, task in
                let valid = record.withLock { r -> Bool in
                    guard worker >= 0, worker < kernelThreadCount else {
                        r.badWorkers += 1
                        return false
                    }
                    if r.busy[worker] { r.overlaps += 1 }
                    r.busy[worker] = true
                    r.runs[task] += 1
                    return true
                }
                guard valid else { return }
                for _ in 0..<(task % 7) * 100 { _ = record.withLock { $0.runs.count } }
                record.withLock { $0.busy[worker] = false }
            }
            record.withLock { r in
                XCTAssertEqual(r.badWorkers, 0, "count \(count)")
                XCTAssertEqual(r.overlaps, 0, "count \(count)")
                XCTAssertEqual(r.runs.indices.filter { r.runs[$0] != 1 }, [], "count \(count)")
            }
        }
    }

    /// A call from inside a task, and calls from several threads at once, find the worker threads busy and
    /// still run every task exactly once.
    func testNestedAndConcurrentCallsRunEveryTaskOnce() {
        let outer = 8, inner = 5
        let runs = Mutex([Int](repeating: 0, count: outer * inner))
        parallelTasks(outer) { _, o in
            parallelTasks(inner) { _, i in runs.withLock { $0[o * inner + i] += 1 } }
        }
        XCTAssertEqual(runs.withLock { $0 }, [Int](repeating: 1, count: outer * inner))

        let callers = 4, tasks = 300
        let counts = Mutex([Int](repeating: 0, count: callers * tasks))
        DispatchQueue.concurrentPerform(iterations: callers) { caller in
            for _ in 0..<20 {
                parallelTasks(tasks) { worker, task in
                    XCTAssertLessThan(worker, kernelThreadCount)
                    counts.withLock { $0[caller * tasks + task] += 1 }
                }
            }
        }
        XCTAssertEqual(counts.withLock { $0 }, [Int](repeating: 20, count: callers * tasks))
    }

    func testRangesCoverEveryIndexOnceAndRespectTheMinimum() {
        for (count, minimum) in [(0, 1), (1, 1), (7, 1), (1000, 1), (1000, 300), (1000, 2000)] {
            let record = Mutex(Record(count: count))
            parallelRanges(count, minimumPerThread: minimum) { range in
                record.withLock { r in
                    r.pieces += 1
                    if range.count < min(minimum, count) { r.shortPieces += 1 }
                    for i in range { r.runs[i] += 1 }
                }
            }
            record.withLock { r in
                XCTAssertEqual(r.runs.indices.filter { r.runs[$0] != 1 }, [], "count \(count)")
                XCTAssertEqual(r.shortPieces, 0, "count \(count), minimum \(minimum)")
                if count < 2 * minimum { XCTAssertLessThanOrEqual(r.pieces, 1, "count \(count), minimum \(minimum)") }
            }
        }
    }

    func testSharesAreTheFixedContiguousSplit() {
        let count = 103, shares = 5
        let seen = Mutex([Range<Int>?](repeating: nil, count: shares))
        parallelShares(count, shares: shares) { share, range in seen.withLock { $0[share] = range } }
        XCTAssertEqual(seen.withLock { $0 }, (0..<shares).map { count * $0 / shares ..< count * ($0 + 1) / shares })
    }
}
