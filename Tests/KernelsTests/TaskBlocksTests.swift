import Dispatch
import Synchronization
import XCTest
@testable import Kernels

/// `TaskBlocks` hands each thread its own contiguous block first, in order, then the other blocks' tasks from
/// their far ends; every task is taken exactly once however the threads race, and the counts they report add up.
final class TaskBlocksTests: XCTestCase {
    func testAThreadAloneTakesItsBlockInOrderThenTheOthersFromTheirEnds() {
        let blocks = TaskBlocks(count: 10, threads: 3)  // blocks 0..<3, 3..<6, 6..<10
        var order: [Int] = []
        let done = blocks.drain(as: 1) { order.append($0) }
        XCTAssertEqual(order, [3, 4, 5, 9, 8, 7, 6, 2, 1, 0])
        XCTAssertEqual(done, 10)
        XCTAssertEqual(blocks.drain(as: 0) { _ in XCTFail("no task is left") }, 0)
    }

    func testRacingThreadsTakeEveryTaskOnce() {
        for (count, threads) in [(0, 2), (1, 2), (3, 4), (1000, 2), (10_007, 3)] {
            let blocks = TaskBlocks(count: count, threads: threads)
            let runs = Mutex([Int](repeating: 0, count: count)), reported = Atomic<Int>(0)
            DispatchQueue.concurrentPerform(iterations: threads) { worker in
                let done = blocks.drain(as: worker) { task in
                    runs.withLock { $0[task] += 1 }
                    for _ in 0..<(task % 5) * 50 { _ = runs.withLock { $0.count } }
                }
                reported.wrappingAdd(done, ordering: .relaxed)
            }
            XCTAssertEqual(runs.withLock { r in r.indices.filter { r[$0] != 1 } }, [], "\(count) tasks, \(threads) threads")
            XCTAssertEqual(reported.load(ordering: .relaxed), count)
        }
    }
}
