import Kernels

/// How many threads the engine's matrix products use (OpenBLAS's thread pool).
public enum ComputeThreads {
    /// The current thread count.
    public static var count: Int { BLASInfo.threadCount }

    /// Sets the thread count (at least 1).
    public static func set(_ count: Int) { BLASInfo.setThreadCount(count) }

    /// The BLAS kernel set in use, e.g. `Haswell` or `SkylakeX`.
    public static var kernelName: String { BLASInfo.coreName }
}
