"""Rebuild the PyTorch model(s) a swdemucs bundle was exported from, as the benchmark helpers need them.

Order of preference, per the bundle's `swdemucs.json`:
1. `model*.th` checkpoints beside the ONNX files (written by `Tools/export_onnx.py --save-checkpoint`), read with
   `demucs.states.load_model` -- what `demucs.pretrained.get_model` does with a local checkpoint, so the load time
   is the one a `demucs` CLI user sees;
2. the recorded origin `random init: arch A, seed N[, key=value…]` rebuilt with `Tools/swdemucs_tools`;
3. `pretrained NAME …` through `demucs.pretrained.get_model` (downloads the checkpoint).
`verify()` checks the rebuilt weights against the SHA-256 the exporter recorded (kept out of timed sections).
"""

import json
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "Tools"))


def read_meta(bundle: Path) -> dict:
    return json.loads((bundle / "swdemucs.json").read_text())


def load_models(bundle: Path):
    """`(models, weights, how)`: the bundle's HTDemucs model(s) in eval mode, bag weights, and how they were got."""
    meta = read_meta(bundle)
    files = [bundle / entry["file"] for entry in meta["models"]]
    weights = [[float(w) for w in entry["weights"]] for entry in meta["models"]]
    checkpoints = [path.with_suffix(".th") for path in files]
    if all(path.is_file() for path in checkpoints):
        from demucs.states import load_model
        models = [load_model(str(path)).eval() for path in checkpoints]
        how = "checkpoint " + ", ".join(path.name for path in checkpoints)
    else:
        origin = meta.get("exporter", {}).get("origin", "")
        match = re.fullmatch(r"random init: arch (\w+), seed (\d+)(.*)", origin)
        if match:
            from swdemucs_tools.architectures import parse_overrides, random_init_models
            settings = [item.strip() for item in match.group(3).split(", ") if item.strip()]
            models = random_init_models(match.group(1), int(match.group(2)), parse_overrides(settings))
            how = origin
        elif origin.startswith("pretrained "):
            from demucs.apply import BagOfModels
            from demucs.pretrained import get_model
            bag = get_model(origin.split()[1])
            models = list(bag.models) if isinstance(bag, BagOfModels) else [bag]
            how = origin
        else:
            raise SystemExit(f"cannot rebuild the PyTorch model of {bundle}: no model*.th and origin {origin!r}")
    for model in models:
        model.eval()
        model.segment = float(model.segment)  # as Tools/dump_separation_reference.py and the export do
    return models, weights, how


def verify(models, bundle: Path) -> bool:
    """True when the weights hash to what the exporter recorded in the bundle."""
    from swdemucs_tools.model_source import state_sha256
    expected = [entry["state_sha256"] for entry in read_meta(bundle)["models"]]
    return [state_sha256(model) for model in models] == expected
