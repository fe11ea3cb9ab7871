import Foundation

/// The data files next to a model, mapped on first use and shared by all its tensors.
///
/// Safe to use from several threads: the cache is guarded by a lock.
final class ExternalDataFiles: @unchecked Sendable {
    /// Directory that external `location`s are relative to; `nil` for an in-memory model without one.
    let baseDirectory: String?
    private let lock = NSLock()
    private var mapped: [String: MappedFile] = [:]

    init(baseDirectory: String?) {
        self.baseDirectory = baseDirectory
    }

    /// Why a data file cannot be used.
    struct Failure: Error {
        let reason: String
    }

    /// The mapped file at `location`, relative to the base directory.
    func file(at location: String) throws(Failure) -> MappedFile {
        guard let baseDirectory else {
            throw Failure(reason: "the model was read from memory without a base directory")
        }
        if let reason = Self.unsafeLocationReason(location) {
            throw Failure(reason: "location '\(location)' \(reason)")
        }
        lock.lock()
        defer { lock.unlock() }
        if let file = mapped[location] { return file }
        let path = baseDirectory.hasSuffix("/") ? baseDirectory + location : baseDirectory + "/" + location
        let file: MappedFile
        do {
            file = try MappedFile(path: path)
        } catch {
            guard case let .io(_, reason) = error else { throw Failure(reason: error.description) }
            throw Failure(reason: "\(path): \(reason)")
        }
        mapped[location] = file
        return file
    }

    /// Why `location` may not be used (absolute, climbing out with `..`, empty), or `nil` if it may.
    static func unsafeLocationReason(_ location: String) -> String? {
        if location.isEmpty { return "is empty" }
        if location.hasPrefix("/") { return "is an absolute path; it must be relative to the model's directory" }
        if location.utf8.contains(0) { return "contains a NUL byte" }
        if location.split(separator: "/", omittingEmptySubsequences: false).contains("..") {
            return "has a '..' component; it must stay inside the model's directory"
        }
        return nil
    }
}

/// Where a tensor's bytes live when its `data_location` is `EXTERNAL`.
struct ExternalDataReference: Sendable {
    /// The `external_data` entries as written (`location`, `offset`, `length`, `checksum`, …).
    let entries: [(key: String, value: String)]
    let files: ExternalDataFiles

    /// The value of the last entry with `key`.
    func value(_ key: String) -> String? {
        entries.last { $0.key == key }?.value
    }

    /// The tensor's bytes inside the data file: `byteCount` bytes at `offset` (default 0), with a
    /// `length` entry, if any, that must equal `byteCount`; all bounds-checked against the file.
    func bytes(tensor name: String, byteCount: Int) throws(ONNXError) -> ByteView {
        func failure(_ reason: String) -> ONNXError { .externalData(tensor: name, reason: reason) }
        guard let location = value("location") else { throw failure("no 'location' entry") }
        let offset = try number("offset", default: 0, tensor: name)
        let file: MappedFile
        do {
            file = try files.file(at: location)
        } catch {
            throw failure(error.reason)
        }
        guard offset <= file.byteCount else {
            throw failure("offset \(offset) is past the end of '\(location)' (\(file.byteCount) bytes)")
        }
        // Without a length, the tensor's own size is meant (as ONNX Runtime reads it).
        let length = try number("length", default: byteCount, tensor: name)
        guard length <= file.byteCount - offset else {
            throw failure("offset \(offset) + length \(length) is past the end of '\(location)' (\(file.byteCount) bytes)")
        }
        guard length == byteCount else {
            throw .invalidTensor(name: name, reason: "external data holds \(length) bytes, but its dims and type need \(byteCount)")
        }
        return ByteView(owner: file, start: offset, count: length)
    }

    /// The non-negative decimal integer entry `key`, or `fallback` if there is none.
    private func number(_ key: String, default fallback: Int, tensor name: String) throws(ONNXError) -> Int {
        guard let text = value(key) else { return fallback }
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let number = Int(text) else {
            throw .externalData(tensor: name, reason: "'\(key)' is '\(text)', not a non-negative integer")
        }
        return number
    }
}
