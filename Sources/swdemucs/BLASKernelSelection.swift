import Foundation

/// Puts OpenBLAS on the fastest kernels this CPU runs: its AVX-512 (SkylakeX) kernels on CPUs with AVX-512,
/// about 1.7× faster sgemm here than the AVX2 (Haswell) kernels Debian's OpenBLAS 0.3.21 uses on such CPUs
/// unless told otherwise.
///
/// OpenBLAS reads `OPENBLAS_CORETYPE` once, when it loads (before `main`), so the process re-executes itself
/// once with the variable set. A value inherited from the environment is replaced (machines set it for other
/// programs); `SWDEMUCS_BLAS_CORETYPE=NAME` forces a kernel set (e.g. `Haswell`), and `=keep` keeps whatever
/// `OPENBLAS_CORETYPE` says.
enum BLASKernelSelection {
    /// The instruction-set extensions OpenBLAS's SkylakeX kernels need.
    static let avx512Flags: Set<String> = ["avx512f", "avx512dq", "avx512cd", "avx512bw", "avx512vl"]
    /// Set in the re-executed process, so it does not loop.
    static let marker = "SWDEMUCS_BLAS_SELECTED"

    static func reexecuteIfBeneficial() {
        #if os(Linux)
        let environment = ProcessInfo.processInfo.environment
        guard environment[marker] == nil, let wanted = wantedCoreType(environment),
              environment["OPENBLAS_CORETYPE"] != wanted else { return }
        setenv("OPENBLAS_CORETYPE", wanted, 1)
        setenv(marker, wanted, 1)
        var argv: [UnsafeMutablePointer<CChar>?] = CommandLine.arguments.map { strdup($0) }
        argv.append(nil)
        // The binary's own path, not /proc/self/exe, so the process keeps its name (`swdemucs`, not `exe`) for
        // ps, pgrep and killall.
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? "/proc/self/exe"
        execv(executable, &argv)
        // execv returns only on failure: carry on with the kernels already loaded.
        #endif
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
