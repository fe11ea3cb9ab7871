"""Compares swdemucs's output with a reference dump, stem by stem: max abs difference and relative L2 error.

    python Tools/compare_outputs.py OURS.npy REFERENCE.npy [--max-abs 1e-3] [--rel-l2 1e-4]

Arrays are (1, S, C, T) stems (or any shape: the second axis is taken as the stem axis when present). Exits 1 when
any stem is over a bound, so it can gate scripts.
"""
from __future__ import annotations

import argparse
import sys

import numpy as np


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("ours")
    parser.add_argument("reference")
    parser.add_argument("--max-abs", type=float, default=1e-3)
    parser.add_argument("--rel-l2", type=float, default=1e-4)
    args = parser.parse_args()
    ours, ref = np.load(args.ours).astype(np.float64), np.load(args.reference).astype(np.float64)
    if ours.shape != ref.shape:
        print(f"shape differs: {ours.shape} vs {ref.shape}")
        return 1
    stems = ours.shape[1] if ours.ndim == 4 else 1
    ours, ref = ours.reshape(stems, -1) if ours.ndim == 4 else ours.reshape(1, -1), \
        ref.reshape(stems, -1) if ref.ndim == 4 else ref.reshape(1, -1)
    failed = False
    for s in range(stems):
        diff = ours[s] - ref[s]
        max_abs = float(np.abs(diff).max())
        rel_l2 = float(np.linalg.norm(diff) / max(np.linalg.norm(ref[s]), 1e-30))
        ok = max_abs < args.max_abs and rel_l2 < args.rel_l2
        failed |= not ok
        print(f"stem {s}: max_abs={max_abs:.3e} rel_l2={rel_l2:.3e} ref_peak={np.abs(ref[s]).max():.3e} "
              f"{'ok' if ok else 'OVER BOUND'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
