import Kernels

extension NodeContext {
    /// ONNX `DFT`: the axis from the attribute (opset 17, default 1) or the third input (opset 20, default −2),
    /// a constant `dft_length` (default: the axis extent, or `2 · (extent − 1)` for a one-sided inverse).
    func lowerDFT() throws -> LoweredNode {
        let x = try input(0)
        let rank = x.shape.count
        guard x.dataType == .float32, rank >= 2, x.shape[rank - 1] == 1 || x.shape[rank - 1] == 2 else {
            throw invalid("input must be float [..., 1 or 2], got \(x.dataType) \(x.shape)")
        }
        let given = opset >= 20 ? (optionalInput(2) == nil ? -2 : try constantInt(2, role: "axis"))
                                : try int("axis", default: 1)
        let axis = given < 0 ? given + rank : given
        guard axis >= 0 && axis < rank - 1 else { throw invalid("axis \(given) is out of range for \(x.shape)") }
        let inverse = try int("inverse", default: 0) != 0, onesided = try int("onesided", default: 0) != 0
        let extent = x.shape[axis]
        let length = optionalInput(1) == nil ? (inverse && onesided ? 2 * (extent - 1) : extent)
                                              : try constantInt(1, role: "dft_length")
        guard length >= 1 else { throw invalid("DFT length \(length) is not positive") }
        var shape = x.shape
        (shape[axis], shape[rank - 1]) = FourierTransform.outputLayout(length: length, inverse: inverse,
                                                                       onesided: onesided)
        try checkOutput(0, .float32, shape)  // before a plan for `length` is made
        let transform = FourierTransform(length: length, complexInput: x.shape[rank - 1] == 2, inverse: inverse,
                                         onesided: onesided)
        let op = Op.dft(transform, outer: x.shape[..<axis].reduce(1, *), axisLength: extent,
                        inner: x.shape[(axis + 1)..<(rank - 1)].reduce(1, *))
        return LoweredNode(op, inputs: [0], output: (.float32, shape))
    }

    /// ONNX `STFT` with a constant `frame_step` and `frame_length` (default: the window's length). A real signal
    /// may also be `[batch, length]`, as PyTorch's exporter writes it and ONNX Runtime accepts.
    func lowerSTFT() throws -> LoweredNode {
        let signal = try input(0)
        let components = signal.shape.count == 3 ? signal.shape[2] : 1
        guard signal.dataType == .float32, signal.shape.count == 2 || signal.shape.count == 3,
              components == 1 || components == 2 else {
            throw invalid("signal must be float [batch, length, 1 or 2] or [batch, length], got \(signal.dataType) \(signal.shape)")
        }
        let step = try constantInt(1, role: "frame_step")
        guard step >= 1 else { throw invalid("frame_step \(step) is not positive") }
        let window = optionalInput(2)
        if let window, window.dataType != .float32 || window.shape.count != 1 {
            throw invalid("window must be float [frame_length], got \(window.dataType) \(window.shape)")
        }
        let frameLength = optionalInput(3) == nil ? window?.shape[0] : try constantInt(3, role: "frame_length")
        guard let frameLength else { throw invalid("needs a window or a frame_length") }
        if let window, window.shape[0] != frameLength {
            throw invalid("window of \(window.shape[0]) values does not match frame_length \(frameLength)")
        }
        let length = signal.shape[1]
        guard frameLength >= 1 && frameLength <= length else {
            throw invalid("frame_length \(frameLength) does not fit a signal of \(length) samples")
        }
        let transform = FourierTransform(length: frameLength, complexInput: components == 2, inverse: false,
                                         onesided: try int("onesided", default: 1) != 0)
        let frames = 1 + (length - frameLength) / step
        let op = Op.stft(transform, batch: signal.shape[0], length: length, step: step, frames: frames)
        return LoweredNode(op, inputs: window == nil ? [0] : [0, 2],
                           output: (.float32, [signal.shape[0], frames, transform.outputCount, 2]))
    }

    /// The one integer a constant input holds.
    private func constantInt(_ index: Int, role: String) throws -> Int {
        let values = try constantInts(index, role: role)
        guard values.count == 1 else { throw invalid("its \(role) must hold one value, not \(values.count)") }
        return values[0]
    }
}
