#!/usr/bin/env python3
"""Dump a PyTorch reference for a model: a music-like input and the unpatched HTDemucs output.

Writes `input.npy` (1, C, T) and `output.npy` (1, S, C, T), float32, T = the model's segment.
For a bag, `output.npy` is the bag's weighted average (as demucs.apply.apply_model combines
sub-models) and `output_model<i>.npy` holds each sub-model's own output. With `--bundle`, the
rebuilt weights must hash to what the exporter recorded in that bundle's swdemucs.json.

For the stft-op and external-stft styles (`--style`, or the style the `--bundle` records) it also
writes what the graph must output, `outputs_x.npy` (1, S, 2C, nfft/2, frames) and `outputs_xt.npy`
(1, S, C, T), and for external-stft its second input `input_z.npy` (1, 2C, nfft/2, frames): the
unpatched model's `_magnitude(_spec(mix))`. They are checked to reproduce `output.npy` bit for bit
through demucs's own `_mask`, `_ispec` and `xt + x` (swdemucs_tools/styles.py). For a bag they are
written per model (`outputs_x_model<i>.npy` …).
"""

import argparse
import sys
from pathlib import Path

import numpy as np
import torch

from swdemucs_tools import model_source
from swdemucs_tools.bundle import read_metadata, save_npy, verify_against_bundle
from swdemucs_tools.parity import torch_forward
from swdemucs_tools.signals import music_like
from swdemucs_tools.styles import DEFAULT_STYLE, STYLES, check_branch_outputs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    model_source.add_arguments(parser)
    parser.add_argument("--out", type=Path, required=True, help="folder for input.npy / output.npy")
    parser.add_argument("--signal-seed", type=int, default=0, help="seed of the input signal (default 0)")
    parser.add_argument("--bundle", type=Path, help="bundle whose recorded weight hashes must match")
    parser.add_argument("--style", choices=STYLES,
                        help="export style whose graph outputs to dump too (default: the bundle's, "
                             "else conv-stft)")
    args = parser.parse_args()
    torch.set_num_threads(2)

    try:
        source = model_source.load(args)
    except model_source.ModelSourceError as error:
        print(f"dump_reference.py: {error}", file=sys.stderr)
        return 1
    if args.bundle:
        try:
            verify_against_bundle(source, args.bundle)
        except (OSError, KeyError, RuntimeError) as error:
            print(f"dump_reference.py: {error}", file=sys.stderr)
            return 1

    style = args.style or (read_metadata(args.bundle).get("style", DEFAULT_STYLE) if args.bundle
                           else DEFAULT_STYLE)
    if args.bundle and args.style and args.style != read_metadata(args.bundle).get("style", DEFAULT_STYLE):
        print(f"dump_reference.py: --style {args.style} differs from the bundle's", file=sys.stderr)
        return 1

    mix = music_like(source.segment_samples, source.samplerate, args.signal_seed)[None]
    extras: dict[str, np.ndarray] = {}
    if style == DEFAULT_STYLE:
        outputs = [torch_forward(model, mix) for model in source.models]
    else:
        outputs = []
        for index, model in enumerate(source.models):
            try:
                stems, z, x, xt = check_branch_outputs(model, torch.from_numpy(mix))
            except RuntimeError as error:
                print(f"dump_reference.py: {error}", file=sys.stderr)
                return 1
            outputs.append(stems.numpy())
            suffix = "" if len(source.models) == 1 else f"_model{index}"
            if style == "external-stft":
                extras["input_z.npy"] = z.numpy()  # the same for every model of a bag
            extras[f"outputs_x{suffix}.npy"] = x.numpy()
            extras[f"outputs_xt{suffix}.npy"] = xt.numpy()
    weights = np.asarray(source.weights, dtype=np.float32)[:, None, :, None, None]  # (M, 1, S, 1, 1)
    combined = (np.stack(outputs) * weights).sum(axis=0) / weights.sum(axis=0)

    args.out.mkdir(parents=True, exist_ok=True)
    save_npy(args.out / "input.npy", mix)
    save_npy(args.out / "output.npy", combined)
    if len(outputs) > 1:
        for index, output in enumerate(outputs):
            save_npy(args.out / f"output_model{index}.npy", output)
    for name, array in extras.items():
        save_npy(args.out / name, array)
    print(f"wrote {args.out}: input {mix.shape}, output {combined.shape}, "
          f"output peak {np.abs(combined).max():.4f}"
          + "".join(f", {Path(name).stem} {array.shape}" for name, array in extras.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
