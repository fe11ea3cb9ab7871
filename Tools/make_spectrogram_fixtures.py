"""Writes demucs's own spectrogram of a small signal, for the Swift port's tests (`Sources/Demucs/Spectrogram.swift`).

Files in Tests/Fixtures/spectrogram/ (float32 `.npy`, n_fft 256, hop 64, a length that is not a whole number of hops):

* `input.npy` (1, 2, 3001): a stereo music-like signal;
* `spec.npy` (1, 4, 128, 47): `HTDemucs._magnitude(HTDemucs._spec(input))` with `cac`, channels
  [L.re, L.im, R.re, R.im];
* `mask.npy` (1, 2, 4, 128, 47): a random complex-as-channels spectrum of 2 sources, as the spectral branch gives;
* `ispec.npy` (1, 2, 2, 3001): `HTDemucs._ispec(HTDemucs._mask(None, mask), 3001)`.

The `HTDemucs` methods run unbound on a stand-in holding the few attributes they read, so no model is built.

    python Tools/make_spectrogram_fixtures.py [--out Tests/Fixtures/spectrogram]
"""
from __future__ import annotations

import argparse
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import torch
from demucs.htdemucs import HTDemucs

from swdemucs_tools.signals import music_like

N_FFT, LENGTH, SOURCES = 256, 3001, 2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path,
                        default=Path(__file__).resolve().parent.parent / "Tests/Fixtures/spectrogram")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    torch.set_num_threads(1)
    model = SimpleNamespace(nfft=N_FFT, hop_length=N_FFT // 4, cac=True, wiener_iters=0, training=False)
    mix = torch.from_numpy(np.ascontiguousarray(music_like(LENGTH, 44100, seed=0)[None], dtype=np.float32))
    spec = HTDemucs._magnitude(model, HTDemucs._spec(model, mix))
    mask = torch.from_numpy(np.random.default_rng(0).standard_normal((1, SOURCES, *spec.shape[1:]))
                            .astype(np.float32))
    ispec = HTDemucs._ispec(model, HTDemucs._mask(model, None, mask), LENGTH)
    for name, value in [("input", mix), ("spec", spec), ("mask", mask), ("ispec", ispec)]:
        np.save(args.out / f"{name}.npy", np.ascontiguousarray(value.numpy(), dtype=np.float32))
    print(f"wrote input {tuple(mix.shape)}, spec {tuple(spec.shape)}, mask {tuple(mask.shape)}, "
          f"ispec {tuple(ispec.shape)} to {args.out}")


if __name__ == "__main__":
    main()
