/// What every message decoder needs besides its own bytes: the buffer they live in (so views can
/// be handed out) and the model's external data files.
struct DecodeContext {
    /// The whole model, from offset 0 of its owner; wire-reader offsets index into it.
    let buffer: ByteView
    let externalFiles: ExternalDataFiles

    /// Most graphs that may be nested inside one another through attributes, the main graph included.
    static let maxGraphDepth = 64
}
