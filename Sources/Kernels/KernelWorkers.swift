import Foundation
import Synchronization

/// The threads `parallelTasks` hands work to besides its caller's: `kernelThreadCount − 1` of them, started on
/// first use, which stay awake for a while after each call (yielding the core to any thread that wants it) so
/// that the next call, usually microseconds later within a forward, finds them running. Waking a sleeping
/// thread cost 20–30 µs on the 2-core virtual machines this was measured on, and a forward makes about 400
/// parallel calls; after `spinSeconds` without work a worker sleeps on its semaphore.
///
/// One call at a time: `run` returns false, running nothing, while another is in progress (a nested call from
/// inside a task, or a call from another thread); the caller then runs its tasks itself.
final class KernelWorkers: Sendable {
    /// The pool `parallelTasks` uses.
    static let shared = KernelWorkers(threads: kernelThreadCount - 1)

    /// How long an idle worker keeps looking for the next call before it sleeps.
    static let spinSeconds = 0.002

    /// One call's tasks, shared by the threads that work on it.
    private final class Job: @unchecked Sendable {
        /// The call's body; cleared by the caller before it returns (the closure does not outlive the call).
        var body: ((_ worker: Int, _ task: Int) -> Void)?
        let count: Int
        let tasks: TaskBlocks
        /// Tasks done, added by each thread once it has run all it could (not per task, which would move the
        /// line between the cores after every task).
        let finished = Atomic<Int>(0)
        /// Workers inside the job, and whether the caller has stopped letting them in: a worker that comes late
        /// (after every task is done) leaves without touching `body`.
        let active = Atomic<Int>(0), closed = Atomic<Bool>(false)

        init(count: Int, threads: Int, body: @escaping (_ worker: Int, _ task: Int) -> Void) {
            self.count = count
            self.body = body
            tasks = TaskBlocks(count: count, threads: threads)
        }

        /// Runs tasks as `worker` until none are left.
        func work(as worker: Int) {
            let done = tasks.drain(as: worker) { task in body.unsafelyUnwrapped(worker, task) }
            finished.wrappingAdd(done, ordering: .releasing)
        }
    }

    /// One worker thread's parking place.
    private final class Worker: Sendable {
        let wake = DispatchSemaphore(value: 0)
        let parked = Atomic<Bool>(false)
    }

    private let workers: [Worker]
    private let generation = Atomic<Int>(0)
    private let busy = Atomic<Bool>(false)
    private let current = Mutex<Job?>(nil)
    private let started = Mutex(false)

    private init(threads: Int) {
        workers = (0..<max(0, threads)).map { _ in Worker() }
    }

    /// Runs `body(worker, task)` for every task in `0 ..< count` on the calling thread (worker 0) and the pool's
    /// threads (workers 1 and up), and returns true when all are done; returns false at once, running nothing,
    /// when another call is in progress or the pool has no threads.
    func run(_ count: Int, _ body: (_ worker: Int, _ task: Int) -> Void) -> Bool {
        guard !workers.isEmpty,
              busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else { return false }
        defer { busy.store(false, ordering: .releasing) }
        startIfNeeded()
        return withoutActuallyEscaping(body) { body in
            let job = Job(count: count, threads: workers.count + 1, body: body)
            current.withLock { $0 = job }
            generation.wrappingAdd(1, ordering: .sequentiallyConsistent)
            for worker in workers where worker.parked.compareExchange(
                expected: true, desired: false, ordering: .sequentiallyConsistent).exchanged {
                worker.wake.signal()
            }
            job.work(as: 0)
            while job.finished.load(ordering: .acquiring) < count { sched_yield() }
            job.closed.store(true, ordering: .sequentiallyConsistent)
            while job.active.load(ordering: .sequentiallyConsistent) > 0 { sched_yield() }
            current.withLock { $0 = nil }
            job.body = nil
            return true
        }
    }

    private func startIfNeeded() {
        started.withLock { started in
            guard !started else { return }
            started = true
            for (index, worker) in workers.enumerated() {
                let thread = Thread { [self] in self.serve(worker, as: index + 1) }
                thread.name = "swdemucs-kernels-\(index + 1)"
                thread.start()
            }
        }
    }

    /// A worker thread's life: wait for the next call (spinning, then asleep), help with its tasks, repeat.
    private func serve(_ worker: Worker, as index: Int) {
        var seen = generation.load(ordering: .sequentiallyConsistent)
        while true {
            let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(Self.spinSeconds * 1e9)
            var spins = 0
            while generation.load(ordering: .sequentiallyConsistent) == seen {
                spins += 1
                if spins % 64 == 0 && DispatchTime.now().uptimeNanoseconds > deadline {
                    sleep(worker, unlessPast: seen)
                    spins = 0
                }
                sched_yield()
            }
            seen = generation.load(ordering: .sequentiallyConsistent)
            guard let job = current.withLock({ $0 }) else { continue }
            job.active.wrappingAdd(1, ordering: .sequentiallyConsistent)
            if !job.closed.load(ordering: .sequentiallyConsistent) { job.work(as: index) }
            job.active.wrappingSubtract(1, ordering: .sequentiallyConsistent)
        }
    }

    /// Sleeps until a call after generation `seen` signals this worker (or returns at once if one already began).
    private func sleep(_ worker: Worker, unlessPast seen: Int) {
        worker.parked.store(true, ordering: .sequentiallyConsistent)
        if generation.load(ordering: .sequentiallyConsistent) != seen,
           worker.parked.compareExchange(expected: true, desired: false, ordering: .sequentiallyConsistent).exchanged {
            return
        }
        // Either no call began, or one began and its caller cleared `parked` and signals: wait for the signal.
        worker.wake.wait()
    }
}
