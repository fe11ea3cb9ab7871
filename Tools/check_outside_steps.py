#!/usr/bin/env python3
"""Check the written-out outside steps of the stft-op / external-stft styles against a reference.

A numpy-only (float64) implementation of the formulas in Tools/README.md, "Export styles": the
spectrogram input `z` from the mix (reflect pad, windowed DFT of the kept frames), and the stems from
the graph outputs `x`, `xt` (cac mask, iSTFT with the window envelope of the padded frames, crop, sum).
Reads `input.npy`, `outputs_x.npy`, `outputs_xt.npy`, `output.npy` and, when present, `input_z.npy`
from REFERENCE_DIR (as dump_reference.py writes them) and prints the max abs and relative L2 errors.
Exits 1 over the bounds.
"""

import argparse
import math
import sys
from pathlib import Path

import numpy as np


def hann(n_fft: int) -> np.ndarray:
    return 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(n_fft) / n_fft)


def spectrogram(mix: np.ndarray, n_fft: int) -> np.ndarray:
    """mix (C, T) → z (2C, n_fft/2, F), channels [c0.re, c0.im, c1.re, c1.im, …]."""
    hop = n_fft // 4
    channels, length = mix.shape
    frames = math.ceil(length / hop)
    pad = hop // 2 * 3
    xp = np.pad(mix.astype(np.float64), ((0, 0), (pad, pad + frames * hop - length)), mode="reflect")
    starts = np.arange(frames) * hop
    windows = xp[:, starts[:, None] + np.arange(n_fft)[None, :]] * hann(n_fft)  # (C, F, N)
    spectrum = np.fft.rfft(windows, axis=-1)[..., : n_fft // 2] / math.sqrt(n_fft)  # (C, F, Fq)
    z = np.stack([spectrum.real, spectrum.imag], axis=1)  # (C, 2, F, Fq)
    return z.transpose(0, 1, 3, 2).reshape(2 * channels, n_fft // 2, frames)


def stems(x: np.ndarray, xt: np.ndarray, n_fft: int) -> np.ndarray:
    """x (S, 2C, Fq, F), xt (S, C, T) → stems (S, C, T)."""
    hop = n_fft // 4
    sources, channels, length = xt.shape
    frames = x.shape[-1]
    pad = hop // 2 * 3
    y = x.astype(np.float64).reshape(sources, channels, 2, n_fft // 2, frames)
    spectrum = y[:, :, 0] + 1j * y[:, :, 1]  # (S, C, Fq, F)
    spectrum = np.concatenate([spectrum, np.zeros_like(spectrum[:, :, :1])], axis=2)  # + Nyquist
    frame_signals = np.fft.irfft(spectrum, n=n_fft, axis=2) * math.sqrt(n_fft)  # (S, C, N, F)
    window = hann(n_fft)
    total = (frames + 3) * hop + n_fft  # F + 4 frames g = 0 … F + 3, real frame t at g = t + 2
    numerator = np.zeros((sources, channels, total))
    envelope = np.zeros(total)
    for g in range(frames + 4):
        envelope[g * hop: g * hop + n_fft] += window ** 2
        if 2 <= g < frames + 2:
            numerator[..., g * hop: g * hop + n_fft] += window * frame_signals[..., g - 2]
    start = n_fft // 2 + pad
    return xt + numerator[..., start: start + length] / envelope[start: start + length]


def report(label: str, ours: np.ndarray, reference: np.ndarray, max_abs: float, rel_l2: float) -> bool:
    diff = float(np.abs(ours - reference).max())
    rel = float(np.linalg.norm(ours - reference) / np.linalg.norm(reference))
    ok = diff <= max_abs and rel <= rel_l2
    print(f"{label}: max abs {diff:.3e}, relative L2 {rel:.3e} {'ok' if ok else 'FAIL'}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("reference", type=Path, help="folder written by dump_reference.py")
    parser.add_argument("--n-fft", type=int, required=True, help="the model's nfft (4096, tiny 2048)")
    parser.add_argument("--max-abs", type=float, default=1e-5)
    parser.add_argument("--rel-l2", type=float, default=1e-5)
    args = parser.parse_args()
    load = lambda name: np.load(args.reference / name)  # noqa: E731
    mix, x, xt, out = load("input.npy")[0], load("outputs_x.npy")[0], load("outputs_xt.npy")[0], load("output.npy")[0]
    ok = report("stems from outputs_x / outputs_xt", stems(x, xt, args.n_fft), out, args.max_abs, args.rel_l2)
    if (args.reference / "input_z.npy").exists():
        ok &= report("z from input", spectrogram(mix, args.n_fft), load("input_z.npy")[0], args.max_abs, args.rel_l2)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
