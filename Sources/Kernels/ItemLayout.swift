/// Where the rows of a `[batch, channels, length]` tensor lie: item `n`'s channel `c` starts `n · itemStride +
/// c · channelStride` floats in, its `length` values contiguous. Dense is `itemStride = channels · length`,
/// `channelStride = length`; channel-major (`[channels, batch, length]` in memory, read as `[batch, channels,
/// length]`) is `itemStride = length`, `channelStride = batch · length`: HT-Demucs's frequency branches run their
/// residual branches per frequency on `[channels, frequencies, frames]` tensors, which this reads without a
/// transposed copy.
public struct ItemLayout: Sendable, Equatable {
    public let itemStride: Int
    public let channelStride: Int

    public init(itemStride: Int, channelStride: Int) {
        self.itemStride = itemStride
        self.channelStride = channelStride
    }

    /// Items one after another.
    public static func dense(channels: Int, length: Int) -> ItemLayout {
        ItemLayout(itemStride: channels * length, channelStride: length)
    }

    /// Each channel's rows of every item together.
    public static func channelMajor(batch: Int, length: Int) -> ItemLayout {
        ItemLayout(itemStride: length, channelStride: batch * length)
    }

    /// Where item `n`'s channel `c` starts.
    @inline(__always)
    public func offset(item n: Int, channel c: Int) -> Int { n * itemStride + c * channelStride }
}
