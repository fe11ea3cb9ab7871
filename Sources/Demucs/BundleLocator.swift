import Foundation

/// Finds model bundles by name: a path to a bundle folder, or a name looked up in `--models DIR`, then
/// `$SWDEMUCS_MODELS`, then `./Weights`, then the user's cache folder (`$XDG_CACHE_HOME/swdemucs/models`, by
/// default `~/.cache/swdemucs/models`).
public struct BundleLocator: Sendable {
    /// Folders searched for named bundles, in order.
    public var searchPaths: [String]

    public init(modelsDirectory: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) {
        var paths: [String] = []
        if let modelsDirectory { paths.append(modelsDirectory) }
        if let fromEnvironment = environment["SWDEMUCS_MODELS"], !fromEnvironment.isEmpty { paths.append(fromEnvironment) }
        paths.append("Weights")
        paths.append(Self.cacheDirectory(environment: environment))
        searchPaths = paths
    }

    /// The user's cache folder for bundles.
    public static func cacheDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let base = environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? ((environment["HOME"] ?? NSHomeDirectory()) as NSString).appendingPathComponent(".cache")
        return (base as NSString).appendingPathComponent("swdemucs/models")
    }

    /// The bundle named `name` (or at path `name`).
    public func locate(_ name: String) throws -> ModelBundle {
        var isDirectory: ObjCBool = false
        if name.contains("/"), FileManager.default.fileExists(atPath: name, isDirectory: &isDirectory), isDirectory.boolValue {
            return try ModelBundle(folder: name)
        }
        for folder in searchPaths {
            let candidate = (folder as NSString).appendingPathComponent(name)
            let metadata = (candidate as NSString).appendingPathComponent(ModelBundle.metadataFileName)
            if FileManager.default.fileExists(atPath: metadata) { return try ModelBundle(folder: candidate) }
        }
        let target = (searchPaths.last! as NSString).appendingPathComponent(name)
        let source = ["htdemucs", "htdemucs_ft", "htdemucs_6s"].contains(name) ? "--pretrained \(name)" : "--checkpoint MODEL.th"
        throw SeparationError.bundleNotFound(
            name: name, searched: searchPaths,
            hint: "Tools/setup_venv.sh && .venv/bin/python Tools/export_onnx.py \(source) --out \(target)")
    }

    /// Every bundle found in the search paths: (name, folder, bundle or the reason it is unreadable).
    public func installed() -> [(name: String, folder: String, bundle: Result<ModelBundle, Error>)] {
        var seen = Set<String>()
        var found: [(String, String, Result<ModelBundle, Error>)] = []
        for folder in searchPaths {
            guard let entries = try? FileManager.default.contentsOfDirectory(atPath: folder) else { continue }
            for entry in entries.sorted() where !seen.contains(entry) {
                let candidate = (folder as NSString).appendingPathComponent(entry)
                guard FileManager.default.fileExists(atPath: (candidate as NSString).appendingPathComponent(ModelBundle.metadataFileName)) else { continue }
                seen.insert(entry)
                found.append((entry, candidate, Result { try ModelBundle(folder: candidate) }))
            }
        }
        return found
    }
}
