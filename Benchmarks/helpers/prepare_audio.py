#!/usr/bin/env python3
"""Make a benchmark input: an excerpt of an audio file, or the file looped to a length, as 44.1 kHz float WAV.

    prepare_audio.py IN.flac OUT.wav [--start S] [--seconds D | --loop-to D] [--rate 44100]

Reads IN with soundfile; resamples with `julius.resample_frac` (what demucs's `convert_audio` uses) when IN's rate
differs; writes 32-bit float WAV, so swdemucs and PyTorch demucs read identical samples and neither resamples.
"""

import argparse
import sys
from pathlib import Path

import numpy as np
import soundfile


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("input", type=Path)
    parser.add_argument("output", type=Path)
    parser.add_argument("--start", type=float, default=0.0, help="excerpt start in seconds")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--seconds", type=float, help="excerpt length (default: to the end)")
    group.add_argument("--loop-to", type=float, help="repeat the whole file until this many seconds")
    parser.add_argument("--rate", type=int, default=44100)
    args = parser.parse_args()

    audio, rate = soundfile.read(str(args.input), dtype="float32", always_2d=True)  # (frames, channels)
    if args.loop_to is None:
        first = int(round(args.start * rate))
        last = len(audio) if args.seconds is None else first + int(round(args.seconds * rate))
        if first >= len(audio) or last > len(audio):
            raise SystemExit(f"{args.input} is {len(audio) / rate:.1f} s; cannot cut {args.start}+{args.seconds} s")
        audio = audio[first:last]
    if rate != args.rate:
        import julius
        import torch
        audio = julius.resample_frac(torch.from_numpy(np.ascontiguousarray(audio.T)), rate, args.rate).numpy().T
    if args.loop_to is not None:
        frames = int(round(args.loop_to * args.rate))
        audio = np.concatenate([audio] * (frames // len(audio) + 1))[:frames]
    args.output.parent.mkdir(parents=True, exist_ok=True)
    temporary = args.output.with_suffix(".partial.wav")
    soundfile.write(str(temporary), audio, args.rate, subtype="FLOAT")
    temporary.rename(args.output)
    print(f"wrote {args.output}: {len(audio) / args.rate:.2f} s, {audio.shape[1]} channels, {args.rate} Hz float32")
    return 0


if __name__ == "__main__":
    sys.exit(main())
