import Engine
import ONNX

/// The fuzz target: any bytes, read as an ONNX model and loaded by the engine, must give a model or an error,
/// never a crash, a hang or an allocation out of proportion to the file.
///
/// Reads the bytes with `ModelProto(bytes:)` (no base directory, so external data cannot be reached), asks every
/// initializer for its payload, and, when the model parses, lowers, folds and plans it with `Session(model:)`;
/// a model that loads and needs at most `runnableBytes` of working memory is then run once on zeros, so the
/// kernels meet what the loader let through. Built two ways: by `Fuzz/run.sh` with `-DFUZZING -sanitize=fuzzer,address`, where
/// libFuzzer drives it; and in a normal `swift build`, where `Replay` runs it once on each file named on the
/// command line (to reproduce a finding, or to see what a file gives, without libFuzzer).
@discardableResult
func loadModel(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
    let model: ModelProto
    do {
        model = try ModelProto(bytes: Array(bytes), baseDirectory: nil)
    } catch {
        return "not read: \(error)"
    }
    for tensor in model.graph.initializers {
        _ = try? tensor.payload()
    }
    let session: Session
    do {
        session = try Session(model: model)
    } catch {
        return "not loaded: \(error)"
    }
    let loaded = "loaded: \(session.inputs.count) input(s), \(session.outputs.count) output(s), "
        + "\(session.workingSetBytes) bytes of working memory"
    guard session.workingSetBytes <= runnableBytes else { return loaded }
    let zeros = session.inputs.map { input -> Tensor in
        let count = input.shape.reduce(1, *)
        switch input.dataType {
        case .float32: return Tensor(shape: input.shape, floats: Array(repeating: 0, count: count))
        case .int64: return Tensor(shape: input.shape, int64s: Array(repeating: 0, count: count))
        case .bool: return Tensor(shape: input.shape, bools: Array(repeating: false, count: count))
        }
    }
    do {
        _ = try session.run(zeros)
        return loaded + "; ran"
    } catch {
        return loaded + "; run failed: \(error)"
    }
}

/// The most working memory a loaded model may need to be run by the fuzz target (the tiny HT-Demucs skeleton,
/// at 24 MB, is only loaded: a run of it would take most of a second).
let runnableBytes = 16 << 20

#if FUZZING
/// libFuzzer's entry point for programs with their own `main` (`FuzzerInterface.h`).
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(_ argc: UnsafeMutablePointer<CInt>,
                     _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                     _ target: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

/// The function libFuzzer calls with each input (its runtime also refers to it by this name).
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    loadModel(UnsafeBufferPointer(start: data, count: size))
    return 0
}

/// SwiftPM links an executable target's `main` to `<target>_main`: hand the command line to libFuzzer.
@_cdecl("ONNXFuzzer_main")
func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return runFuzzerDriver(&count, &arguments, fuzzOneInput)
}
#else
import Foundation

/// `ONNXFuzzer FILE...`: runs the fuzz target on each file and prints what became of it.
@main
enum Replay {
    static func main() throws {
        for path in CommandLine.arguments.dropFirst() {
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
            print("\(path): \(bytes.withUnsafeBufferPointer { loadModel($0) })")
        }
    }
}
#endif
