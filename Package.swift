// swift-tools-version:6.0
import Foundation
import PackageDescription

/// The vector instructions of the building machine that the compute targets may use: read from /proc/cpuinfo on
/// Linux x86-64; none elsewhere, or when `SWDEMUCS_PORTABLE=1` asks for binaries meant to run on other machines.
enum BuildMachineVectors {
    /// Baseline code only.
    case baseline
    /// AVX2 and FMA (Haswell, 2013, and later).
    case avx2
    /// AVX-512 F, CD, BW, DQ and VL on top of those (Skylake-SP, Ice Lake, Zen 4 and later).
    case avx512

    static let detected: BuildMachineVectors = {
        #if arch(x86_64) && os(Linux)
        guard ProcessInfo.processInfo.environment["SWDEMUCS_PORTABLE"] != "1",
              let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let flags = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return .baseline }
        let set = Set(flags.split(separator: " "))
        guard set.contains("avx2"), set.contains("fma") else { return .baseline }
        let avx512 = ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"].allSatisfy { set.contains(Substring($0)) }
        return avx512 ? .avx512 : .avx2
        #else
        return .baseline
        #endif
    }()
}

/// Compiler settings for the compute-heavy targets (kernels, engine, separator): `-O` in debug builds as well, and
/// vector code for the building machine. With AVX2 (`-target-cpu haswell`) the SIMD Swift kernels run their 8-lane
/// vectors as one instruction instead of two SSE halves, about twice as fast; `FUSED_MULTIPLY_ADD` lets their
/// polynomials use FMA instructions (elsewhere `addingProduct` is a library call per lane). With AVX-512
/// (`-target-cpu skylake-avx512`) `WIDE_VECTORS` widens `FloatVector` to 16 lanes: `exp` in softmax 2.5× faster
/// per value on a Zen 5 core.
let computeSettings: [SwiftSetting] = {
    let debugOptimised: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]
    switch BuildMachineVectors.detected {
    case .baseline:
        return debugOptimised
    case .avx2:
        return debugOptimised + [.unsafeFlags(["-target-cpu", "haswell"]), .define("FUSED_MULTIPLY_ADD")]
    case .avx512:
        return debugOptimised + [.unsafeFlags(["-target-cpu", "skylake-avx512"]), .define("FUSED_MULTIPLY_ADD"),
                                 .define("WIDE_VECTORS")]
    }
}()

let package = Package(
    name: "swdemucs",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "Engine", targets: ["Engine"]),
        .library(name: "ONNX", targets: ["ONNX"]),
        .library(name: "Audio", targets: ["Audio"]),
        .library(name: "Demucs", targets: ["Demucs"]),
        .executable(name: "swdemucs", targets: ["swdemucs"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // System libraries, found through pkg-config.
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"]), .brew(["openblas"])]),
        .systemLibrary(name: "CSndFile", pkgConfig: "sndfile",
                       providers: [.apt(["libsndfile1-dev"]), .brew(["libsndfile"])]),
        .systemLibrary(name: "CSoxr", pkgConfig: "soxr",
                       providers: [.apt(["libsoxr-dev"]), .brew(["libsoxr"])]),

        // The ONNX protobuf-lite reader: wire format, model structs as views into a mapped file.
        .target(name: "ONNX"),
        // Pure compute kernels over raw buffers with documented layouts. These three are optimised in debug builds
        // (the tests run small models through them; unoptimised, `swift test` is 5–10× slower) and use AVX2 or AVX-512 where
        // the building machine has it (`computeSettings`).
        .target(name: "Kernels", dependencies: ["COpenBLAS"], swiftSettings: computeSettings),
        // Typed op DAG, lowering from ONNX, folding, planning, execution.
        .target(name: "Engine", dependencies: ["ONNX", "Kernels"], swiftSettings: computeSettings),
        // Audio decoding, encoding and resampling through libsndfile and libsoxr.
        .target(name: "Audio", dependencies: ["CSndFile", "CSoxr"]),
        // HT-Demucs around the engine: model bundles and whole-track separation as demucs does it.
        .target(name: "Demucs", dependencies: ["Engine", "Kernels", "Audio"], swiftSettings: computeSettings),
        // The command-line tool.
        .executableTarget(name: "swdemucs", dependencies: [
            "Engine", "Demucs", "Audio",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // The fuzz target over the ONNX reader and the engine's loader: `Fuzz/run.sh` builds it with libFuzzer;
        // a normal build gives a tool that replays inputs (`ONNXFuzzer FILE...`).
        .executableTarget(name: "ONNXFuzzer", dependencies: ["ONNX", "Engine"]),

        .testTarget(name: "ONNXTests", dependencies: ["ONNX"]),
        .testTarget(name: "KernelsTests", dependencies: ["Kernels"]),
        .testTarget(name: "EngineTests", dependencies: ["Engine", "ONNX"]),
        .testTarget(name: "AudioTests", dependencies: ["Audio"]),
        .testTarget(name: "DemucsTests", dependencies: ["Demucs", "Engine", "Audio"]),
        .testTarget(name: "CLITests", dependencies: ["swdemucs", "Audio", "Engine"]),
    ]
)
