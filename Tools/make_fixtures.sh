#!/usr/bin/env bash
# Regenerate every fixture under Tests/Fixtures/ (see Tests/Fixtures/README.md): the per-op and
# error models, and tiny random-init HT-Demucs models exported to ONNX, their DFT bases compacted,
# with the unpatched PyTorch output. Deterministic: re-running gives byte-identical files.
# Needs the venv (Tools/setup_venv.sh).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
python="$repo/.venv/bin/python"
fixtures="$repo/Tests/Fixtures"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Same code paths as htdemucs (both branches, 4 encoder/decoder levels, frequency axis reduced to
# nfft/2/4^4 bins rather than collapsed early, cross-transformer with a self- and a cross-attention
# layer, DConv), with 8 channels, 2 transformer layers and a 1 s segment: ~0.5 M parameters.
tiny=(--random-init --seed 0 --arch htdemucs
      --set channels=8 --set t_layers=2 --set bottom_channels=0 --set segment=1)

# make_fixture NAME EXPORTER [extra model arguments...]
make_fixture() {
    local name="$1" exporter="$2"
    shift 2
    local bundle="$work/$name" out="$fixtures/$name"
    "$python" "$repo/Tools/$exporter" "${tiny[@]}" "$@" --name "$name" --out "$bundle"
    "$python" "$repo/Tools/dump_reference.py" "${tiny[@]}" "$@" --bundle "$bundle" --out "$bundle/reference"
    rm -rf "$out"
    mkdir -p "$out"
    cp "$bundle/reference/input.npy" "$bundle/reference/output.npy" "$bundle/swdemucs.json" "$out/"
    "$python" "$repo/Tools/compact_dft.py" "$bundle/model.onnx" "$out/model.onnx" --reference "$out"
}

# Our exporter (constant iSTFT envelope), n_fft 2048.
make_fixture tiny-htdemucs export_onnx.py --set nfft=2048
# demucs-onnx's exporter (unrolled float64 envelope loop, bases as Constant nodes), n_fft 4096.
make_fixture tiny-htdemucs-unrolled export_demucs_onnx.py

"$python" "$repo/Tools/make_op_fixtures.py" --out "$fixtures/ops"
"$python" "$repo/Tools/make_error_fixtures.py" --out "$fixtures/errors"

du -sh "$fixtures"/*/
