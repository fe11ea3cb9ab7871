import Foundation

/// The memory a session's plan places its values in: one block (a `PageMapping`, in huge pages where the system
/// gives them, or from the heap if mapping fails), shared by sessions that run one at a time, with the lock that
/// makes them take turns.
final class Arena: @unchecked Sendable {
    let bytes: UnsafeMutableRawPointer
    let byteCount: Int
    let lock = NSLock()
    private let mapping: PageMapping?

    init(byteCount: Int) {
        self.byteCount = byteCount
        mapping = PageMapping(byteCount: byteCount)
        bytes = mapping?.bytes ?? UnsafeMutableRawPointer.allocate(byteCount: max(byteCount, 64),
                                                                   alignment: Plan.alignment)
    }

    deinit {
        if let mapping { mapping.unmap() } else { bytes.deallocate() }
    }
}
