"""Export styles: where the STFT and the iSTFT of HT-Demucs live (see "Export styles" in Tools/README.md).

* `conv-stft`: the whole `HTDemucs.forward` in the graph, STFT as a Conv1d and iSTFT as a
  ConvTranspose1d (`patches.py`, `conv_stft.py`); input `mix`, output `stems`.
* `stft-op`: `_spec` in the graph as the ONNX `STFT` operator (opset 17); input `mix`, outputs the
  spectral branch `x` and the time branch `xt`. `_mask`, `_ispec` and `xt + x` run outside.
* `external-stft`: no STFT in the graph; inputs `mix` and the complex-as-channels spectrogram `z`
  (`_magnitude(_spec(mix))`), outputs `x` and `xt` as for `stft-op`.

`branch_outputs` is `HTDemucs.forward` (demucs 4.0.1) from `mag = self._magnitude(z)` up to, and
without, `zout = self._mask(z, x)`, plus the time branch's de-normalisation. `compose_stems` is the rest
of that forward, the demucs code itself. `check_branch_outputs` proves on a given input that the two
together reproduce the unpatched forward bit for bit.
"""

import math
import warnings
from typing import Any

import torch
from demucs.hdemucs import pad1d
from demucs.htdemucs import HTDemucs
from einops import rearrange
from torch import nn

STYLES = ("conv-stft", "stft-op", "external-stft")
DEFAULT_STYLE = "conv-stft"


def training_length(model: HTDemucs) -> int:
    return int(model.segment * model.samplerate)


def spectrogram_shape(model: HTDemucs) -> tuple[int, int]:
    """(frequency bins, frames) of `_spec` for the model's segment: `(nfft/2, ceil(T/hop))`."""
    return model.nfft // 2, math.ceil(training_length(model) / model.hop_length)


def io_description(model: HTDemucs, style: str) -> dict[str, Any]:
    """The graph's inputs / outputs and the spectrogram parameters, as written to swdemucs.json."""
    length, channels, sources = training_length(model), model.audio_channels, len(model.sources)
    bins, frames = spectrogram_shape(model)
    names = ["L", "R"] if channels == 2 else [f"ch{c}" for c in range(channels)]
    mix = {"name": "mix", "shape": [1, channels, length]}
    z = {"name": "z", "shape": [1, 2 * channels, bins, frames]}
    inputs = [mix] if style == "stft-op" else [mix, z]
    return {
        "spectrogram": {"n_fft": model.nfft, "hop_length": model.hop_length, "bins": bins,
                        "frames": frames, "window": "hann", "normalized": True,
                        "channel_order": [f"{name}.{part}" for name in names for part in ("re", "im")]},
        "inputs": inputs,
        "outputs": [{"name": "x", "shape": [1, sources, 2 * channels, bins, frames]},
                    {"name": "xt", "shape": [1, sources, channels, length]}],
    }


