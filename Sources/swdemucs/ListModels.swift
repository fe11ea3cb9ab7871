import ArgumentParser
import Demucs
import Foundation

/// `swdemucs list-models`: the model bundles installed where `run` looks for them.
struct ListModels: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list-models", abstract: "List the installed model bundles.")

    @Option(help: "Folder searched first for model bundles.")
    var models: String?

    func run() throws {
        let locator = BundleLocator(modelsDirectory: models)
        let found = locator.installed()
        print("searched: \(locator.searchPaths.joined(separator: ", "))")
        if found.isEmpty {
            print("no bundles installed; see Weights/README.md to make one")
            return
        }
        for (name, folder, bundle) in found {
            switch bundle {
            case .success(let b):
                let bag = b.members.count > 1 ? ", bag of \(b.members.count)" : ""
                print("\(name.padding(toLength: 28, withPad: " ", startingAt: 0)) \(b.sources.joined(separator: ",")) (\(b.sampleRate) Hz, \(b.style)\(bag))  \(folder)")
            case .failure(let error):
                print("\(name.padding(toLength: 28, withPad: " ", startingAt: 0)) unreadable: \(error)")
            }
        }
    }
}
