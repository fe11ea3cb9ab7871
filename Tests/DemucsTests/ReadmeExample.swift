import Demucs

// The README's library example, compiled (and run by `ReadmeExampleTests`) so that it cannot go stale.
// README-EXAMPLE-BEGIN
/// Separates one audio file into stems held in memory.
func separateIntoStems(model: String, file: String) throws -> [String: [[Float]]] {
    // A bundle name (htdemucs, htdemucs_ft, htdemucs_6s) or a bundle folder.
    let bundle = try BundleLocator().locate(model)
    // Load once; separate as many buffers or files as you like.
    let separator = try Separator(bundle: bundle)
    let options = SeparationOptions(shifts: 1, overlap: 0.25)
    let cancel = CancellationFlag()  // call cancel.cancel() from another thread to stop
    return try separator.separate(file: file, options: options, cancel: cancel) { progress in
        print("segment \(progress.segmentsDone) of \(progress.segmentsTotal)")
    }
}
// README-EXAMPLE-END
