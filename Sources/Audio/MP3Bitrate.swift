import CSndFile

/// Constant MP3 bitrates through libsndfile, which has no bitrate setting of its own.
///
/// libsndfile 1.1–1.2 (`mpeg_l3_encode.c`) maps `SFC_SET_COMPRESSION_LEVEL` c ∈ [0, 1] linearly
/// onto LAME's bitrate, truncating: `(int)(320 − c · 288)` kbps for MPEG-1 rates (≥ 32 kHz),
/// `(int)(160 − c · 152)` for MPEG-2 (16–24 kHz) and `(int)(64 − c · 56)` for MPEG-2.5 (< 16 kHz).
/// Any bitrate of the standard table can therefore be reached; LAME's algorithm quality
/// (demucs passes `quality=2` to lameenc) is not reachable and stays at LAME's default.
enum MP3Bitrate {
    /// Bitrates (kbps) a Layer III stream may have at `sampleRate`.
    static func allowed(sampleRate: Int) -> [Int] {
        if sampleRate >= 32000 { return [32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320] }
        return [8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160].filter { $0 <= range(sampleRate).upper }
    }

    /// The compression level libsndfile turns into exactly `kbps` at `sampleRate`.
    static func compressionLevel(kbps: Int, sampleRate: Int) -> Double {
        let (lower, upper) = range(sampleRate)
        // Aim half a kbps above the target so libsndfile's truncation lands on it.
        let level = (Double(upper - kbps) - 0.5) / Double(upper - lower)
        return min(max(level, 0), 1)
    }

    /// Sets constant bitrate `kbps` on an MP3 file open for writing; `false` if libsndfile refused.
    static func apply(kbps: Int, sampleRate: Int, to handle: OpaquePointer) -> Bool {
        // The level must come first: changing the mode re-applies it, and fails while it is unset.
        var level = compressionLevel(kbps: kbps, sampleRate: sampleRate)
        var mode = Int32(SF_BITRATE_MODE_CONSTANT)
        return sf_command(handle, Int32(SFC_SET_COMPRESSION_LEVEL), &level, Int32(MemoryLayout<Double>.size)) == SF_TRUE
            && sf_command(handle, Int32(SFC_SET_BITRATE_MODE), &mode, Int32(MemoryLayout<Int32>.size)) == SF_TRUE
    }

    /// The kbps libsndfile's compression level spans at `sampleRate`: level 1 gives `lower`, 0 `upper`.
    private static func range(_ sampleRate: Int) -> (lower: Int, upper: Int) {
        if sampleRate >= 32000 { return (32, 320) }
        if sampleRate >= 16000 { return (8, 160) }
        return (8, 64)
    }
}
