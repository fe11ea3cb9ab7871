#!/usr/bin/env python3
"""Export a model with the PyPI package demucs-onnx (demucs_onnx.export) into an swdemucs bundle.

The third-party exporter applies the same four patches as ours, but builds its iSTFT window
envelope with a Python loop that the tracer unrolls (thousands of Slice/ScatterND nodes on
float64) and stores the DFT bases as Constant nodes. Its file is kept exactly as it writes it;
we add swdemucs.json and check it in ONNX Runtime against the unpatched PyTorch model on the
same music-like input as export_onnx.py. demucs-onnx 0.3.4 hard-codes n_fft 4096.
"""

import argparse
import sys
import tempfile
from importlib import metadata
from pathlib import Path

import torch
from demucs.htdemucs import HTDemucs
from demucs_onnx.export import export_to_onnx

from swdemucs_tools import model_source
from swdemucs_tools.bundle import model_file_names, versions, write_metadata
from swdemucs_tools.parity import check, max_abs_diff, ort_forward, torch_forward
from swdemucs_tools.signals import music_like


def export_model(model: HTDemucs, path: Path, work: Path) -> None:
    """Hand `model` to demucs_onnx.export.export_to_onnx (it runs its own parity checks)."""
    if model.nfft != 4096:
        raise RuntimeError(f"demucs-onnx only exports n_fft 4096, this model has {model.nfft}")
    pickled = work / "model.pt"  # export_to_onnx loads a pickled model object from a path
    torch.save(model, pickled)
    export_to_onnx(pickled, path, opset=17, sample_rate=int(model.samplerate),
                   segment_seconds=float(model.segment))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    model_source.add_arguments(parser)
    parser.add_argument("--out", type=Path, required=True, help="bundle folder to write")
    parser.add_argument("--signal-seed", type=int, default=0,
                        help="seed of the music-like check input (default 0)")
    parser.add_argument("--ort-tolerance", type=float, default=1e-3,
                        help="max abs diff allowed between ONNX Runtime and PyTorch (default 1e-3)")
    args = parser.parse_args()
    torch.set_num_threads(2)

    try:
        source = model_source.load(args)
    except model_source.ModelSourceError as error:
        print(f"export_demucs_onnx.py: {error}", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    mix = music_like(source.segment_samples, source.samplerate, args.signal_seed)[None]
    files = model_file_names(len(source.models))
    hashes, parities = [], []
    for model, file in zip(source.models, files, strict=True):
        path = args.out / file
        try:
            with tempfile.TemporaryDirectory() as work:
                export_model(model, path, Path(work))
            reference = torch_forward(model, mix)
            diff = max_abs_diff(ort_forward(path, mix), reference)
            check("ONNX Runtime vs unpatched PyTorch", diff, float(abs(reference).max()),
                  args.ort_tolerance)
        except (RuntimeError, AssertionError) as error:
            path.unlink(missing_ok=True)
            print(f"export_demucs_onnx.py: {file}: {error}", file=sys.stderr)
            return 1
        parities.append({"onnxruntime_vs_pytorch": diff})
        hashes.append(model_source.state_sha256(model))

    exporter = ({"tool": f"demucs-onnx {metadata.version('demucs-onnx')} "
                         "(demucs_onnx.export.export_to_onnx)",
                 "check_signal_seed": args.signal_seed, "parity": parities}
                | versions("torch", "demucs", "onnx", "onnxruntime", "numpy"))
    print(f"wrote {write_metadata(args.out, source, files, exporter, hashes)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
