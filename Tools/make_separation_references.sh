#!/usr/bin/env bash
# Write the full-size whole-track references for the acceptance of `swdemucs run` into the random-init
# bundles under Weights/ (git-ignored; see Weights/README.md, which also shows how to export the bundles):
#
#   <bundle>/separation-30s/                 30 s stereo mix, shifts 0      (htdemucs, htdemucs_ft, htdemucs_6s)
#   htdemucs-random-seed0/separation-30s-shifts2-seed3/   the same mix, shifts 2, shift seed 3
#   htdemucs-random-seed0/separation-3s/                  3 s stereo mix, shifts 0
#   htdemucs-random-seed0/separation-30s-mono/            30 s mono mix, shifts 0
#   htdemucs-random-seed0/separation-30s/mix-48k.wav      the 30 s mix resampled to 48 kHz (input only)
#
# Each run rebuilds the model from the arguments the bundle was exported with and refuses to write unless
# the weights hash to what the bundle's swdemucs.json records (--bundle). Prints the PyTorch wall time of
# each separation. Runs one job at a time, torch on 2 threads. Deterministic.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
python="$repo/.venv/bin/python"
weights="$repo/Weights"

# reference ARCH FOLDER [dump_separation_reference.py arguments...]
reference() {
    local arch="$1" folder="$2"
    shift 2
    local bundle="$weights/$arch-random-seed0"
    if [[ ! -f "$bundle/swdemucs.json" ]]; then
        echo "make_separation_references.sh: no bundle $bundle (export it first, see Weights/README.md)" >&2
        return 1
    fi
    echo "== $arch-random-seed0/$folder"
    "$python" "$repo/Tools/dump_separation_reference.py" --random-init --arch "$arch" --seed 0 \
        --bundle "$bundle" --out "$bundle/$folder" "$@"
}

reference htdemucs    separation-30s --seconds 30 --shifts 0
reference htdemucs_ft separation-30s --seconds 30 --shifts 0
reference htdemucs_6s separation-30s --seconds 30 --shifts 0
reference htdemucs    separation-30s-shifts2-seed3 --seconds 30 --shifts 2 --shift-seed 3
reference htdemucs    separation-3s --seconds 3 --shifts 0
reference htdemucs    separation-30s-mono --seconds 30 --channels 1 --shifts 0

"$python" "$repo/Tools/resample_wav.py" "$weights/htdemucs-random-seed0/separation-30s/mix.wav" \
    "$weights/htdemucs-random-seed0/separation-30s/mix-48k.wav" --rate 48000
