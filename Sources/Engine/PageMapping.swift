import Foundation

/// Anonymous memory for a large buffer: zero-filled, returned to the system whole when unmapped, starting at a
/// 2 MiB boundary, and on Linux with transparent huge pages asked for (`MADV_HUGEPAGE`) over its whole 2 MiB
/// stretches. The forward streams through hundreds of megabytes of weights and activations; in 4 KiB pages
/// every few kilobytes cost a TLB miss and a page walk, in 2 MiB pages a few hundred entries cover them. The
/// partial stretch at the end stays in small pages, so the pages touched are no more than the bytes used.
struct PageMapping {
    /// The first byte, on a 2 MiB boundary.
    let bytes: UnsafeMutableRawPointer
    private let region: UnsafeMutableRawPointer
    private let regionBytes: Int

    /// Bytes in a huge page.
    static let hugePageBytes = 1 << 21

    /// Maps at least `byteCount` bytes, or returns nil when the system refuses.
    init?(byteCount: Int) {
        let alignment = Self.hugePageBytes, length = max(byteCount, 1) + alignment
        guard let region = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
              region != MAP_FAILED else { return nil }
        self.region = region
        regionBytes = length
        bytes = region + (alignment - Int(bitPattern: region) % alignment) % alignment
        #if os(Linux)
        let whole = byteCount / alignment * alignment
        if whole > 0 { _ = madvise(bytes, whole, MADV_HUGEPAGE) }
        #endif
    }

    /// Returns the memory to the system; `bytes` must not be used after.
    func unmap() { munmap(region, regionBytes) }
}
