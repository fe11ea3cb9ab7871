import Foundation

/// Runs the built `swdemucs` executable and captures what it prints.
struct CommandResult {
    let status: Int32
    let standardOutput: String
    let standardError: String
}

/// The folder holding the built products (the test bundle's folder on Linux).
var productsDirectory: URL {
    #if os(macOS)
    for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
        return bundle.bundleURL.deletingLastPathComponent()
    }
    fatalError("no .xctest bundle")
    #else
    return Bundle.main.bundleURL
    #endif
}

let fixturesDirectory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")

/// How long one `swdemucs` command may run before the tests kill it (a hang fails the test, not CI).
let commandTimeLimit: TimeInterval = 600

/// A command the tests killed after `commandTimeLimit` seconds.
struct CommandTimeout: Error, CustomStringConvertible {
    let arguments: [String]
    var description: String { "\(arguments.joined(separator: " ")) ran over \(Int(commandTimeLimit)) s and was killed" }
}

/// Runs `swdemucs` with `arguments` and waits (up to `commandTimeLimit`) for it to finish.
func swdemucs(_ arguments: [String]) throws -> CommandResult {
    try Process.capture(productsDirectory.appendingPathComponent("swdemucs").path, arguments)
}

extension Process {
    /// Runs `executable` with `arguments` and returns its status and output; kills it and throws
    /// `CommandTimeout` if it runs over `commandTimeLimit`.
    static func capture(_ executable: String, _ arguments: [String]) throws -> CommandResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let watchdog = DispatchWorkItem { [process] in
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + commandTimeLimit, execute: watchdog)
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        watchdog.cancel()
        if process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL {
            throw CommandTimeout(arguments: [executable] + arguments)
        }
        return CommandResult(status: process.terminationStatus, standardOutput: String(decoding: outData, as: UTF8.self),
                             standardError: String(decoding: errData, as: UTF8.self))
    }
}
