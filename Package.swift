// swift-tools-version:6.0
import PackageDescription

/// Compiler settings for the compute-heavy targets (kernels, engine, separator): `-O` in debug builds as well.
let optimisedEvenInDebug: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]

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
        // Pure compute kernels over raw buffers with documented layouts. These three are optimised in debug builds:
        // the tests run small models through them, and unoptimised they make `swift test` 5–10× slower.
        .target(name: "Kernels", dependencies: ["COpenBLAS"], swiftSettings: optimisedEvenInDebug),
        // Typed op DAG, lowering from ONNX, folding, planning, execution.
        .target(name: "Engine", dependencies: ["ONNX", "Kernels"], swiftSettings: optimisedEvenInDebug),
        // Audio decoding, encoding and resampling through libsndfile and libsoxr.
        .target(name: "Audio", dependencies: ["CSndFile", "CSoxr"]),
        // HT-Demucs around the engine: model bundles and whole-track separation as demucs does it.
        .target(name: "Demucs", dependencies: ["Engine", "Kernels", "Audio"], swiftSettings: optimisedEvenInDebug),
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
