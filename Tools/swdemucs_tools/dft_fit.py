"""Recognise a tensor as a windowed DFT basis: `basis[k, 0, n] = scale[k] · hann[n] · trig(2πkn/N)`."""

from dataclasses import dataclass

import numpy as np

from .dft import dft_angles, hann_window

# Largest deviation accepted, relative to the tensor's peak; float32 rounding alone gives ~6e-8.
TOLERANCE = 1e-6


@dataclass
class DftBasis:
    """What a basis tensor of shape `(bins, 1, n_fft)` was found to be."""

    kind: str  # "cos" or "sin"
    bins: int
    n_fft: int
    scale: np.ndarray  # per-bin factor, float64, shape (bins,)
    deviation: float  # max |tensor − fit| / max |tensor|

    @property
    def uniform_scale(self) -> float | None:
        """The common factor when every bin has the same one, else None."""
        spread = self.scale.max() - self.scale.min()
        return float(np.median(self.scale)) if spread <= 1e-6 * np.abs(self.scale).max() else None


def fit_dft_basis(tensor: np.ndarray, min_size: int = 64) -> DftBasis | None:
    """Return the basis `tensor` is (within `TOLERANCE`), or None if it is none."""
    if tensor.ndim != 3 or tensor.shape[1] != 1 or tensor.dtype != np.float32:
        return None
    bins, _, n_fft = tensor.shape
    if n_fft < min_size or n_fft % 2 or bins > n_fft // 2 + 1:
        return None
    rows = tensor[:, 0, :].astype(np.float64)
    peak = np.abs(rows).max()
    if peak == 0:
        return None
    window = hann_window(n_fft)
    angles = dft_angles(bins, n_fft)
    for kind, trig in (("cos", np.cos), ("sin", np.sin)):
        template = window * trig(angles)
        energy = np.sum(template ** 2, axis=1)
        live = np.flatnonzero(energy > 1e-9 * energy.max())  # sin rows 0 and N/2 are all zero
        scale = np.sum(rows[live] * template[live], axis=1) / energy[live]
        scale = np.interp(np.arange(bins), live, scale)  # a zero row takes its neighbour's factor
        deviation = np.abs(rows - scale[:, None] * template).max() / peak
        if deviation <= TOLERANCE:
            return DftBasis(kind, bins, n_fft, scale, float(deviation))
    return None