def branch_outputs(model: HTDemucs, mix: torch.Tensor, mag: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """`HTDemucs.forward` (eval, input of the training length) from `mag` to the two de-normalised
    branch outputs: `x` (B, S, 2C, Fq, T), what forward passes to `self._mask(z, x)`, and `xt`
    (B, S, C, length), what forward adds to the iSTFT of the spectral branch."""
    self = model
    length = mix.shape[-1]
    if self.training or not self.use_train_segment or length != training_length(self):
        raise ValueError(f"branch outputs need an eval-mode model and an input of {training_length(self)} samples")
    # --- demucs 4.0.1 htdemucs.py HTDemucs.forward, lines 540-626 and 649-656 (eval path) ---
    x = mag

    B, C, Fq, T = x.shape

    mean = x.mean(dim=(1, 2, 3), keepdim=True)
    std = x.std(dim=(1, 2, 3), keepdim=True)
    x = (x - mean) / (1e-5 + std)

    xt = mix
    meant = xt.mean(dim=(1, 2), keepdim=True)
    stdt = xt.std(dim=(1, 2), keepdim=True)
    xt = (xt - meant) / (1e-5 + stdt)

    saved = []
    saved_t = []
    lengths = []
    lengths_t = []
    for idx, encode in enumerate(self.encoder):
        lengths.append(x.shape[-1])
        inject = None
        if idx < len(self.tencoder):
            lengths_t.append(xt.shape[-1])
            tenc = self.tencoder[idx]
            xt = tenc(xt)
            if not tenc.empty:
                saved_t.append(xt)
            else:
                inject = xt
        x = encode(x, inject)
        if idx == 0 and self.freq_emb is not None:
            frs = torch.arange(x.shape[-2], device=x.device)
            emb = self.freq_emb(frs).t()[None, :, :, None].expand_as(x)
            x = x + self.freq_emb_scale * emb

        saved.append(x)
    if self.crosstransformer:
        if self.bottom_channels:
            b, c, f, t = x.shape
            x = rearrange(x, "b c f t-> b c (f t)")
            x = self.channel_upsampler(x)
            x = rearrange(x, "b c (f t)-> b c f t", f=f)
            xt = self.channel_upsampler_t(xt)

        x, xt = self.crosstransformer(x, xt)

        if self.bottom_channels:
            x = rearrange(x, "b c f t-> b c (f t)")
            x = self.channel_downsampler(x)
            x = rearrange(x, "b c (f t)-> b c f t", f=f)
            xt = self.channel_downsampler_t(xt)

    for idx, decode in enumerate(self.decoder):
        skip = saved.pop(-1)
        x, pre = decode(x, skip, lengths.pop(-1))

        offset = self.depth - len(self.tdecoder)
        if idx >= offset:
            tdec = self.tdecoder[idx - offset]
            length_t = lengths_t.pop(-1)
            if tdec.empty:
                assert pre.shape[2] == 1, pre.shape
                pre = pre[:, :, 0]
                xt, _ = tdec(pre, None, length_t)
            else:
                skip = saved_t.pop(-1)
                xt, _ = tdec(xt, skip, length_t)

    assert len(saved) == 0
    assert len(lengths_t) == 0
    assert len(saved_t) == 0

    S = len(self.sources)
    x = x.view(B, S, -1, Fq, T)
    x = x * std[:, None] + mean[:, None]

    xt = xt.view(B, S, -1, length)
    xt = xt * stdt[:, None] + meant[:, None]
    return x, xt


def mix_spectrogram(model: HTDemucs, mix: torch.Tensor) -> torch.Tensor:
    """The `external-stft` input `z`: `model._magnitude(model._spec(mix))` of the unpatched model,
    (B, 2C, nfft/2, frames) float32 with channels [L.re, L.im, R.re, R.im]."""
    return model._magnitude(model._spec(mix))


def compose_stems(model: HTDemucs, x: torch.Tensor, xt: torch.Tensor) -> torch.Tensor:
    """The outside part of `stft-op` / `external-stft`: demucs's own `_mask` (cac, the mixture
    spectrogram is ignored), `_ispec` and the sum, on the unpatched model."""
    zout = model._mask(None, x)
    return xt + model._ispec(zout, xt.shape[-1])


def check_branch_outputs(model: HTDemucs, mix: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor,
                                                                        torch.Tensor]:
    """Run the unpatched model on `mix` and return `(stems, z, x, xt)`: `stems = model(mix)`, and `z`,
    `x`, `xt` from `mix_spectrogram` / `branch_outputs`. Raises unless `x` equals what forward itself
    passes to `_mask` and `compose_stems(x, xt)` equals `stems`, bit for bit."""
    captured = []
    original_mask = model._mask

    def capturing_mask(z, m):
        captured.append(m.clone())
        return original_mask(z, m)

    with torch.no_grad():
        model._mask = capturing_mask
        try:
            stems = model(mix)
        finally:
            del model._mask
        z = mix_spectrogram(model, mix)
        x, xt = branch_outputs(model, mix, z)
        composed = compose_stems(model, x, xt)
    if len(captured) != 1 or not torch.equal(captured[0], x):
        raise RuntimeError("branch_outputs: x differs from what HTDemucs.forward passes to _mask")
    if not torch.equal(composed, stems):
        diff = (composed - stems).abs().max().item()
        raise RuntimeError(f"branch_outputs + compose_stems differ from HTDemucs.forward by {diff:.3e}")
    return stems, z, x, xt


def spec_stft_op(self: HTDemucs, x: torch.Tensor) -> torch.Tensor:
    """`HTDemucs._spec` with `torch.stft(return_complex=False)`, which the legacy tracer exports at
    opset 17 as Pad(reflect) + ONNX `STFT` + Transpose + Div(sqrt(n_fft)):
    (B, C, T) → (B, C, 2, nfft/2, ceil(T/hop)), real then imaginary part."""
    hl = self.hop_length
    nfft = self.nfft
    assert hl == nfft // 4
    le = int(math.ceil(x.shape[-1] / hl))
    pad = hl // 2 * 3
    x = pad1d(x, (pad, pad + le * hl - x.shape[-1]), mode="reflect")  # as in _spec

    *other, length = x.shape  # spectro(x, nfft, hl) with view_as_real
    x = x.reshape(-1, length)
    with warnings.catch_warnings():  # return_complex=False is deprecated, but the only exportable form
        warnings.filterwarnings("ignore", message="stft with return_complex=False is deprecated")
        z = torch.stft(x, nfft, hl, window=self.stft_window, win_length=nfft, normalized=True,
                       center=True, return_complex=False, pad_mode="reflect")  # (B*C, nfft/2+1, le+4, 2)
    z = z[:, :-1, 2: 2 + le, :]  # _spec drops the Nyquist bin and keeps frames 2..le+1
    z = z.permute(0, 3, 1, 2)  # (B*C, 2, nfft/2, le): the layout `_magnitude` (cac) builds
    return z.reshape(*other, 2, nfft // 2, le)


class StftOpBranches(nn.Module):
    """`stft-op` graph: mix (1, C, T) → x (1, S, 2C, Fq, frames), xt (1, S, C, T)."""

    def __init__(self, patched: HTDemucs) -> None:
        super().__init__()
        self.model = patched

    def forward(self, mix: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        mag = self.model._magnitude(self.model._spec(mix))
        return branch_outputs(self.model, mix, mag)


class ExternalStftBranches(nn.Module):
    """`external-stft` graph: mix (1, C, T), z (1, 2C, Fq, frames) → x, xt as for `stft-op`."""

    def __init__(self, patched: HTDemucs) -> None:
        super().__init__()
        self.model = patched

    def forward(self, mix: torch.Tensor, z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return branch_outputs(self.model, mix, z)
