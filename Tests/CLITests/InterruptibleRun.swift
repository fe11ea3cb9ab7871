import Foundation

/// A `swdemucs` process the test can watch and interrupt as Ctrl-C would.
final class InterruptibleRun {
    private let process = Process()
    private let errors = Pipe()

    /// Starts `swdemucs` with `arguments`, under `measuredEnvironment`; its output is discarded, its errors kept.
    init(_ arguments: [String]) throws {
        process.executableURL = productsDirectory.appendingPathComponent("swdemucs")
        process.arguments = arguments
        process.environment = Self.measuredEnvironment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        try process.run()
    }

    /// The tests' environment with sanitizer options that keep the sanitizers out of what the tests measure
    /// here, resident memory and time to exit (both are ignored in builds without sanitizers):
    /// - AddressSanitizer holds freed memory in a quarantine to catch use after free, 256 MB by default, which
    ///   would count as resident: cut to 16 MB.
    /// - ThreadSanitizer sleeps a second at exit while other threads run, to catch their last races: skipped.
    private static var measuredEnvironment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        for (variable, option) in [("ASAN_OPTIONS", "quarantine_size_mb=16"), ("TSAN_OPTIONS", "atexit_sleep_ms=0")] {
            environment[variable] = [environment[variable], option].compactMap { $0 }.joined(separator: ":")
        }
        return environment
    }

    deinit {
        if process.isRunning { process.terminate() }
    }

    /// Waits (up to two minutes) until a stem's temporary file appears under `folder`: the models are loaded
    /// and the track is being read.
    func waitForSeparationToStart(in folder: URL) throws {
        try wait(for: "separation to start") {
            FileManager.default.enumerator(atPath: folder.path)?.contains { ($0 as? String)?.contains(".spool-") == true }
                ?? false
        }
    }

    /// Waits (up to two minutes) until `condition` holds while the process runs.
    func wait(for what: String, until condition: () -> Bool) throws {
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            if condition() { return }
            guard process.isRunning else { throw Failure(reason: "swdemucs exited before \(what)") }
            Thread.sleep(forTimeInterval: 0.02)
        }
        throw Failure(reason: "no \(what) within two minutes")
    }

    /// The process's resident memory in MB, from /proc.
    func residentMegabytes() -> Double? {
        guard let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kilobytes = Double(line.split(separator: " ")[1]) else { return nil }
        return kilobytes / 1024
    }

    /// Sends SIGINT and waits (up to a minute, then kills it and throws) for the exit: the status, the seconds it took and what was printed on stderr.
    func interrupt() throws -> (status: Int32, seconds: Double, standardError: String) {
        let sent = Date()
        process.interrupt()
        while process.isRunning && Date().timeIntervalSince(sent) < 60 { Thread.sleep(forTimeInterval: 0.02) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw Failure(reason: "swdemucs still ran 60 s after SIGINT (killed)")
        }
        let seconds = Date().timeIntervalSince(sent)
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return (process.terminationStatus, seconds, text)
    }

    struct Failure: Error, CustomStringConvertible {
        let reason: String
        var description: String { reason }
    }
}
