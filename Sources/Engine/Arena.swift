import Foundation

/// The memory a session's plan places its values in: one 64-byte-aligned block, shared by sessions that run one
/// at a time, with the lock that makes them take turns.
final class Arena: @unchecked Sendable {
    let bytes: UnsafeMutableRawPointer
    let byteCount: Int
    let lock = NSLock()

    init(byteCount: Int) {
        self.byteCount = byteCount
        bytes = UnsafeMutableRawPointer.allocate(byteCount: max(byteCount, 64), alignment: Plan.alignment)
    }

    deinit { bytes.deallocate() }
}
