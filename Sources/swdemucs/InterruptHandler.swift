#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch

/// Turns Ctrl-C (SIGINT) and SIGTERM into a call of `handler` instead of killing the process, so a separation
/// can stop between two nodes and remove its partial files. A second signal exits at once (status 130).
///
/// A real signal handler, not a dispatch signal source: on Linux those read a `signalfd` and see a signal only
/// if every thread blocks it, which OpenBLAS's threads (started before `main`) do not, so a Ctrl-C was lost as
/// often as not. The handler only writes a byte to a pipe (async-signal-safe); a dispatch source reading the
/// pipe calls `handler` on an ordinary thread.
final class InterruptHandler {
    private let signals = [SIGINT, SIGTERM]
    private let source: DispatchSourceRead
    private let readEnd: Int32, writeEnd: Int32

    init(_ handler: @escaping @Sendable () -> Void) {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { fatalError("cannot make a pipe for the interrupt handler") }
        (readEnd, writeEnd) = (ends[0], ends[1])
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        source = DispatchSource.makeReadSource(fileDescriptor: readEnd, queue: .global())
        replaceHandler(handler)
        source.resume()
        interruptPipe = writeEnd
        interruptsSeen = 0
        for number in signals {
            var action = sigaction()
            #if canImport(Glibc)
            action.__sigaction_handler = .init(sa_handler: reportInterrupt)
            #else
            action.__sigaction_u = .init(__sa_handler: reportInterrupt)
            #endif
            sigemptyset(&action.sa_mask)
            action.sa_flags = SA_RESTART
            sigaction(number, &action, nil)
        }
    }

    /// Makes `handler` the one a later signal calls, with no moment in between where a signal kills the process.
    func replaceHandler(_ handler: @escaping @Sendable () -> Void) {
        let readEnd = readEnd
        source.setEventHandler {
            var byte: UInt8 = 0
            _ = read(readEnd, &byte, 1)
            handler()
        }
    }

    /// Restores the default behaviour.
    func restore() {
        for number in signals { signal(number, SIG_DFL) }
        interruptPipe = -1
        source.cancel()
        close(writeEnd)
        close(readEnd)
    }
}

/// Where the signal handler reports: the write end of the current handler's pipe, or -1.
nonisolated(unsafe) private var interruptPipe: Int32 = -1
/// Signals received since the current handler was installed.
nonisolated(unsafe) private var interruptsSeen: Int32 = 0

/// The signal handler: the first signal is reported through the pipe, the second exits at once.
private func reportInterrupt(_: Int32) {
    interruptsSeen += 1
    if interruptsSeen > 1 || interruptPipe < 0 { _exit(130) }
    var byte: UInt8 = 1
    _ = write(interruptPipe, &byte, 1)
}
