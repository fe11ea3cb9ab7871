#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Audio

/// A hidden temporary file of raw float32 samples beside an output, written once front to back and read back
/// in chunks (how `StemFileSink` holds a stem until its peak is known).
///
/// Errors name the final output the spool stands for and carry the system's reason ("No space left on
/// device"). `remove()` closes and deletes the file; it is safe to call more than once.
final class SpoolFile {
    /// The output this spool is for, named in errors.
    let output: String
    /// The hidden file's own path.
    let path: String
    private var descriptor: Int32

    /// Creates `.<name>.spool-<random>` in the folder of `output`.
    init(for output: String) throws {
        self.output = output
        let slash = output.lastIndex(of: "/")
        let folder = slash.map { String(output[..<$0]) } ?? "."
        let name = slash.map { String(output[output.index(after: $0)...]) } ?? output
        path = (folder.isEmpty ? "" : folder) + "/." + name + ".spool-"
            + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        descriptor = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw AudioError(path: output, reason: "cannot create a file in \(folder.isEmpty ? "/" : folder): "
                + String(cString: strerror(errno)))
        }
    }

    deinit { remove() }

    /// Appends `samples` as native float32.
    func append(_ samples: [Float]) throws {
        try samples.withUnsafeBytes { bytes in
            var done = 0
            while done < bytes.count {
                let written = write(descriptor, bytes.baseAddress! + done, bytes.count - done)
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { throw failure("cannot hold the separated stem") }
                done += written
            }
        }
    }

    /// Moves back to the first sample, for reading.
    func rewind() throws {
        guard lseek(descriptor, 0, SEEK_SET) == 0 else { throw failure("cannot read the separated stem back") }
    }

    /// The next `count` samples; throws if the file ends first.
    func readSamples(_ count: Int) throws -> [Float] {
        try [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            let bytes = UnsafeMutableRawBufferPointer(buffer)
            var done = 0
            while done < bytes.count {
                let got = read(descriptor, bytes.baseAddress! + done, bytes.count - done)
                if got < 0 && errno == EINTR { continue }
                guard got > 0 else {
                    throw got == 0 ? AudioError(path: output, reason: "the temporary copy of the stem ended early")
                                   : failure("cannot read the separated stem back")
                }
                done += got
            }
            initialized = count
        }
    }

    /// Closes and deletes the file.
    func remove() {
        guard descriptor >= 0 else { return }
        close(descriptor)
        descriptor = -1
        unlink(path)
    }

    /// An error naming the output, saying what failed and why (the current `errno`); nothing is left on disk.
    private func failure(_ what: String) -> AudioError {
        AudioError(path: output, reason: "\(what): \(String(cString: strerror(errno))) (nothing was written)")
    }
}
