"""Windowed DFT bases and the overlap-added window envelope, computed in float64.

The bases reproduce `torch.stft` / `torch.istft` with a periodic Hann window, `win_length ==
n_fft` and `normalized=True` (both directions scaled by 1/sqrt(n_fft)). Angles use the exact
integer `(k * n) mod n_fft`, so every entry is as accurate as float64 allows.
"""

import numpy as np


def hann_window(n_fft: int) -> np.ndarray:
    """Periodic Hann window of `n_fft` points, like `torch.hann_window(n_fft)`."""
    n = np.arange(n_fft)
    return 0.5 - 0.5 * np.cos(2.0 * np.pi * n / n_fft)


def dft_angles(bins: int, n_fft: int) -> np.ndarray:
    """`2π ((k n) mod n_fft) / n_fft` for `k < bins`, `n < n_fft`, shape `(bins, n_fft)`."""
    k = np.arange(bins, dtype=np.int64)[:, None]
    n = np.arange(n_fft, dtype=np.int64)[None, :]
    return 2.0 * np.pi * ((k * n) % n_fft) / n_fft


def analysis_bases(bins: int, n_fft: int) -> tuple[np.ndarray, np.ndarray]:
    """STFT bases `(real, imag)`, each `(bins, n_fft)`: `X[k] = Σ_n x[n] basis[k, n]`."""
    window = hann_window(n_fft) / np.sqrt(n_fft)
    angles = dft_angles(bins, n_fft)
    return window * np.cos(angles), -window * np.sin(angles)


def synthesis_bases(bins: int, n_fft: int) -> tuple[np.ndarray, np.ndarray]:
    """Windowed one-sided inverse-DFT bases `(real, imag)`, each `(bins, n_fft)`.

    A frame is `Σ_k Re[k] real[k, n] + Im[k] imag[k, n]`: the irfft of the one-sided spectrum
    (bins `1 ≤ k < n_fft/2` count twice, DC once, the imaginary part of DC drops out), scaled by
    `sqrt(n_fft)` for `normalized=True` and multiplied by the window. The Nyquist bin is left out
    (`bins <= n_fft // 2`): HTDemucs always feeds it zeros.
    """
    if bins > n_fft // 2:
        raise ValueError(f"synthesis bases exclude the Nyquist bin: bins {bins} > {n_fft // 2}")
    weight = np.full((bins, 1), 2.0)
    weight[0] = 1.0
    window = hann_window(n_fft) / np.sqrt(n_fft)
    angles = dft_angles(bins, n_fft)
    return weight * window * np.cos(angles), -weight * window * np.sin(angles)


def overlap_envelope(n_fft: int, hop: int, frames: int, start: int, length: int) -> np.ndarray:
    """Σ_f window²[p − f·hop] over `frames` frames, for output positions `start ≤ p < start+length`.

    This is the denominator `torch.istft` divides the overlap-added frames by.
    """
    squared = hann_window(n_fft) ** 2
    total = np.zeros((frames - 1) * hop + n_fft)
    for frame in range(frames):
        total[frame * hop: frame * hop + n_fft] += squared
    if start + length > total.size:
        raise ValueError(f"envelope window [{start}, {start + length}) exceeds {total.size} samples")
    return total[start: start + length]
