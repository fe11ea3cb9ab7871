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

    @Flag(help: "Print the time spent in each kind of op to stderr.")
    var profile = false

    func validate() throws {
        let all = inputs + outputs
        for output in outputs where inputs.contains(output) {
            throw ValidationError("'\(output)' is both an input and an output; refusing to overwrite an input")
        }
        if Set(all).count != all.count { throw ValidationError("the same file is named twice") }
    }

    func run() throws {
        let loadStart = Date()
        let tensors = try inputs.map(NumpyFile.read)
        let session = try Session(contentsOf: model, inputShapes: try parseInputShapes(inputShapes))
        let loadSeconds = Date().timeIntervalSince(loadStart)
        guard outputs.count == session.outputs.count else {
            throw ValidationError("the model has \(session.outputs.count) output(s) (\(session.outputs.map(\.name).joined(separator: ", "))); give one --output for each")
        }
        let started = Date()
        let opProfile = profile ? OpProfile() : nil
        let results = try session.run(tensors, profile: opProfile)
        let seconds = Date().timeIntervalSince(started)
        if let opProfile {
            for entry in opProfile.sorted {
                let line = entry.op.padding(toLength: 24, withPad: " ", startingAt: 0)
                    + String(format: " %6d calls %9.3f s\n", entry.calls, entry.seconds)
                FileHandle.standardError.write(Data(line.utf8))
            }
        }
        for (tensor, path) in zip(results, outputs) { try NumpyFile.write(tensor, to: path) }
        FileHandle.standardError.write(Data(String(format: "load_s=%.3f\nforward_s=%.3f\n", loadSeconds, seconds).utf8))
    }
}
