#!/usr/bin/env python3
"""Dump a PyTorch reference for a model: a music-like input and the unpatched HTDemucs output.

Writes `input.npy` (1, C, T) and `output.npy` (1, S, C, T), float32, T = the model's segment.
For a bag, `output.npy` is the bag's weighted average (as demucs.apply.apply_model combines
sub-models) and `output_model<i>.npy` holds each sub-model's own output. With `--bundle`, the
rebuilt weights must hash to what the exporter recorded in that bundle's swdemucs.json.
"""

import argparse
import sys
from pathlib import Path

import numpy as np
import torch

from swdemucs_tools import model_source
from swdemucs_tools.bundle import save_npy, verify_against_bundle
from swdemucs_tools.parity import torch_forward
from swdemucs_tools.signals import music_like


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    model_source.add_arguments(parser)
    parser.add_argument("--out", type=Path, required=True, help="folder for input.npy / output.npy")
    parser.add_argument("--signal-seed", type=int, default=0, help="seed of the input signal (default 0)")
    parser.add_argument("--bundle", type=Path, help="bundle whose recorded weight hashes must match")
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

    mix = music_like(source.segment_samples, source.samplerate, args.signal_seed)[None]
    outputs = [torch_forward(model, mix) for model in source.models]
    weights = np.asarray(source.weights, dtype=np.float32)[:, None, :, None, None]  # (M, 1, S, 1, 1)
    combined = (np.stack(outputs) * weights).sum(axis=0) / weights.sum(axis=0)

    args.out.mkdir(parents=True, exist_ok=True)
    save_npy(args.out / "input.npy", mix)
    save_npy(args.out / "output.npy", combined)
    if len(outputs) > 1:
        for index, output in enumerate(outputs):
            save_npy(args.out / f"output_model{index}.npy", output)
    print(f"wrote {args.out}: input {mix.shape}, output {combined.shape}, "
          f"output peak {np.abs(combined).max():.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
