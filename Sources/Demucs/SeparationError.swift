/// Why a separation could not be set up or finished. `description` is one line naming the file or value at fault.
public enum SeparationError: Error, CustomStringConvertible, Equatable {
    /// A bundle's metadata is missing or wrong.
    case bundle(path: String, reason: String)
    /// No bundle of that name was found; `searched` lists where, `hint` says how to make one.
    case bundleNotFound(name: String, searched: [String], hint: String)
    /// A requested stem is not one of the model's sources.
    case unknownStem(String, available: [String])
    /// An option value is out of range.
    case invalidOption(String)
    /// The input has no samples.
    case emptyInput(String)
    /// The input holds a NaN or infinite sample (or samples so large that their mix overflows) at `frame`.
    case nonFiniteSample(frame: Int)
    /// The caller cancelled.
    case cancelled

    public var description: String {
        switch self {
        case let .bundle(path, reason):
            return "\(path): \(reason)"
        case let .bundleNotFound(name, searched, hint):
            return "no model bundle '\(name)' in \(searched.joined(separator: ", ")); make it with: \(hint)"
        case let .unknownStem(stem, available):
            return "stem '\(stem)' is not in the model; choose from \(available.joined(separator: ", "))"
        case .invalidOption(let detail):
            return detail
        case .emptyInput(let what):
            return "\(what) has no audio samples"
        case .nonFiniteSample(let frame):
            return "frame \(frame) of the track is not a finite number (NaN or infinite); "
                + "a damaged float file cannot be separated"
        case .cancelled:
            return "cancelled"
        }
    }
}
