#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A whole regular file mapped read-only into memory (`PROT_READ`, `MAP_PRIVATE`); unmapped on deinit.
///
/// Bytes are paged in on first touch, so mapping a large file costs nothing up front. If another
/// process shrinks the file while it is mapped, touching the lost pages raises `SIGBUS`: treat
/// model files as immutable while they are in use.
final class MappedFile: ByteOwner, @unchecked Sendable {
    let path: String
    let baseAddress: UnsafeRawPointer?
    let byteCount: Int

    /// Opens and maps `path`; throws `ONNXError.io` naming the path and the system's reason.
    init(path: String) throws(ONNXError) {
        self.path = path
        var descriptor: Int32
        repeat {
            // O_NONBLOCK so that a FIFO given by mistake is rejected below instead of blocking here.
            descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        } while descriptor < 0 && errno == EINTR
        guard descriptor >= 0 else { throw MappedFile.failure(path, "cannot open") }
        defer { close(descriptor) }

        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw MappedFile.failure(path, "cannot stat") }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            throw ONNXError.io(path: path, reason: "not a regular file")
        }
        let size = Int(status.st_size)
        byteCount = size
        if size == 0 {
            baseAddress = nil
            return
        }
        let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0)
        guard let address, address != UnsafeMutableRawPointer(bitPattern: -1) else {
            throw MappedFile.failure(path, "cannot map \(size) bytes")
        }
        baseAddress = UnsafeRawPointer(address)
    }

    deinit {
        if let baseAddress {
            munmap(UnsafeMutableRawPointer(mutating: baseAddress), byteCount)
        }
    }

    /// An `io` error for `path` carrying `what` and the current `errno` text.
    private static func failure(_ path: String, _ what: String) -> ONNXError {
        .io(path: path, reason: "\(what): \(String(cString: strerror(errno)))")
    }
}
