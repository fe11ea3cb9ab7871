/// Heap storage for bytes that are not in a mapped file: in-memory models and converted tensors.
///
/// Aligned to 64 bytes, filled once at creation and immutable afterwards.
final class OwnedBytes: ByteOwner, @unchecked Sendable {
    let baseAddress: UnsafeRawPointer?
    let byteCount: Int

    /// Allocates `count` bytes and lets `initialize` fill all of them.
    init<E: Error>(count: Int, initialize: (UnsafeMutableRawBufferPointer) throws(E) -> Void) throws(E) {
        let memory = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1), alignment: 64)
        do {
            try initialize(UnsafeMutableRawBufferPointer(start: memory, count: count))
        } catch {
            memory.deallocate()
            throw error
        }
        baseAddress = UnsafeRawPointer(memory)
        byteCount = count
    }

    deinit {
        baseAddress.map { UnsafeMutableRawPointer(mutating: $0).deallocate() }
    }
}
