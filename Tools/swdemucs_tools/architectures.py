"""The released HT-Demucs hyper-parameters (`HTDemucs` kwargs) and random-init model builders."""

import ast
from fractions import Fraction
from typing import Any

import torch
from demucs.htdemucs import HTDemucs

FOUR_SOURCES = ["drums", "bass", "other", "vocals"]
SIX_SOURCES = FOUR_SOURCES + ["guitar", "piano"]

# As stored in the htdemucs checkpoint (signature 955717e8); htdemucs_ft's specialists share them.
HTDEMUCS_KWARGS: dict[str, Any] = {
    "sources": FOUR_SOURCES, "audio_channels": 2, "samplerate": 44100,
    "segment": Fraction(39, 5), "channels": 48, "channels_time": None, "growth": 2, "nfft": 4096,
    "wiener_iters": 0, "end_iters": 0, "wiener_residual": False, "cac": True, "depth": 4,
    "rewrite": True, "multi_freqs": [], "multi_freqs_depth": 3, "freq_emb": 0.2, "emb_scale": 10,
    "emb_smooth": True, "kernel_size": 8, "stride": 4, "time_stride": 2, "context": 1,
    "context_enc": 0, "norm_starts": 4, "norm_groups": 4, "dconv_mode": 3, "dconv_depth": 2,
    "dconv_comp": 8, "dconv_init": 0.001, "bottom_channels": 512, "t_layers": 5,
    "t_hidden_scale": 4.0, "t_heads": 8, "t_dropout": 0.02, "t_layer_scale": True, "t_gelu": True,
    "t_emb": "sin", "t_max_positions": 10000, "t_max_period": 10000.0, "t_weight_pos_embed": 1.0,
    "t_cape_mean_normalize": True, "t_cape_augment": True,
    "t_cape_glob_loc_scale": [5000.0, 1.0, 1.4], "t_sin_random_shift": 0, "t_norm_in": True,
    "t_norm_in_group": False, "t_group_norm": False, "t_norm_first": True, "t_norm_out": True,
    "t_weight_decay": 0.0, "t_lr": None, "t_sparse_self_attn": False, "t_sparse_cross_attn": False,
    "t_mask_type": "diag", "t_mask_random_seed": 42, "t_sparse_attn_window": 400,
    "t_global_window": 100, "t_sparsity": 0.95, "t_auto_sparsity": False, "t_cross_first": False,
    "rescale": 0.1,
}

ARCHITECTURES: dict[str, dict[str, Any]] = {
    "htdemucs": HTDEMUCS_KWARGS,
    "htdemucs_ft": HTDEMUCS_KWARGS,
    "htdemucs_6s": HTDEMUCS_KWARGS | {"sources": SIX_SOURCES, "bottom_channels": 0},
}

# Parameter counts of the released models, checked when no kwargs are overridden.
EXPECTED_PARAMETERS = {"htdemucs": 41_984_456, "htdemucs_ft": 41_984_456, "htdemucs_6s": 27_414_996}


def parse_overrides(items: list[str]) -> dict[str, Any]:
    """`["channels=8", "segment=1"]` → `{"channels": 8, "segment": 1}` (values as Python literals)."""
    overrides: dict[str, Any] = {}
    for item in items:
        key, sep, text = item.partition("=")
        if not sep or key not in HTDEMUCS_KWARGS:
            raise ValueError(f"--set {item!r}: expected KEY=VALUE with KEY an HTDemucs argument")
        try:
            overrides[key] = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            overrides[key] = text
    return overrides


def random_init_models(arch: str, seed: int, overrides: dict[str, Any]) -> list[HTDemucs]:
    """The architecture's model(s) with demucs's own random init, seeded: four for htdemucs_ft."""
    kwargs = ARCHITECTURES[arch] | overrides
    torch.manual_seed(seed)
    models = [HTDemucs(**kwargs).eval() for _ in range(4 if arch == "htdemucs_ft" else 1)]
    if not overrides:
        count = sum(p.numel() for p in models[0].parameters())
        if count != EXPECTED_PARAMETERS[arch]:
            raise RuntimeError(f"{arch} has {count} parameters, expected {EXPECTED_PARAMETERS[arch]}")
    return models


def bag_weights(arch: str, sources: int) -> list[list[float]]:
    """Per-model, per-source bag weights: identity for htdemucs_ft's specialists, else ones."""
    if arch == "htdemucs_ft":
        return [[1.0 if i == j else 0.0 for j in range(sources)] for i in range(sources)]
    return [[1.0] * sources]
