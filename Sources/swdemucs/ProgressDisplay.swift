import Demucs
import Foundation

/// The progress line on stderr while a track separates: a bar, segments done, speed as audio seconds per
/// second, and the time left. Silent when disabled (`--quiet`, or stderr is not a terminal).
final class ProgressDisplay {
    private let enabled: Bool
    private var track = ""
    private var trackSeconds = 0.0
    private var started = Date()
    private var lineOpen = false

    init(enabled: Bool) { self.enabled = enabled }

    /// A one-off message on its own line.
    func note(_ message: String) {
        guard enabled else { return }
        finishLine()
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }

    func start(_ track: String, seconds: Double) {
        self.track = track
        trackSeconds = seconds
        started = Date()
        note(track + String(format: ": %.1f s of audio", seconds))
    }

    func update(_ progress: SeparationProgress) {
        guard enabled else { return }
        let fraction = Double(progress.segmentsDone) / Double(max(progress.segmentsTotal, 1))
        let elapsed = Date().timeIntervalSince(started)
        let width = 24
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        let speed = elapsed > 0 ? trackSeconds * fraction / elapsed : 0
        let left = fraction > 0 ? elapsed * (1 - fraction) / fraction : 0
        let line = "\r[\(bar)] \(progress.segmentsDone)/\(progress.segmentsTotal) segments  "
            + String(format: "%.2fx realtime  ETA ", speed) + clock(left) + " "
        FileHandle.standardError.write(Data(line.utf8))
        lineOpen = true
    }

    func done(_ track: String, outputs: [String]) {
        note("\(track): done in \(clock(Date().timeIntervalSince(started)))")
        for output in outputs { note("  " + output) }
    }

    /// Ends the progress line so the next message starts on a new line.
    func finishLine() {
        if lineOpen {
            FileHandle.standardError.write(Data("\n".utf8))
            lineOpen = false
        }
    }

    private func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return String(format: "%d:%02d", s / 60, s % 60)
    }
}
