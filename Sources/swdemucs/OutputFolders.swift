#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The folders a run writes into: created when missing and proved writable before any work, and removed again
/// if a track that needed them fails and leaves them empty.
///
/// Safe to use from a signal handler's thread as well as the main one: the list is guarded by a lock.
final class OutputFolders: @unchecked Sendable {
    /// Folders this run created, deepest last.
    private var created: [String] = []
    private let lock = NSLock()

    /// Why a folder cannot take output files.
    struct Unwritable: Error, CustomStringConvertible {
        let folder: String
        let reason: String
        var description: String { "cannot write into output folder \(folder): \(reason)" }
    }

    /// Makes `folder` and any missing parents (as `mkdir -p` does, `..` components included), then creates and
    /// deletes a file in it, so a folder that is read-only, on a read-only file system or not a folder at all
    /// fails here, with the system's reason.
    func prepare(_ folder: String) throws {
        var path = folder.hasPrefix("/") ? "" : "."
        var status = stat()
        for component in folder.split(separator: "/") {
            path += "/" + component
            guard component != ".", component != "..", lstat(path, &status) != 0, errno == ENOENT else { continue }
            guard mkdir(path, 0o777) == 0 || errno == EEXIST else {
                throw Unwritable(folder: folder, reason: "cannot create \(path) (\(String(cString: strerror(errno))))")
            }
            lock.withLock { created.append(path) }
        }
        let probe = (folder as NSString).appendingPathComponent(".swdemucs-probe-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        let descriptor = open(probe, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw Unwritable(folder: folder, reason: String(cString: strerror(errno))) }
        close(descriptor)
        unlink(probe)
    }

    /// Removes the folders this run created inside which nothing was written (deepest first); others stay.
    func removeEmpty() {
        lock.withLock {
            for directory in created.reversed() where rmdir(directory) == 0 {
                created.removeAll { $0 == directory }
            }
        }
    }
}
