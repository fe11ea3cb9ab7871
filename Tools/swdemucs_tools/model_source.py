"""Where a model comes from: a demucs checkpoint, a pretrained name, or a seeded random init.

The same command-line arguments drive every tool, so that `export_onnx.py` and
`dump_reference.py` given the same arguments build the very same weights.
"""

import argparse
import hashlib
from dataclasses import dataclass
from pathlib import Path

import torch
from demucs.apply import BagOfModels
from demucs.htdemucs import HTDemucs

from .architectures import ARCHITECTURES, bag_weights, parse_overrides, random_init_models

PRETRAINED = ("htdemucs", "htdemucs_ft", "htdemucs_6s")


class ModelSourceError(Exception):
    """A model could not be obtained; the message is one line for the user."""


@dataclass
class ModelSource:
    """One model or a bag of models, with what is needed to describe it in a bundle."""

    name: str
    origin: str
    models: list[HTDemucs]
    weights: list[list[float]]

    @property
    def first(self) -> HTDemucs:
        return self.models[0]

    @property
    def sources(self) -> list[str]:
        return list(self.first.sources)

    @property
    def samplerate(self) -> int:
        return int(self.first.samplerate)

    @property
    def audio_channels(self) -> int:
        return int(self.first.audio_channels)

    @property
    def segment_samples(self) -> int:
        return int(self.first.segment * self.first.samplerate)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add `--checkpoint` / `--pretrained` / `--random-init` and their options."""
    group = parser.add_argument_group("model source (exactly one)")
    choice = group.add_mutually_exclusive_group(required=True)
    choice.add_argument("--checkpoint", type=Path, metavar="FILE.th",
                        help="a demucs checkpoint, as read by demucs.states.load_model")
    choice.add_argument("--pretrained", choices=PRETRAINED,
                        help="a released model through demucs.pretrained.get_model (downloads it)")
    choice.add_argument("--random-init", action="store_true",
                        help="the released architecture with seeded random weights")
    group.add_argument("--arch", choices=sorted(ARCHITECTURES), default="htdemucs",
                       help="architecture for --random-init (default htdemucs)")
    group.add_argument("--seed", type=int, default=0, help="seed for --random-init (default 0)")
    group.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                       help="override an HTDemucs kwarg for --random-init (repeatable)")
    group.add_argument("--name", help="bundle name (default: derived from the source)")


def load(args: argparse.Namespace) -> ModelSource:
    """Build the model source the parsed arguments describe."""
    if args.overrides and not args.random_init:
        raise ModelSourceError("--set only applies to --random-init")
    if args.random_init:
        try:
            overrides = parse_overrides(args.overrides)
            models = random_init_models(args.arch, args.seed, overrides)
        except (ValueError, TypeError, AssertionError) as error:
            raise ModelSourceError(f"cannot build {args.arch}: {error or type(error).__name__}") from None
        settings = "".join(f", {k}={v!r}" for k, v in overrides.items())
        source = ModelSource(args.name or f"{args.arch}-random-seed{args.seed}",
                             f"random init: arch {args.arch}, seed {args.seed}{settings}",
                             models, bag_weights(args.arch, len(models[0].sources)))
    elif args.pretrained:
        source = _pretrained(args.pretrained, args.name)
    else:
        source = _checkpoint(args.checkpoint, args.name)
    for model in source.models:
        if not isinstance(model, HTDemucs):
            raise ModelSourceError(f"{source.origin}: {type(model).__name__} is not HTDemucs")
    return source


def state_sha256(model: torch.nn.Module) -> str:
    """Hash of the state dict (names, dtypes, shapes, bytes): equal hashes, equal weights."""
    digest = hashlib.sha256()
    for name, tensor in model.state_dict().items():
        tensor = tensor.detach().cpu().contiguous()
        digest.update(f"{name}:{tensor.dtype}:{tuple(tensor.shape)}".encode())
        digest.update(tensor.numpy().tobytes())
    return digest.hexdigest()


def _pretrained(name: str, bundle_name: str | None) -> ModelSource:
    from demucs.pretrained import get_model

    try:
        bag = get_model(name)
    except Exception as error:  # demucs raises whatever urllib / torch.hub raise
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise ModelSourceError(
            f"cannot load pretrained model {name!r}: demucs downloads it from "
            f"dl.fbaipublicfiles.com into the torch hub cache, which failed ({reason})") from None
    models = list(bag.models) if isinstance(bag, BagOfModels) else [bag]
    weights = bag.weights if isinstance(bag, BagOfModels) else [[1.0] * len(bag.sources)]
    return ModelSource(bundle_name or name, f"pretrained {name} (demucs.pretrained)",
                       [m.eval() for m in models], [list(map(float, w)) for w in weights])


def _checkpoint(path: Path, bundle_name: str | None) -> ModelSource:
    from demucs.states import load_model

    if not path.is_file():
        raise ModelSourceError(f"checkpoint {path} does not exist")
    try:
        model = load_model(path)
    except Exception as error:
        raise ModelSourceError(f"cannot load checkpoint {path}: {error}") from None
    return ModelSource(bundle_name or path.stem, f"checkpoint {path.name}", [model.eval()],
                       [[1.0] * len(model.sources)])
