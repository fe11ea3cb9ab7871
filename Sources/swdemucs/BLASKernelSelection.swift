import Foundation

/// Sets OpenBLAS up before it loads, by re-executing the process once with its environment variables set:
///
/// - the fastest kernels this CPU runs: its AVX-512 (SkylakeX) kernels on CPUs with AVX-512, about 1.7× faster
///   sgemm here than the AVX2 (Haswell) kernels Debian's OpenBLAS 0.3.21 uses on such CPUs unless told
///   otherwise. A value inherited in `OPENBLAS_CORETYPE` is replaced (machines set it for other programs);
///   `SWDEMUCS_BLAS_CORETYPE=NAME` forces a kernel set (e.g. `Haswell`), and `=keep` keeps what
///   `OPENBLAS_CORETYPE` says;
/// - worker threads that sleep as soon as a product is done (`OPENBLAS_THREAD_TIMEOUT=4`, unless set): by
///   default they spin, calling `sched_yield`, for about 2²⁸ cycles after each product, which takes a core from
///   the engine's own threads between products: the attention that follows a multithreaded product ran at
///   half speed (0.148 s against 0.072 s in an isolated benchmark), and a whole forward pass about 10 % slower.
///
/// OpenBLAS reads these variables once, when it loads (before `main`), hence the re-execution.
enum BLASKernelSelection {
    /// The instruction-set extensions OpenBLAS's SkylakeX kernels need.
    static let avx512Flags: Set<String> = ["avx512f", "avx512dq", "avx512cd", "avx512bw", "avx512vl"]
    /// Set in the re-executed process, so it does not loop.
    static let marker = "SWDEMUCS_BLAS_SELECTED"

    /// The value `OPENBLAS_THREAD_TIMEOUT` gets when unset: 2⁴ cycles of spinning, the least OpenBLAS accepts.
    static let threadTimeout = "4"

    static func reexecuteIfBeneficial() {
        #if os(Linux)
        let environment = ProcessInfo.processInfo.environment
        guard environment[marker] == nil else { return }
        let changes = wantedEnvironment(environment)
        guard !changes.isEmpty else { return }
        for (name, value) in changes { setenv(name, value, 1) }
        setenv(marker, changes["OPENBLAS_CORETYPE"] ?? "unchanged", 1)
        var argv: [UnsafeMutablePointer<CChar>?] = CommandLine.arguments.map { strdup($0) }
        argv.append(nil)
        // The binary's own path, not /proc/self/exe, so the process keeps its name (`swdemucs`, not `exe`) for
        // ps, pgrep and killall.
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? "/proc/self/exe"
        execv(executable, &argv)
        // execv returns only on failure: carry on with OpenBLAS as it is.
        #endif
    }

    /// The OpenBLAS variables to change before it loads (empty: leave it as it is).
    static func wantedEnvironment(_ environment: [String: String]) -> [String: String] {
        var changes: [String: String] = [:]
        if let wanted = wantedCoreType(environment), environment["OPENBLAS_CORETYPE"] != wanted {
            changes["OPENBLAS_CORETYPE"] = wanted
        }
        if environment["OPENBLAS_THREAD_TIMEOUT"] == nil { changes["OPENBLAS_THREAD_TIMEOUT"] = threadTimeout }
        return changes
    }

    /// The kernel set to run, or nil to leave OpenBLAS as it is.
    static func wantedCoreType(_ environment: [String: String]) -> String? {
        switch environment["SWDEMUCS_BLAS_CORETYPE"] {
        case "keep": return nil
        case let forced? where !forced.isEmpty && forced != "auto": return forced
        default: return cpuFlags().isSuperset(of: avx512Flags) ? "SkylakeX" : nil
        }
    }

    /// The CPU's feature flags from /proc/cpuinfo (read to the end: /proc files report a size of 0).
    static func cpuFlags() -> Set<String> {
        guard let data = FileHandle(forReadingAtPath: "/proc/cpuinfo")?.readDataToEndOfFile(),
              let cpuinfo = String(data: data, encoding: .utf8),
              let line = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return [] }
        return Set(line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == ":" }).map(String.init))
    }
}
