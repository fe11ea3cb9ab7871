#!/usr/bin/env bash
# Regenerate every fixture under Tests/Fixtures/ (see Tests/Fixtures/README.md): the per-op and
# error models, tiny random-init HT-Demucs models (and a tiny htdemucs_ft-like bag) exported to ONNX,
# their DFT bases compacted, with the unpatched PyTorch output, and whole-track separations of a
# music-like WAV as demucs's separate.py computes them. Deterministic: re-running gives byte-identical
# files. Takes about 3 minutes on 2 cores.
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
tiny_settings=(--set channels=8 --set t_layers=2 --set bottom_channels=0 --set segment=1)
tiny=(--random-init --seed 0 --arch htdemucs "${tiny_settings[@]}")
# htdemucs_ft's layout: 4 such models (drawn one after the other from seed 0, so the first equals
# tiny-htdemucs), one specialist per source, identity bag weights.
tiny_bag=(--random-init --seed 0 --arch htdemucs_ft "${tiny_settings[@]}" --set nfft=2048)

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

# make_style_fixture NAME STYLE: the tiny-htdemucs model exported with --style STYLE (stft-op or
# external-stft; no DFT bases to compact), with what the graph must output (outputs_x.npy,
# outputs_xt.npy), for external-stft its spectrogram input (input_z.npy), and the final stems.
make_style_fixture() {
    local name="$1" style="$2"
    local bundle="$work/$name" out="$fixtures/$name"
    "$python" "$repo/Tools/export_onnx.py" "${tiny[@]}" --set nfft=2048 --style "$style" --name "$name" \
        --out "$bundle"
    "$python" "$repo/Tools/dump_reference.py" "${tiny[@]}" --set nfft=2048 --bundle "$bundle" \
        --out "$bundle/reference"
    rm -rf "$out"
    mkdir -p "$out"
    cp "$bundle/model.onnx" "$bundle/swdemucs.json" "$bundle"/reference/*.npy "$out/"
    # The README's written-out outside steps (numpy) must reproduce the references.
    "$python" "$repo/Tools/check_outside_steps.py" "$out" --n-fft 2048
}
# The STFT as the ONNX STFT operator in the graph; mask, iSTFT and sum outside.
make_style_fixture tiny-htdemucs-stft-op stft-op
# No STFT in the graph: inputs mix and the complex-as-channels spectrogram z.
make_style_fixture tiny-htdemucs-external-stft external-stft

# The bag: model0..3.onnx, each compacted and checked against its own PyTorch output.
make_bag_fixture() {
    local name=tiny-bag
    local bundle="$work/$name" out="$fixtures/$name"
    "$python" "$repo/Tools/export_onnx.py" "${tiny_bag[@]}" --name "$name" --out "$bundle"
    "$python" "$repo/Tools/dump_reference.py" "${tiny_bag[@]}" --bundle "$bundle" --out "$bundle/reference"
    rm -rf "$out"
    mkdir -p "$out"
    cp "$bundle/swdemucs.json" "$out/"
    for i in 0 1 2 3; do
        "$python" "$repo/Tools/compact_dft.py" "$bundle/model$i.onnx" "$out/model$i.onnx" \
            --reference "$bundle/reference" --reference-output "output_model$i.npy"
    done
}
make_bag_fixture

# make_separation NAME BUNDLE [dump_separation_reference.py arguments...]: mix.wav + stems.npy in
# separation/NAME, from the model that BUNDLE (a fixture folder) was exported from.
make_separation() {
    local name="$1" bundle="$2"
    shift 2
    local out="$fixtures/separation/$name"
    rm -rf "$out"
    "$python" "$repo/Tools/dump_separation_reference.py" "$@" --bundle "$fixtures/$bundle" --out "$out"
}
# tiny-htdemucs on 2.5 s (4 overlapping 1 s segments) and on a 0.6 s mono track (shorter than a segment).
make_separation shifts0 tiny-htdemucs "${tiny[@]}" --set nfft=2048 --seconds 2.5 --shifts 0
make_separation shifts2-seed7 tiny-htdemucs "${tiny[@]}" --set nfft=2048 --seconds 2.5 --shifts 2 --shift-seed 7
make_separation short-mono tiny-htdemucs "${tiny[@]}" --set nfft=2048 --seconds 0.6 --channels 1 \
    --shifts 1 --shift-seed 3
# The bag on the same 2.5 s mix, one shift: every specialist draws its own offset.
make_separation bag-shifts1-seed5 tiny-bag "${tiny_bag[@]}" --seconds 2.5 --shifts 1 --shift-seed 5

"$python" "$repo/Tools/make_op_fixtures.py" --out "$fixtures/ops"
"$python" "$repo/Tools/make_spectrogram_fixtures.py" --out "$fixtures/spectrogram"
"$python" "$repo/Tools/make_error_fixtures.py" --out "$fixtures/errors"

du -sh "$fixtures"/*/
du -sh "$fixtures"/separation/*/
du -sh "$fixtures"
