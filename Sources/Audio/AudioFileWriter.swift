#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CSndFile

/// Writes an audio file atomically, in chunks.
///
/// Samples go to a hidden temporary file beside the target (`.<name>.partial-<random>` in the
/// same folder); `finish()` flushes it to disk and renames it onto the final path, replacing any
/// file there. `cancel()`, a failed write, and `deinit` without `finish()` delete it. So the final
/// path never holds a partial file.
///
/// Integer formats get samples this writer quantises itself, exactly as demucs 4.0.1 does (see
/// `PCMQuantizer`), passed to libsndfile with `sf_writef_int`, which stores them without scaling;
/// float WAV gets the floats unchanged through `sf_writef_float`. libsndfile's float scaling
/// (`SFC_SET_NORM_FLOAT`) therefore never touches a sample.
public final class AudioFileWriter {
    /// The final path.
    public let path: String
    /// Frames per second.
    public let sampleRate: Int
    /// Channels per frame.
    public let channels: Int
    /// The file format.
    public let format: AudioFileFormat
    /// Frames written so far.
    public private(set) var framesWritten = 0

    private let temporaryPath: String
    private let descriptor: Int32
    private var handle: OpaquePointer?
    private var state = State.open
    private var intBuffer: [Int32] = []
    private var floatBuffer: [Float] = []

    private enum State { case open, finished, cancelled }

