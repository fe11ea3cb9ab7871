import CSoxr

/// Resamples planar float audio between two rates with libsoxr, streaming.
///
/// Uses soxr's very-high-quality recipe (`SOXR_VHQ`: 28-bit precision, linear phase, flat to 91 %
/// of the lower Nyquist frequency). soxr removes its own filter delay, so output sample `n` lies at
/// time `n / to`, like input sample `n` at `n / from`. Feed chunks in order (how the input is cut
/// into chunks does not change the output) and mark the final call with `last: true` to flush the
/// filter's tail; the output then totals `frames × to / from` rounded half up (soxr's rule, which
/// `AudioStream` trims to demucs' floor).
public final class Resampler {
    /// Input frames per second.
    public let inputRate: Int
    /// Output frames per second.
    public let outputRate: Int
    /// Channels per call (planar arrays).
    public let channels: Int

    private let soxr: OpaquePointer
    private var finished = false

    /// Creates a resampler from `from` Hz to `to` Hz for `channels` channels.
    public init(from: Int, to: Int, channels: Int) throws {
        guard from > 0, to > 0, channels > 0 else {
            throw AudioError(path: "", reason: "cannot resample \(channels) channels from \(from) Hz to \(to) Hz")
        }
        inputRate = from
        outputRate = to
        self.channels = channels
        var error: soxr_error_t?
        var io = soxr_io_spec(SOXR_FLOAT32_S, SOXR_FLOAT32_S)
        var quality = soxr_quality_spec(UInt(SOXR_VHQ), UInt(SOXR_LINEAR_PHASE))
        var runtime = soxr_runtime_spec(1)
        let created = soxr_create(Double(from), Double(to), UInt32(channels), &error, &io, &quality, &runtime)
        guard let created, error == nil else {
            let message = error.map { String(cString: $0) } ?? "unknown error"
            throw AudioError(path: "", reason: "libsoxr cannot resample \(from) Hz to \(to) Hz: \(message)")
        }
        soxr = created
    }

    deinit { soxr_delete(soxr) }

    /// Resamples the next chunk (`channels` arrays of equal length, possibly empty).
    ///
    /// Returns whatever output is ready, planar. With `last: true` the filter is flushed and the
    /// remaining output returned; the resampler then accepts no more input.
    public func process(_ planar: [[Float]], last: Bool) throws -> [[Float]] {
        guard !finished else {
            throw AudioError(path: "", reason: "resampler used after its last chunk")
        }
        guard planar.count == channels, let length = planar.first?.count,
              planar.allSatisfy({ $0.count == length }) else {
            throw AudioError(path: "", reason: "resampler expects \(channels) channels of equal length, got \(planar.map(\.count))")
        }
        var output = [[Float]](repeating: [], count: channels)
        let capacity = Int((Double(length) * Double(outputRate) / Double(inputRate)).rounded(.up)) + 1024
        let input = UnsafeMutableBufferPointer<Float>.allocate(capacity: max(channels * length, 1))
        let out = UnsafeMutableBufferPointer<Float>.allocate(capacity: channels * capacity)
        defer {
            input.deallocate()
            out.deallocate()
        }
        for c in 0..<channels {
            _ = UnsafeMutableBufferPointer(rebasing: input[(c * length)...]).initialize(from: planar[c])
        }
        var consumed = 0
        var produced = 0
        repeat {
            let pointers = (0..<channels).map { UnsafePointer(input.baseAddress! + $0 * length + consumed) }
            var used = 0
            produced = try step(pointers, count: length - consumed, used: &used, out: out, capacity: capacity, into: &output)
            consumed += used
            guard used > 0 || produced > 0 || consumed == length else {
                throw AudioError(path: "", reason: "libsoxr stopped taking input after \(consumed) of \(length) frames")
            }
        } while consumed < length || produced == capacity
        if last {
            finished = true
            var used = 0
            while try step(nil, count: 0, used: &used, out: out, capacity: capacity, into: &output) > 0 {}
        }
        return output
    }

    /// One `soxr_process` call: feeds `count` frames from the channel pointers `input` (`nil` flushes),
    /// lets soxr write up to `capacity` frames per channel into `out`, and appends them to `output`.
    /// Returns the frames produced.
    private func step(_ input: [UnsafePointer<Float>]?, count: Int, used: inout Int,
                      out: UnsafeMutableBufferPointer<Float>, capacity: Int,
                      into output: inout [[Float]]) throws -> Int {
        let outPointers = (0..<channels).map { out.baseAddress! + $0 * capacity }
        var idone = 0
        var odone = 0
        let error = outPointers.withUnsafeBufferPointer { outs in
            let outRaw = UnsafeMutableRawPointer(mutating: outs.baseAddress)
            guard let input else { return soxr_process(soxr, nil, 0, &idone, outRaw, capacity, &odone) }
            return input.withUnsafeBufferPointer { ins in
                soxr_process(soxr, UnsafeRawPointer(ins.baseAddress), count, &idone, outRaw, capacity, &odone)
            }
        }
        if let error {
            throw AudioError(path: "", reason: "libsoxr failed: \(String(cString: error))")
        }
        used = idone
        for c in 0..<channels {
            output[c].append(contentsOf: UnsafeBufferPointer(start: outPointers[c], count: odone))
        }
        return odone
    }
}
