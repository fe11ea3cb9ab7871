#!/usr/bin/env python3
"""Resample a WAV to another rate and write it as 16-bit PCM (same channels), e.g. a 48 kHz input for `swdemucs run`.

    python Tools/resample_wav.py IN.wav OUT.wav --rate 48000

Uses julius.resample_frac (windowed-sinc, the resampler demucs itself depends on; float64, zero-padded
ends), then rounds to 16-bit with clipping. Deterministic.
"""

import argparse
import sys
from pathlib import Path

import julius
import torch

from compare_stems import WavError, read_wav
from dump_separation_reference import write_pcm16


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, metavar="IN.wav")
    parser.add_argument("target", type=Path, metavar="OUT.wav")
    parser.add_argument("--rate", type=int, required=True, help="target sample rate in Hz")
    args = parser.parse_args()
    torch.set_num_threads(2)
    try:
        wav = read_wav(args.source)
    except (OSError, WavError) as error:
        print(f"resample_wav.py: {error}", file=sys.stderr)
        return 1
    audio = julius.resample_frac(torch.from_numpy(wav.audio), wav.samplerate, args.rate).numpy()
    args.target.parent.mkdir(parents=True, exist_ok=True)
    write_pcm16(args.target, audio, args.rate)
    print(f"wrote {args.target}: {wav.samplerate} Hz -> {args.rate} Hz, {audio.shape[0]} channel(s), "
          f"{audio.shape[1]} frames ({audio.shape[1] / args.rate:.3f} s), peak {abs(audio).max():.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
