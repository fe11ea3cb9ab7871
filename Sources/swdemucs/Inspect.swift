import ArgumentParser
import Engine
import Foundation

/// `swdemucs inspect MODEL.onnx`: what a model file holds and what the engine makes of it.
struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show a model's inputs, outputs, parameter count and op histogram before and after folding.")

    @Argument(help: "The ONNX model file.")
    var model: String

    @Option(name: .customLong("input-shape"), parsing: .singleValue,
            help: "Fix an input's shape, as NAME=D0,D1,... (for files whose input shape is open).")
    var inputShapes: [String] = []

    @Flag(help: "List the planned nodes in execution order.")
    var plan = false

    func run() throws {
        let started = Date()
        let session = try Session(contentsOf: model, inputShapes: try parseInputShapes(inputShapes))
        let seconds = Date().timeIntervalSince(started)
        let s = session.statistics
        print("model:       \(model)")
        print("producer:    \(s.producer.isEmpty ? "(unknown)" : s.producer), IR version \(s.irVersion), opset \(s.opset)")
        for input in session.inputs { print("input:       \(input.name)  \(input.dataType) \(input.shape)") }
        for output in session.outputs { print("output:      \(output.name)  \(output.dataType) \(output.shape)") }
        print("parameters:  \(s.parameterCount.formatted()) in initializers")
        print("nodes:       \(s.fileOps.values.reduce(0, +)) in the file, \(s.plannedOps.values.reduce(0, +)) after folding")
        print("memory:      \(megabytes(session.workingSetBytes)) MB of activations and scratch")
        print(String(format: "load time:   %.2f s", seconds))
        print("\nops in the file:")
        printHistogram(s.fileOps)
        print("\nops after folding and dead-node removal:")
        printHistogram(s.plannedOps)
        if plan {
            print("\nplan:")
            for (index, line) in session.planDescription.enumerated() { print(String(format: "%5d  ", index) + line) }
        }
    }

    private func printHistogram(_ histogram: [String: Int]) {
        for (op, count) in histogram.sorted(by: { ($0.value, $1.key) > ($1.value, $0.key) }) {
            print("  \(op.padding(toLength: 28, withPad: " ", startingAt: 0)) \(count)")
        }
    }
}

func megabytes(_ bytes: Int) -> String { String(format: "%.1f", Double(bytes) / 1_000_000) }

/// Parses `NAME=D0,D1,...` options into input shapes.
func parseInputShapes(_ options: [String]) throws -> [String: [Int]] {
    var shapes: [String: [Int]] = [:]
    for option in options {
        let parts = option.split(separator: "=", maxSplits: 1)
        guard parts.count == 2, !parts[0].isEmpty else {
            throw ValidationError("--input-shape wants NAME=D0,D1,..., got '\(option)'")
        }
        let dims = parts[1].split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !dims.contains(nil), dims.allSatisfy({ $0! >= 0 }) else {
            throw ValidationError("--input-shape '\(option)' has a dimension that is not a non-negative integer")
        }
        shapes[String(parts[0])] = dims.map { $0! }
    }
    return shapes
}
