#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

#if _endian(big)
#error("swdemucs's ONNX reader presents tensor bytes as stored (little-endian) and needs a little-endian host")
#endif

/// Something that owns a stable block of bytes for as long as it lives: a mapped file or heap storage.
protocol ByteOwner: AnyObject, Sendable {
    /// Start of the block; `nil` only when the block is empty.
    var baseAddress: UnsafeRawPointer? { get }
    /// Size of the block in bytes.
    var byteCount: Int { get }
}

/// A read-only span of bytes inside a mapped file or owned storage; keeps its owner alive.
///
/// Copying a `ByteView` never copies bytes. The pointer handed to `withUnsafeBytes` is valid only
/// inside the closure (the view, and so the mapping, may be released afterwards) and has no
/// particular alignment: read multi-byte values with `loadUnaligned` or copy them out first.
public struct ByteView: Sendable {
    let owner: any ByteOwner
    let start: Int
    /// Number of bytes in the view.
    public let count: Int

    init(owner: any ByteOwner, start: Int, count: Int) {
        precondition(start >= 0 && count >= 0 && start <= owner.byteCount - count,
                     "ByteView range \(start)..<\(start + count) outside its owner of \(owner.byteCount) bytes")
        self.owner = owner
        self.start = start
        self.count = count
    }

    /// A view of all of `owner`'s bytes.
    init(owner: any ByteOwner) {
        self.init(owner: owner, start: 0, count: owner.byteCount)
    }

    /// A view of a private copy of `bytes`, aligned for any element type.
    public init(copying bytes: some Collection<UInt8>) {
        let storage = OwnedBytes(count: bytes.count) { destination in
            _ = destination.initializeMemory(as: UInt8.self, fromContentsOf: bytes)
        }
        self.init(owner: storage)
    }

    /// A view of a private copy of the in-memory representation of `elements`.
    public init<T: BitwiseCopyable>(copyingElementsOf elements: [T]) {
        let storage = elements.withUnsafeBytes { source in
            OwnedBytes(count: source.count) { destination in destination.copyMemory(from: source) }
        }
        self.init(owner: storage)
    }

    /// Whether the view holds no bytes.
    public var isEmpty: Bool { count == 0 }

    /// Tells the system this process is done reading these bytes for now: the whole memory pages they cover
    /// inside a mapped file leave the process's resident set (they are read again from the file if touched).
    /// Loading calls it after copying each weight, so a model's file does not stay resident beside its copy.
    /// Owned (non-mapped) bytes are left alone.
    public func releaseResidentPages() {
        guard owner is MappedFile, let base = owner.baseAddress, count > 0 else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let first = (Int(bitPattern: base + start) + page - 1) / page * page
        let end = (Int(bitPattern: base + start) + count) / page * page
        guard end > first, let address = UnsafeMutableRawPointer(bitPattern: first) else { return }
        _ = madvise(address, end - first, MADV_DONTNEED)
    }

    /// Calls `body` with the bytes of the view; the pointer must not escape the closure.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try withExtendedLifetime(owner) {
            try body(UnsafeRawBufferPointer(start: owner.baseAddress.map { $0 + start }, count: count))
        }
    }

    /// The sub-view at `range`, relative to this view; traps if `range` is not inside `0..<count`.
    public subscript(range: Range<Int>) -> ByteView {
        precondition(range.lowerBound >= 0 && range.upperBound <= count,
                     "range \(range) outside a ByteView of \(count) bytes")
        return ByteView(owner: owner, start: start + range.lowerBound, count: range.count)
    }

    /// The bytes reinterpreted as `count / stride` values of `T`, copied into an array.
    ///
    /// Traps unless `count` is a multiple of `MemoryLayout<T>.stride`. Reading is alignment-safe.
    public func elements<T: BitwiseCopyable>(as type: T.Type) -> [T] {
        let stride = MemoryLayout<T>.stride
        precondition(count % stride == 0, "a ByteView of \(count) bytes does not hold whole \(T.self) values")
        return withUnsafeBytes { source in
            [T](unsafeUninitializedCapacity: count / stride) { destination, initialized in
                if let target = destination.baseAddress, let from = source.baseAddress {
                    UnsafeMutableRawPointer(target).copyMemory(from: from, byteCount: source.count)
                }
                initialized = count / stride
            }
        }
    }
}
