#!/usr/bin/env bash
# Create <repo>/.venv (if missing) and install Tools/requirements.txt into it.
# Idempotent: re-running only installs what is missing or at the wrong version.
# Override the interpreter with PYTHON=/path/to/python3.11.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
python="${PYTHON:-python3.11}"

if ! command -v "$python" >/dev/null; then
    echo "setup_venv.sh: $python not found (set PYTHON=/path/to/python3.11)" >&2
    exit 1
fi
if [[ ! -x "$repo/.venv/bin/python" ]]; then
    "$python" -m venv "$repo/.venv"
fi
"$repo/.venv/bin/python" -m pip install --quiet -r "$repo/Tools/requirements.txt"
"$repo/.venv/bin/python" -c 'import torch, demucs, onnx, onnxruntime, numpy, demucs_onnx; print("venv ready:", torch.__version__)'
