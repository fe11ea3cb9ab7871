import ArgumentParser

/// The `swdemucs` command: HT-Demucs music source separation in pure Swift.
@main
struct SwDemucs: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swdemucs",
        abstract: "Run HT-Demucs ONNX exports on the CPU, without an ML runtime.",
        subcommands: [Run.self, ListModels.self, Inspect.self, Infer.self])

    static func main() {
        BLASKernelSelection.reexecuteIfBeneficial()
        main(nil)
    }
}
