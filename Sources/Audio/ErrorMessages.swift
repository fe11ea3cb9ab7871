#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CSndFile

/// libsndfile's message for the last error on `handle`, or for the last failed open when `nil`.
func sndfileMessage(_ handle: OpaquePointer?) -> String {
    String(cString: sf_strerror(handle)).tidiedSndfileMessage()
}

/// libsndfile's message for an error code, as returned by `sf_close`.
func sndfileMessage(code: Int32) -> String {
    String(cString: sf_error_number(code)).tidiedSndfileMessage()
}

/// The operating system's message for an `errno` value, e.g. `Permission denied`.
func systemMessage(_ code: Int32) -> String {
    String(cString: strerror(code))
}

extension String {
    /// The message without libsndfile's `Error : ` prefix or a final `.`, to read well inside a sentence.
    fileprivate func tidiedSndfileMessage() -> String {
        var text = Substring(self)
        if text.hasPrefix("Error : ") { text = text.dropFirst(8) }
        if text.hasSuffix(".") { text = text.dropLast() }
        return String(text)
    }
}
