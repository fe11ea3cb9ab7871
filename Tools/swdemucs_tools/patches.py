"""The four export patches of the HT-Demucs ONNX notes, applied to a copy of a model.

(a) `_spec` / `_ispec` / `_magnitude` / `_mask` on real tensors through `ConvSpec` / `ConvISpec`
    (style conv-stft; stft-op patches `_spec` / `_magnitude` only, external-stft none);
(b) `segment` as a float; (c) the transformer's positional embedding with shift 0 (no `random`);
(d) multi-head attention written out as MatMul / Softmax instead of the fused kernel.
"""

import copy
import types

import torch
from demucs.htdemucs import HTDemucs
from demucs.transformer import CrossTransformerEncoder, create_sin_embedding
from torch import nn
from torch.nn import functional as F

from .conv_stft import ConvISpec, ConvSpec
from .styles import spec_stft_op


def patched_for_export(model: HTDemucs, style: str = "conv-stft") -> HTDemucs:
    """Return an eval-mode copy of `model` that the legacy ONNX tracer can export.

    `style` (see styles.py) picks the spectral patch (a): "conv-stft" the conv STFT/iSTFT above,
    "stft-op" a `_spec` through `torch.stft(return_complex=False)` (exported as the ONNX STFT op;
    `_mask` / `_ispec` stay outside the graph), "external-stft" none (no STFT in the graph).
    """
    if style not in ("conv-stft", "stft-op", "external-stft"):
        raise ValueError(f"unknown export style {style!r}")
    if not isinstance(model, HTDemucs):
        raise TypeError(f"only HTDemucs models can be exported, not {type(model).__name__}")
    if not model.cac or model.wiener_iters != 0:
        raise ValueError("only complex-as-channels models without Wiener filtering are supported")
    if not model.use_train_segment:
        raise ValueError("only models with use_train_segment=True (a fixed input length) are supported")
    patched = copy.deepcopy(model).eval()
    length = int(model.segment * model.samplerate)
    patched.segment = float(model.segment)
    if int(patched.segment * patched.samplerate) != length:
        raise ValueError(f"segment {model.segment} does not survive the conversion to float")

    if style == "conv-stft":
        patched.conv_spec = ConvSpec(patched.nfft)
        patched.conv_ispec = ConvISpec(patched.nfft, length)
        patched._spec = types.MethodType(_spec, patched)
        patched._magnitude = types.MethodType(_magnitude, patched)
        patched._mask = types.MethodType(_mask, patched)
        patched._ispec = types.MethodType(_ispec, patched)
    elif style == "stft-op":
        patched.register_buffer("stft_window", torch.hann_window(patched.nfft))
        patched._spec = types.MethodType(spec_stft_op, patched)
        patched._magnitude = types.MethodType(_magnitude, patched)

    for module in patched.modules():
        if isinstance(module, CrossTransformerEncoder):
            if module.emb != "sin" or module.sin_random_shift != 0:
                raise ValueError(f"unsupported positional embedding {module.emb!r} "
                                 f"with random shift {module.sin_random_shift}")
            module._get_pos_embedding = types.MethodType(_sin_embedding_no_shift, module)
        elif isinstance(module, nn.MultiheadAttention):
            if not module._qkv_same_embed_dim or module.in_proj_bias is None:
                raise ValueError("attention without a packed, biased in-projection is not supported")
            module.forward = types.MethodType(_explicit_attention, module)
    return patched


def _spec(self: HTDemucs, x: torch.Tensor) -> torch.Tensor:
    """(B, C, T) → real spectrogram (B, C, 2, F, frames)."""
    return self.conv_spec(x)


def _magnitude(self: HTDemucs, z: torch.Tensor) -> torch.Tensor:
    """`cac` magnitude: (B, C, 2, F, T) → (B, 2C, F, T), real/imag interleaved per channel."""
    B, C, two, Fr, T = z.shape
    return z.reshape(B, C * two, Fr, T)


def _mask(self: HTDemucs, z: torch.Tensor, m: torch.Tensor) -> torch.Tensor:
    """`cac` mask: the prediction (B, S, 2C, F, T) is the spectrogram, as (B, S, C, 2, F, T)."""
    B, S, C, Fr, T = m.shape
    return m.view(B, S, C // 2, 2, Fr, T)


def _ispec(self: HTDemucs, z: torch.Tensor, length: int, scale: int = 0) -> torch.Tensor:
    """(B, S, C, 2, F, frames) → (B, S, C, length)."""
    if scale != 0 or length != self.conv_ispec.length:
        raise ValueError(f"iSTFT was prepared for length {self.conv_ispec.length}, scale 0")
    return self.conv_ispec(z)


def _sin_embedding_no_shift(self: CrossTransformerEncoder, T: int, B: int, C: int,
                            device: torch.device) -> torch.Tensor:
    """`CrossTransformerEncoder._get_pos_embedding` for `emb == "sin"` without `random.randrange`."""
    return create_sin_embedding(T, C, shift=0, device=device, max_period=self.max_period)


def _explicit_attention(self: nn.MultiheadAttention, query: torch.Tensor, key: torch.Tensor,
                        value: torch.Tensor, key_padding_mask: torch.Tensor | None = None,
                        need_weights: bool = True, attn_mask: torch.Tensor | None = None,
                        average_attn_weights: bool = True,
                        is_causal: bool = False) -> tuple[torch.Tensor, None]:
    """`nn.MultiheadAttention.forward` in eval mode without masks, from plain ops."""
    if key_padding_mask is not None or attn_mask is not None or is_causal:
        raise ValueError("attention masks are not supported")
    if not self.batch_first:
        query, key, value = (t.transpose(0, 1) for t in (query, key, value))
    B, T, _ = query.shape
    S = key.shape[1]
    heads, head_dim, C = self.num_heads, self.head_dim, self.embed_dim
    w_q, w_k, w_v = self.in_proj_weight.chunk(3)
    b_q, b_k, b_v = self.in_proj_bias.chunk(3)
    q = F.linear(query, w_q, b_q).view(B, T, heads, head_dim).transpose(1, 2)
    k = F.linear(key, w_k, b_k).view(B, S, heads, head_dim).transpose(1, 2)
    v = F.linear(value, w_v, b_v).view(B, S, heads, head_dim).transpose(1, 2)
    weights = torch.softmax(torch.matmul(q * head_dim ** -0.5, k.transpose(2, 3)), dim=-1)
    out = torch.matmul(weights, v).transpose(1, 2).reshape(B, T, C)
    out = self.out_proj(out)
    if not self.batch_first:
        out = out.transpose(0, 1)
    return out, None
