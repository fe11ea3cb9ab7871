import Dispatch
import Foundation

/// Turns Ctrl-C (SIGINT) and SIGTERM into a call of `handler` instead of killing the process, so a separation
/// can stop between two nodes and remove its partial files. A second signal exits at once.
final class InterruptHandler {
    private var sources: [DispatchSourceSignal] = []
    private let signals = [SIGINT, SIGTERM]

    init(_ handler: @escaping @Sendable () -> Void) {
        for number in signals {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            var seen = false
            source.setEventHandler {
                if seen { exit(130) }
                seen = true
                handler()
            }
            source.resume()
            sources.append(source)
        }
    }

    /// Restores the default behaviour.
    func restore() {
        for source in sources { source.cancel() }
        for number in signals { signal(number, SIG_DFL) }
    }
}
