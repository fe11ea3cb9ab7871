/// A failure to read, write or resample audio, naming the file at fault.
///
/// Prints as one line, `path: reason`; errors that concern no file (a resampler on its own)
/// have an empty `path` and print as the reason alone.
public struct AudioError: Error, CustomStringConvertible {
    /// The file at fault, as the caller gave it.
    public let path: String
    /// What went wrong, in a few words.
    public let reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { path.isEmpty ? reason : "\(path): \(reason)" }
}
