#!/usr/bin/env python3
"""Export an HT-Demucs model (or bag of models) to an swdemucs bundle: ONNX file(s) + swdemucs.json.

Each model is patched for export (see swdemucs_tools/patches.py). Before anything is written, the
patched and the unpatched model run on the same music-like input and must agree; the model is then
traced with the legacy exporter at opset 17 (input "mix" (1, C, T), output "stems" (1, S, C, T)),
checked with onnx.checker and run in ONNX Runtime against the unpatched PyTorch output. A file is
only moved into place once all its checks pass.

`--style` (see "Export styles" in Tools/README.md): conv-stft (the default, as above), stft-op
(`_spec` in the graph as the ONNX STFT operator; outputs the branch outputs "x" and "xt") or
external-stft (inputs "mix" and the spectrogram "z"; outputs "x" and "xt"). For the last two the
outside steps (demucs's `_mask`, `_ispec`, `xt + x`) run in PyTorch on the graph's outputs, and the
resulting stems are what is compared with the unpatched `HTDemucs.forward`.
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
from swdemucs_tools.parity import check, max_abs_diff, ort_forward, ort_run, relative_l2, torch_forward
from swdemucs_tools.patches import patched_for_export
from swdemucs_tools.signals import music_like
from swdemucs_tools.styles import (DEFAULT_STYLE, STYLES, ExternalStftBranches, StftOpBranches,
                                   check_branch_outputs, compose_stems, io_description)


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


def set_output_shapes(path: Path, shapes: list[tuple[int, ...]]) -> None:
    """`set_output_shape` for every graph output, in order."""
    model = onnx.load(str(path))
    for output, shape in zip(model.graph.output, shapes, strict=True):
        dims = output.type.tensor_type.shape.dim
        del dims[:]
        for size in shape:
            dims.add().dim_value = size
    onnx.save(model, str(path))


def check_rel_l2(label: str, value: float, tolerance: float) -> None:
    """Print the relative L2 figure; raise if it exceeds the tolerance."""
    verdict = "ok" if value <= tolerance else "FAIL"
    print(f"  {label}: relative L2 {value:.3e} (tolerance {tolerance:.0e}) {verdict}", flush=True)
    if value > tolerance:
        raise RuntimeError(f"{label}: relative L2 {value:.3e} exceeds {tolerance:.0e}")


def export_branches(model: HTDemucs, path: Path, mix: np.ndarray, style: str, patch_tolerance: float,
                    ort_tolerance: float, rel_l2_tolerance: float,
                    ort_rel_l2_tolerance: float) -> dict[str, float]:
    """Export the stft-op or external-stft graph (outputs "x", "xt") of one model and check it.

    The branch outputs must reproduce the unpatched forward bit for bit once demucs's own `_mask`,
    `_ispec` and sum are applied (`check_branch_outputs`); the patched PyTorch graph and then ONNX
    Runtime, each followed by those outside steps, must give the unpatched stems.
    """
    mix_t = torch.from_numpy(mix)
    stems, z, x, xt = check_branch_outputs(model, mix_t)
    reference = stems.numpy()
    peak = float(np.abs(reference).max())
    print("  branch outputs + _mask/_ispec/sum reproduce HTDemucs.forward bit for bit", flush=True)
    patched = patched_for_export(model, style)
    wrapper = StftOpBranches(patched) if style == "stft-op" else ExternalStftBranches(patched)
    inputs = (mix_t,) if style == "stft-op" else (mix_t, z)
    names = ["mix"] if style == "stft-op" else ["mix", "z"]
    with torch.no_grad():
        patched_x, patched_xt = wrapper(*inputs)
        patched_stems = compose_stems(model, patched_x, patched_xt).numpy()
    patch_diff = max_abs_diff(patched_stems, reference)
    patch_rel = relative_l2(patched_stems, reference)
    check("patched (then _mask/_ispec/sum) vs unpatched PyTorch", patch_diff, peak, patch_tolerance)
    check_rel_l2("patched vs unpatched PyTorch", patch_rel, rel_l2_tolerance)

    partial = path.with_name(path.name + ".partial")
    try:
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore", torch.jit.TracerWarning)
            warnings.filterwarnings("ignore", message="Constant folding - Only steps=1")
            torch.onnx.export(wrapper, inputs, str(partial), input_names=names,
                              output_names=["x", "xt"], opset_version=OPSET,
                              do_constant_folding=True, dynamo=False)
        set_output_shapes(partial, [tuple(x.shape), tuple(xt.shape)])
        onnx.checker.check_model(str(partial))
        feeds = dict(zip(names, (t.numpy() for t in inputs), strict=True))
        ort_x, ort_xt = ort_run(partial, feeds)
        x_diff, xt_diff = max_abs_diff(ort_x, x.numpy()), max_abs_diff(ort_xt, xt.numpy())
        print(f"  ONNX Runtime vs unpatched PyTorch: x max abs diff {x_diff:.3e} "
              f"(peak {float(x.abs().max()):.3f}), xt {xt_diff:.3e} (peak {float(xt.abs().max()):.3f})")
        with torch.no_grad():
            ort_stems = compose_stems(model, torch.from_numpy(ort_x), torch.from_numpy(ort_xt)).numpy()
        ort_diff, ort_rel = max_abs_diff(ort_stems, reference), relative_l2(ort_stems, reference)
        check("ONNX Runtime (then _mask/_ispec/sum) vs unpatched PyTorch", ort_diff, peak, ort_tolerance)
        check_rel_l2("ONNX Runtime vs unpatched PyTorch", ort_rel, ort_rel_l2_tolerance)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    print(f"  wrote {path} ({path.stat().st_size / 2**20:.1f} MiB)")
    return {"patched_vs_pytorch": patch_diff, "onnxruntime_vs_pytorch": ort_diff,
            "patched_rel_l2": patch_rel, "onnxruntime_rel_l2": ort_rel, "onnxruntime_x_vs_pytorch": x_diff,
            "onnxruntime_xt_vs_pytorch": xt_diff}


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
    parser.add_argument("--style", choices=STYLES, default=DEFAULT_STYLE,
                        help="where the STFT/iSTFT live (default conv-stft; see Tools/README.md)")
    parser.add_argument("--rel-l2-tolerance", type=float, default=1e-4,
                        help="relative L2 error of the stems allowed between patched and unpatched "
                             "PyTorch (stft-op / external-stft only; default 1e-4)")
    parser.add_argument("--ort-rel-l2-tolerance", type=float, default=1e-3,
                        help="relative L2 error of the stems allowed for ONNX Runtime (stft-op / "
                             "external-stft only; default 1e-3: ONNX Runtime 1.31 itself is at 1.03e-4 "
                             "on random-init htdemucs in every style, conv-stft included)")
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
          f"segment {source.segment_samples} samples"
          + ("" if args.style == DEFAULT_STYLE else f"; style {args.style}"))

    hashes, parities = [], []
    for model, file in zip(source.models, files, strict=True):
        count = sum(p.numel() for p in model.parameters())
        print(f"{file}: {count:,} parameters", flush=True)
        try:
            if args.style == DEFAULT_STYLE:
                parities.append(export_model(model, args.out / file, mix,
                                             args.patch_tolerance, args.ort_tolerance))
            else:
                parities.append(export_branches(model, args.out / file, mix, args.style,
                                                args.patch_tolerance, args.ort_tolerance,
                                                args.rel_l2_tolerance, args.ort_rel_l2_tolerance))
        except (RuntimeError, ValueError) as error:
            print(f"export_onnx.py: {file}: {error}", file=sys.stderr)
            return 1
        hashes.append(model_source.state_sha256(model))
        if args.save_checkpoint:
            save_checkpoint(model, args.out / Path(file).with_suffix(".th"))

    exporter = {"tool": "swdemucs Tools/export_onnx.py", "check_signal_seed": args.signal_seed,
                "parity": parities} | versions("torch", "demucs", "onnx", "onnxruntime", "numpy")
    graph = None if args.style == DEFAULT_STYLE else io_description(source.first, args.style)
    print(f"wrote {write_metadata(args.out, source, files, exporter, hashes, args.style, graph)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
