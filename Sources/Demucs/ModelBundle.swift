import Foundation

/// A model as `Tools/export_onnx.py` writes it: a folder with one ONNX file per model of a bag and
/// `swdemucs.json` describing the sources, sample rate, segment length and per-source bag weights.
public struct ModelBundle: Sendable {
    /// One model of the bag.
    public struct Member: Sendable {
        /// Absolute path of its ONNX file.
        public var path: String
        /// Its weight for each source, in `sources` order.
        public var weights: [Float]
    }

    /// Where the bundle was read from.
    public var folder: String
    public var name: String
    /// The export style the metadata declares (`conv-stft` when absent), for listings: `ModelRunner` recognises
    /// the style from each graph's inputs and outputs instead.
    public var style: String
    public var sources: [String]
    public var sampleRate: Int
    public var audioChannels: Int
    /// The model's input length in samples (343,980 for HT-Demucs at 44.1 kHz).
    public var segmentSamples: Int
    public var members: [Member]

    /// The metadata file's name inside a bundle folder.
    public static let metadataFileName = "swdemucs.json"

    private struct Metadata: Decodable {
        struct Model: Decodable {
            var file: String
            var weights: [Float]?
        }
        var format: Int
        var name: String?
        var style: String?
        var sources: [String]
        var samplerate: Int
        var audio_channels: Int
        var segment_samples: Int
        var models: [Model]
    }

    /// Reads and checks the bundle in `folder`.
    public init(folder: String) throws {
        let file = (folder as NSString).appendingPathComponent(Self.metadataFileName)
        guard let data = FileManager.default.contents(atPath: file) else {
            throw SeparationError.bundle(path: file, reason: "cannot be read")
        }
        let metadata: Metadata
        do {
            metadata = try JSONDecoder().decode(Metadata.self, from: data)
        } catch {
            throw SeparationError.bundle(path: file, reason: "is not valid bundle metadata (\(error))")
        }
        func fail(_ reason: String) -> SeparationError { .bundle(path: file, reason: reason) }
        guard metadata.format == 1 else { throw fail("has format \(metadata.format); this swdemucs reads format 1") }
        guard !metadata.sources.isEmpty, Set(metadata.sources).count == metadata.sources.count else {
            throw fail("must list distinct sources")
        }
        guard metadata.samplerate > 0, metadata.audio_channels > 0, metadata.segment_samples > 0 else {
            throw fail("has a non-positive sample rate, channel count or segment length")
        }
        guard !metadata.models.isEmpty else { throw fail("lists no models") }
        self.folder = folder
        name = metadata.name ?? (folder as NSString).lastPathComponent
        style = metadata.style ?? "conv-stft"
        sources = metadata.sources
        sampleRate = metadata.samplerate
        audioChannels = metadata.audio_channels
        segmentSamples = metadata.segment_samples
        members = try metadata.models.map { model in
            let weights = model.weights ?? Array(repeating: 1, count: metadata.sources.count)
            guard weights.count == metadata.sources.count, weights.allSatisfy({ $0 >= 0 && $0.isFinite }) else {
                throw fail("model '\(model.file)' needs one non-negative weight per source")
            }
            guard !model.file.hasPrefix("/"), !model.file.split(separator: "/").contains("..") else {
                throw fail("model file '\(model.file)' must be inside the bundle folder")
            }
            let path = (folder as NSString).appendingPathComponent(model.file)
            guard FileManager.default.fileExists(atPath: path) else { throw fail("names '\(model.file)', which is missing") }
            return Member(path: path, weights: weights)
        }
        for (index, source) in sources.enumerated() where members.allSatisfy({ $0.weights[index] == 0 }) {
            throw fail("gives source '\(source)' zero weight in every model")
        }
    }

    /// Indexes of the members that contribute to any of `stems` (all members when `stems` is nil).
    public func members(contributingTo stems: [String]?) -> [Int] {
        guard let stems else { return Array(members.indices) }
        let wanted = stems.compactMap { sources.firstIndex(of: $0) }
        return members.indices.filter { m in wanted.contains { members[m].weights[$0] != 0 } }
    }
}
