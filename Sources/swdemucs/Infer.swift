import ArgumentParser
import Engine
import Foundation

/// `swdemucs infer MODEL.onnx --input x.npy --output y.npy`: one forward pass on arrays.
struct Infer: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run one forward pass of a model on .npy input(s) and write .npy output(s).")

    @Argument(help: "The ONNX model file.")
    var model: String

    @Option(name: .customLong("input"), help: "A float32 .npy file per graph input, in order.")
    var inputs: [String]

    @Option(name: .customLong("output"), help: "A .npy file per graph output, in order.")
    var outputs: [String]

    @Option(name: .customLong("input-shape"), parsing: .singleValue,
            help: "Fix an input's shape, as NAME=D0,D1,... (for files whose input shape is open).")
    var inputShapes: [String] = []

    @Flag(help: "Print the time spent in each kind of op, each model part and the 20 slowest nodes to stderr (of the first timed forward; of the warm-up when --repeat is 0).")
    var profile = false

    @Option(name: .customLong("repeat"), help: "Run the forward this many times after one warm-up run; the last stderr line is then forward_median_s=SECONDS.")
    var repetitions = 0

    @Option(name: [.short, .long], help: "Threads for the matrix products (default: all cores).")
    var jobs: Int?

    func validate() throws {
        if repetitions < 0 { throw ValidationError("--repeat must not be negative") }
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        let all = inputs + outputs
        for output in outputs where inputs.contains(output) {
            throw ValidationError("'\(output)' is both an input and an output; refusing to overwrite an input")
        }
        if Set(all).count != all.count { throw ValidationError("the same file is named twice") }
    }

    func run() throws {
        if let jobs { ComputeThreads.set(jobs) }
        let loadStart = Date()
        let tensors = try inputs.map(NumpyFile.read)
        let session = try Session(contentsOf: model, inputShapes: try parseInputShapes(inputShapes))
        let loadSeconds = Date().timeIntervalSince(loadStart)
        guard outputs.count == session.outputs.count else {
            throw ValidationError("the model has \(session.outputs.count) output(s) (\(session.outputs.map(\.name).joined(separator: ", "))); give one --output for each")
        }
        let opProfile = profile ? OpProfile() : nil
        var times: [Double] = []
        var results: [Tensor] = []
        for run in 0...repetitions {
            let started = Date()
            // The profile is of a warm forward when there is one: the first run also pays for first touches of
            // the arena's pages and cold caches, which inflate some ops twofold.
            results = try session.run(tensors, profile: run == min(1, repetitions) ? opProfile : nil)
            times.append(Date().timeIntervalSince(started))
        }
        if let opProfile {
            for entry in opProfile.sortedParts { report(entry.part, entry.calls, entry.seconds) }
            report("", 0, 0)
            for entry in opProfile.sorted { report(entry.op, entry.calls, entry.seconds) }
            report("", 0, 0)
            for entry in opProfile.slowestNodes(20) {
                let name = entry.node.padding(toLength: max(60, entry.node.count), withPad: " ", startingAt: 0)
                let op = entry.op.padding(toLength: 14, withPad: " ", startingAt: 0)
                FileHandle.standardError.write(Data((name + " " + op + String(format: " %7.3f s\n", entry.seconds)).utf8))
            }
        }
        for (tensor, path) in zip(results, outputs) { try NumpyFile.write(tensor, to: path) }
        var summary = "threads=\(ComputeThreads.count) blas=\(ComputeThreads.kernelName)\n"
            + String(format: "load_s=%.3f\nforward_s=%.3f\n", loadSeconds, times[0])
        if repetitions > 0 {
            let timed = times.dropFirst().sorted()
            summary += String(format: "forward_min_s=%.3f\nforward_max_s=%.3f\nforward_median_s=%.3f\n", timed.first!,
                              timed.last!, timed[timed.count / 2])
        }
        FileHandle.standardError.write(Data(summary.utf8))
    }

    /// One line of the profile: name, calls, seconds (a blank line for an empty name).
    private func report(_ name: String, _ calls: Int, _ seconds: Double) {
        let line = name.isEmpty ? "\n" : name.padding(toLength: 24, withPad: " ", startingAt: 0)
            + String(format: " %6d calls %9.3f s\n", calls, seconds)
        FileHandle.standardError.write(Data(line.utf8))
    }
}
