"""`HTDemucs._spec` / `_ispec` as real convolutions (patch (a) of the export notes).

`ConvSpec` is a `Conv1d` over the reflect-padded signal with windowed cos / −sin DFT bases;
`ConvISpec` is a `ConvTranspose1d` with the synthesis bases followed by a division by the
overlap-added squared window, held as one precomputed constant. Both keep demucs's own padding
and cropping, so they equal the originals up to float32 rounding. The spectrogram layout is
`(..., 2, freqs, frames)` with real then imaginary part, i.e. `view_as_real` moved before the
frequency axis, which is what the `cac` model expects.
"""

import math

import torch
from demucs.hdemucs import pad1d
from torch import nn
from torch.nn import functional as F

from .dft import analysis_bases, overlap_envelope, synthesis_bases


def _as_conv_weight(basis) -> torch.Tensor:
    """`(bins, n_fft)` float64 array → float32 weight `(bins, 1, n_fft)`."""
    return torch.from_numpy(basis).float().unsqueeze(1).contiguous()


class ConvSpec(nn.Module):
    """`HTDemucs._spec` for `hop == nfft // 4`: `(..., length)` → `(..., 2, nfft/2, ceil(length/hop))`."""

    def __init__(self, nfft: int) -> None:
        super().__init__()
        self.nfft = nfft
        self.hop = nfft // 4
        real, imag = analysis_bases(nfft // 2, nfft)  # _spec drops the Nyquist bin
        self.register_buffer("real_basis", _as_conv_weight(real))
        self.register_buffer("imag_basis", _as_conv_weight(imag))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        hop, nfft = self.hop, self.nfft
        frames = math.ceil(x.shape[-1] / hop)
        pad = hop // 2 * 3
        x = pad1d(x, (pad, pad + frames * hop - x.shape[-1]), mode="reflect")  # as in _spec
        *other, length = x.shape
        x = x.reshape(-1, 1, length)
        x = F.pad(x, (nfft // 2, nfft // 2), mode="reflect")  # torch.stft(center=True)
        real = F.conv1d(x, self.real_basis, stride=hop)
        imag = F.conv1d(x, self.imag_basis, stride=hop)
        z = torch.stack([real, imag], dim=1)[..., 2: 2 + frames]  # _spec keeps frames 2..le+1
        return z.reshape(*other, 2, nfft // 2, frames)


class ConvISpec(nn.Module):
    """`HTDemucs._ispec(z, length)` for one fixed `length`: `(..., 2, nfft/2, frames)` → `(..., length)`.

    demucs pads the spectrogram with a zero Nyquist bin and two zero frames on each side, runs
    `torch.istft(center=True, length=le)` and keeps `[pad, pad + length)`. Zero bins and frames add
    nothing to the overlap-added signal, so the transposed convolution runs on the real frames only;
    the padded frames still count in the window envelope, which is precomputed for `length`.
    """

    def __init__(self, nfft: int, length: int) -> None:
        super().__init__()
        self.nfft = nfft
        self.hop = nfft // 4
        self.length = length
        real, imag = synthesis_bases(nfft // 2, nfft)
        self.register_buffer("real_basis", _as_conv_weight(real))
        self.register_buffer("imag_basis", _as_conv_weight(imag))
        frames = math.ceil(length / self.hop)
        # Position of output sample 0 in istft's uncropped signal: istft drops nfft/2 (center),
        # _ispec drops `pad`. Our transposed convolution starts at padded frame 2.
        self.start = nfft // 2 + self.hop // 2 * 3
        self.offset = self.start - 2 * self.hop
        envelope = overlap_envelope(nfft, self.hop, frames + 4, self.start, length)
        self.register_buffer("envelope", torch.from_numpy(envelope).float())

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        *other, two, freqs, frames = z.shape
        if (two, freqs, frames) != (2, self.nfft // 2, math.ceil(self.length / self.hop)):
            raise ValueError(f"spectrogram shape {tuple(z.shape)} does not fit length {self.length}")
        z = z.reshape(-1, 2, freqs, frames)
        x = F.conv_transpose1d(z[:, 0], self.real_basis, stride=self.hop)
        x = x + F.conv_transpose1d(z[:, 1], self.imag_basis, stride=self.hop)
        x = x[:, 0, self.offset: self.offset + self.length] / self.envelope
        return x.reshape(*other, self.length)
