#if WIDE_VECTORS
/// The vector the SIMD Swift kernels compute with: 16 floats (one AVX-512 register) where the build targets
/// AVX-512 (`WIDE_VECTORS`, see Package.swift), 8 elsewhere (one AVX2 register, or two SSE or NEON ones).
public typealias FloatVector = SIMD16<Float>
/// Integer lanes matching `FloatVector`, for bit manipulation of its floats.
public typealias Int32Vector = SIMD16<Int32>
/// Two `FloatVector`s' worth of floats, for interleaving and de-interleaving them (`evenHalf`, `oddHalf`).
public typealias FloatVectorPair = SIMD32<Float>
#else
/// The vector the SIMD Swift kernels compute with: 16 floats (one AVX-512 register) where the build targets
/// AVX-512 (`WIDE_VECTORS`, see Package.swift), 8 elsewhere (one AVX2 register, or two SSE or NEON ones).
public typealias FloatVector = SIMD8<Float>
/// Integer lanes matching `FloatVector`, for bit manipulation of its floats.
public typealias Int32Vector = SIMD8<Int32>
/// Two `FloatVector`s' worth of floats, for interleaving and de-interleaving them (`evenHalf`, `oddHalf`).
public typealias FloatVectorPair = SIMD16<Float>
#endif

/// Floats in a `FloatVector`.
@inlinable @inline(__always)
public var vectorWidth: Int { FloatVector.scalarCount }
