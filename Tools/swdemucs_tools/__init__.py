"""Python side of swdemucs: build HT-Demucs models, export them to ONNX, dump references."""