    /// Creates the temporary file for `path`.
    ///
    /// Throws an `AudioError` naming `path` when its folder is missing or unwritable, `path` is a
    /// folder, the sample rate or channel count does not fit the format, or this libsndfile
    /// cannot encode the format (MP3 needs libsndfile ≥ 1.1 built with LAME).
    public init(path: String, sampleRate: Int, channels: Int, format: AudioFileFormat) throws {
        self.path = path
        self.sampleRate = sampleRate
        self.channels = channels
        self.format = format
        guard sampleRate > 0, sampleRate <= AudioFileReader.maximumSampleRate else {
            throw AudioError(path: path, reason: "cannot write a sample rate of \(sampleRate) Hz")
        }
        guard channels > 0, channels <= format.maximumChannels else {
            throw AudioError(path: path, reason: "\(format) cannot hold \(channels) channels")
        }
        if case .mp3(let kbps) = format {
            let allowed = MP3Bitrate.allowed(sampleRate: sampleRate)
            guard allowed.contains(kbps) else {
                throw AudioError(path: path, reason: "MP3 at \(sampleRate) Hz cannot be \(kbps) kbps; "
                    + "choose one of \(allowed.map(String.init).joined(separator: ", "))")
            }
            guard canEncode(format) else {
                throw AudioError(path: path, reason: "this libsndfile (\(sndfileVersion)) cannot encode MP3; "
                    + "it needs libsndfile 1.1 or later built with LAME")
            }
        }
        let (folder, name) = splitPath(path)
        var status = stat()
        if stat(path, &status) == 0, status.st_mode & S_IFMT == S_IFDIR {
            throw AudioError(path: path, reason: "is a folder")
        }
        guard stat(folder, &status) == 0 else {
            throw AudioError(path: path, reason: "cannot write into folder \(folder): \(systemMessage(errno))")
        }
        guard status.st_mode & S_IFMT == S_IFDIR else {
            throw AudioError(path: path, reason: "\(folder) is not a folder")
        }
        temporaryPath = folder + "/." + name + ".partial-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard descriptor >= 0 else {
            throw AudioError(path: path, reason: "cannot create a file in folder \(folder): \(systemMessage(errno))")
        }
        var info = SF_INFO(frames: 0, samplerate: Int32(sampleRate), channels: Int32(channels),
                           format: format.sndfileFormat, sections: 0, seekable: 0)
        guard let handle = sf_open_fd(descriptor, Int32(SFM_WRITE), &info, 0) else {
            let message = sndfileMessage(nil)
            cancel()
            throw AudioError(path: path, reason: "libsndfile cannot write \(format) at \(sampleRate) Hz, "
                + "\(channels) channels: \(message)")
        }
        self.handle = handle
        if case .mp3(let kbps) = format, !MP3Bitrate.apply(kbps: kbps, sampleRate: sampleRate, to: handle) {
            let message = sndfileMessage(handle)
            cancel()
            throw AudioError(path: path, reason: "libsndfile refused MP3 bitrate \(kbps) kbps: \(message)")
        }
    }

    deinit { cancel() }

    /// Appends planar samples: `channels` arrays of equal length.
    ///
    /// Integer formats clip values outside [-1, 1] exactly as demucs does. On an I/O error (a full
    /// disk, say) the temporary file is deleted, the writer is cancelled, and the error names `path`.
    public func write(_ planar: [[Float]]) throws {
        guard state == .open, let handle else {
            throw AudioError(path: path, reason: "writer already \(state == .finished ? "finished" : "cancelled")")
        }
        guard planar.count == channels, let frames = planar.first?.count, planar.allSatisfy({ $0.count == frames })
        else {
            throw AudioError(path: path, reason: "expected \(channels) channels of equal length, got \(planar.map(\.count))")
        }
        let written: sf_count_t
        if let quantizer = format.quantizer {
            interleave(planar, frames: frames, into: &intBuffer, quantizer.leftJustified)
            written = sf_writef_int(handle, intBuffer, sf_count_t(frames))
        } else {
            interleave(planar, frames: frames, into: &floatBuffer) { $0 }
            written = sf_writef_float(handle, floatBuffer, sf_count_t(frames))
        }
        guard written == frames else {
            let message = sf_error(handle) != SF_ERR_NO_ERROR ? sndfileMessage(handle) : systemMessage(errno)
            cancel()
            throw AudioError(path: path, reason: "writing failed after \(framesWritten) frames: \(message) "
                + "(nothing was left on disk)")
        }
        framesWritten += frames
    }

    /// Completes the file and moves it onto `path`.
    public func finish() throws {
        guard state == .open, let handle else {
            throw AudioError(path: path, reason: "writer already \(state == .finished ? "finished" : "cancelled")")
        }
        self.handle = nil
        let closed = sf_close(handle)
        guard closed == 0 else {
            cancel()
            throw AudioError(path: path, reason: "completing the file failed: \(sndfileMessage(code: closed)) "
                + "(nothing was left on disk)")
        }
        let syncError = fsync(descriptor) == 0 ? 0 : errno
        let closeError = close(descriptor) == 0 ? 0 : errno
        guard syncError == 0, closeError == 0 else {
            let message = systemMessage(syncError != 0 ? syncError : closeError)
            state = .cancelled
            unlink(temporaryPath)
            throw AudioError(path: path, reason: "flushing the file to disk failed: \(message) (nothing was left on disk)")
        }
        guard rename(temporaryPath, path) == 0 else {
            let message = systemMessage(errno)
            state = .cancelled
            unlink(temporaryPath)
            throw AudioError(path: path, reason: "cannot move the finished file into place: \(message)")
        }
        state = .finished
    }

    /// Abandons the file: deletes the temporary file. Does nothing once finished or cancelled.
    public func cancel() {
        guard state == .open else { return }
        state = .cancelled
        if let handle { sf_close(handle) }
        handle = nil
        close(descriptor)
        unlink(temporaryPath)
    }
}

/// Interleaves `planar` into `buffer` (resized to `frames × channels`), mapping each sample.
private func interleave<T>(_ planar: [[Float]], frames: Int, into buffer: inout [T], _ map: (Float) -> T) {
    let channels = planar.count
    buffer.removeAll(keepingCapacity: true)
    buffer.reserveCapacity(frames * channels)
    for frame in 0..<frames {
        for c in 0..<channels { buffer.append(map(planar[c][frame])) }
    }
}

/// The folder (`.` when none is given) and the file name of `path`.
private func splitPath(_ path: String) -> (folder: String, name: String) {
    guard let slash = path.lastIndex(of: "/") else { return (".", path) }
    let folder = String(path[..<slash])
    return (folder.isEmpty ? "/" : folder, String(path[path.index(after: slash)...]))
}
