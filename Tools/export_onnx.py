#!/usr/bin/env python3
"""Export an HT-Demucs model (or bag of models) to an swdemucs bundle: ONNX file(s) + swdemucs.json.

Each model is patched for export (see swdemucs_tools/patches.py). Before anything is written, the
patched and the unpatched model run on the same music-like input and must agree; the model is then
traced with the legacy exporter at opset 17 (input "mix" (1, C, T), output "stems" (1, S, C, T)),
checked with onnx.checker and run in ONNX Runtime against the unpatched PyTorch output. A file is
only moved into place once all its checks pass.
"""

import argparse
import sys
import warnings
from pathlib import Path

import numpy as np
import onnx
import torch
from demucs.htdemucs import HTDemucs
from demucs.states import serialize_model
from omegaconf import OmegaConf

from swdemucs_tools import model_source
from swdemucs_tools.bundle import OPSET, model_file_names, versions, write_metadata
from swdemucs_tools.parity import check, max_abs_diff, ort_forward, torch_forward
from swdemucs_tools.patches import patched_for_export
from swdemucs_tools.signals import music_like


def set_output_shape(path: Path, shape: tuple[int, ...]) -> None:
    """Replace the tracer's symbolic output dims (e.g. "Addstems_dim_0") with the static shape."""
    model = onnx.load(str(path))
    dims = model.graph.output[0].type.tensor_type.shape.dim
    del dims[:]
    for size in shape:
        dims.add().dim_value = size
    onnx.save(model, str(path))


def export_model(model: HTDemucs, path: Path, mix: np.ndarray,
                 patch_tolerance: float, ort_tolerance: float) -> dict[str, float]:
    """Check, export and re-check one model; returns the measured max abs differences."""
    reference = torch_forward(model, mix)
    peak = float(np.abs(reference).max())
    patched = patched_for_export(model)
    patch_diff = max_abs_diff(torch_forward(patched, mix), reference)
    check("patched vs unpatched PyTorch", patch_diff, peak, patch_tolerance)

    partial = path.with_name(path.name + ".partial")
    try:
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore", torch.jit.TracerWarning)
            warnings.filterwarnings("ignore", message="Constant folding - Only steps=1")
            torch.onnx.export(patched, (torch.from_numpy(mix),), str(partial),
                              input_names=["mix"], output_names=["stems"], opset_version=OPSET,
                              do_constant_folding=True, dynamo=False)
        set_output_shape(partial, reference.shape)
        onnx.checker.check_model(str(partial))
        ort_diff = max_abs_diff(ort_forward(partial, mix), reference)
        check("ONNX Runtime vs unpatched PyTorch", ort_diff, peak, ort_tolerance)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    print(f"  wrote {path} ({path.stat().st_size / 2**20:.1f} MiB)")
    return {"patched_vs_pytorch": patch_diff, "onnxruntime_vs_pytorch": ort_diff}


def save_checkpoint(model: HTDemucs, path: Path) -> None:
    """Write `model` as a float32 demucs checkpoint that `--checkpoint` (demucs.states.load_model) reads."""
    torch.save(serialize_model(model, OmegaConf.create({}), half=False), path)
    print(f"  wrote {path}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    model_source.add_arguments(parser)
    parser.add_argument("--out", type=Path, required=True, help="bundle folder to write")
    parser.add_argument("--signal-seed", type=int, default=0,
                        help="seed of the music-like check input (default 0)")
    parser.add_argument("--patch-tolerance", type=float, default=1e-4,
                        help="max abs diff allowed between patched and unpatched PyTorch (default 1e-4)")
    parser.add_argument("--ort-tolerance", type=float, default=1e-3,
                        help="max abs diff allowed between ONNX Runtime and PyTorch (default 1e-3)")
    parser.add_argument("--save-checkpoint", action="store_true",
                        help="also save each model as a demucs checkpoint (model*.th) in the bundle")
    args = parser.parse_args()
    torch.set_num_threads(2)

    try:
        source = model_source.load(args)
    except model_source.ModelSourceError as error:
        print(f"export_onnx.py: {error}", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    mix = music_like(source.segment_samples, source.samplerate, args.signal_seed)[None]
    files = model_file_names(len(source.models))
    print(f"{source.name}: {source.origin}; sources {source.sources}, "
          f"segment {source.segment_samples} samples")

    hashes, parities = [], []
    for model, file in zip(source.models, files, strict=True):
        count = sum(p.numel() for p in model.parameters())
        print(f"{file}: {count:,} parameters", flush=True)
        try:
            parities.append(export_model(model, args.out / file, mix,
                                         args.patch_tolerance, args.ort_tolerance))
        except RuntimeError as error:
            print(f"export_onnx.py: {file}: {error}", file=sys.stderr)
            return 1
        hashes.append(model_source.state_sha256(model))
        if args.save_checkpoint:
            save_checkpoint(model, args.out / Path(file).with_suffix(".th"))

    exporter = {"tool": "swdemucs Tools/export_onnx.py", "check_signal_seed": args.signal_seed,
                "parity": parities} | versions("torch", "demucs", "onnx", "onnxruntime", "numpy")
    print(f"wrote {write_metadata(args.out, source, files, exporter, hashes)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
