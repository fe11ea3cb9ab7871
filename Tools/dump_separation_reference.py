#!/usr/bin/env python3
"""Dump PyTorch demucs's whole-track separation of a music-like WAV: the reference for `swdemucs run`.

Writes `mix.wav` (16-bit PCM stereo at the model's rate, `--seconds` long, or `--channels 1` for mono) and
`stems.npy` (S, 2, T) float32: exactly what demucs 4.0.1's `separate.py` computes before saving — the mix read
as float (int16 / 32768), normalised by the mono mix's mean and (unbiased) std, `apply_model(model, mix,
shifts, split=True, overlap)` with Python's `random` seeded by `--shift-seed` (so the shift offsets are reproducible),
and the normalisation undone. For a bag, every member runs, as `apply_model` does with a `BagOfModels`
(each member draws its own shift offsets from the same `random` stream, in bag order). With `--bundle`, the
rebuilt weights must hash to what the exporter recorded in that bundle's swdemucs.json. Prints the wall time
of the PyTorch separation.

    python Tools/dump_separation_reference.py --random-init --arch htdemucs --seed 0 \\
        --bundle Weights/htdemucs-random-seed0 \\
        --seconds 30 --shifts 0 --out Weights/htdemucs-random-seed0/separation-30s
"""

import argparse
import random
import sys
import time
import wave
from pathlib import Path

import numpy as np
import torch
from demucs.apply import BagOfModels, apply_model
from demucs.audio import convert_audio_channels

from swdemucs_tools import model_source
from swdemucs_tools.bundle import save_npy, verify_against_bundle
from swdemucs_tools.signals import music_like


def write_pcm16(path: Path, audio: np.ndarray, samplerate: int) -> np.ndarray:
    """Write (C, T) float audio as 16-bit PCM; return the float samples a reader gets back (int / 32768)."""
    pcm = np.clip(np.round(audio * 32767), -32768, 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(audio.shape[0])
        out.setsampwidth(2)
        out.setframerate(samplerate)
        out.writeframes(pcm.T.tobytes())
    return pcm.astype(np.float32) / 32768


def separate(model, wav: torch.Tensor, shifts: int, overlap: float, seed: int) -> torch.Tensor:
    """demucs/separate.py's main loop body for one track (before saving)."""
    ref = wav.mean(0)
    wav = wav - ref.mean()
    wav = wav / ref.std()
    random.seed(seed)
    with torch.no_grad():
        sources = apply_model(model, wav[None], shifts=shifts, split=True, overlap=overlap, progress=False)[0]
    sources = sources * ref.std()
    sources = sources + ref.mean()
    return sources


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    model_source.add_arguments(parser)
    parser.add_argument("--out", type=Path, required=True, help="folder for mix.wav and stems.npy")
    parser.add_argument("--seconds", type=float, default=30.0, help="length of the mix (default 30)")
    parser.add_argument("--channels", type=int, default=2, help="channels of mix.wav (default 2)")
    parser.add_argument("--shifts", type=int, default=0, help="demucs --shifts (default 0)")
    parser.add_argument("--overlap", type=float, default=0.25, help="demucs --overlap (default 0.25)")
    parser.add_argument("--shift-seed", type=int, default=0, help="Python random.seed before apply_model")
    parser.add_argument("--signal-seed", type=int, default=1, help="seed of the music-like mix (default 1)")
    parser.add_argument("--bundle", type=Path, help="bundle whose recorded weight hashes must match")
    args = parser.parse_args()
    torch.set_num_threads(2)
    try:
        source = model_source.load(args)
    except model_source.ModelSourceError as error:
        print(f"dump_separation_reference.py: {error}", file=sys.stderr)
        return 1
    if args.bundle:
        try:
            verify_against_bundle(source, args.bundle)
        except (OSError, KeyError, RuntimeError) as error:
            print(f"dump_separation_reference.py: {error}", file=sys.stderr)
            return 1
    for model in source.models:
        model.segment = float(model.segment)  # any Fraction → float, as in the export
    model = source.models[0] if len(source.models) == 1 else BagOfModels(source.models, source.weights)

    samples = int(round(args.seconds * source.samplerate))
    mix = music_like(samples, source.samplerate, args.signal_seed)
    if args.channels == 1:
        mix = mix.mean(axis=0, keepdims=True)
    elif args.channels != 2:
        parser.error("--channels must be 1 or 2")
    args.out.mkdir(parents=True, exist_ok=True)
    as_read = write_pcm16(args.out / "mix.wav", mix, source.samplerate)
    wav = convert_audio_channels(torch.from_numpy(as_read), source.audio_channels)
    start = time.perf_counter()
    stems = separate(model, wav, args.shifts, args.overlap, args.shift_seed)
    elapsed = time.perf_counter() - start
    save_npy(args.out / "stems.npy", stems.numpy().astype(np.float32))
    print(f"wrote {args.out}: mix {tuple(as_read.shape)}, stems {tuple(stems.shape)}, shifts {args.shifts}, "
          f"seed {args.shift_seed}, peak {stems.abs().max():.4f}")
    print(f"PyTorch separation wall time: {elapsed:.2f} s for {args.seconds:g} s of audio "
          f"({len(source.models)} model(s), {torch.get_num_threads()} threads)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
