#!/usr/bin/env python3
"""Fit the rational erf that swdemucs's GELU uses (`vectorOnePlusErf` in Sources/Kernels/Activations.swift).

erf(u) ≈ u · P(u²) / Q(u²) on [0, U] (Q(0) = 1), with erf(±U) taken as ±1 beyond U (erfc(3.9) = 3.5e-8, below
half a float ulp of 1). The fit is linearised as in Sanathanan–Koerner (divide by the previous Q) and pushed
towards minimax absolute error by Lawson's reweighting; the best iterate is kept. The script prints the
coefficients as float32 literals and the error of the formula evaluated in float32 the way the kernel does
(Horner's rule, one division, 1 + u · (P/Q) in one rounding, 0 at or below −U), for 1 + erf and for the GELU.

Only numpy is needed. Defaults reproduce the committed coefficients.
"""

import argparse
import math

import numpy as np


def fit(numerator_degree: int, denominator_degree: int, limit: float, iterations: int):
    """Coefficients (P, Q), lowest power first, and the float64 minimax error reached."""
    erf = np.vectorize(math.erf)
    u = (1 - np.cos(np.linspace(0, np.pi, 8000))) / 2 * limit
    u = u[u > 1e-5]
    f, s = erf(u), u * u
    q_values, weights, best = np.ones_like(u), np.ones_like(u), None
    for _ in range(iterations):
        basis = np.concatenate([np.stack([u * s ** k for k in range(numerator_degree + 1)], 1),
                                -np.stack([f * s ** k for k in range(1, denominator_degree + 1)], 1)], 1)
        scale = np.sqrt(weights) / q_values
        c, *_ = np.linalg.lstsq(basis * scale[:, None], f * scale, rcond=None)
        p, q = c[:numerator_degree + 1], np.concatenate([[1.0], c[numerator_degree + 1:]])
        q_values = sum(q[k] * s ** k for k in range(denominator_degree + 1))
        error = u * sum(p[k] * s ** k for k in range(numerator_degree + 1)) / q_values - f
        worst = np.abs(error).max()
        if best is None or worst < best[0]:
            best = (worst, p.copy(), q.copy())
        weights = np.maximum(weights * np.abs(error) / (weights * np.abs(error)).sum(), 1e-12)
    return best[1], best[2], best[0]


def one_plus_erf_float32(u: np.ndarray, p, q, limit: float) -> np.ndarray:
    """1 + erf(u) as the kernel computes it, in float32 (the last step's single rounding done in float64)."""
    u = u.astype(np.float32)
    c = np.clip(u, -np.float32(limit), np.float32(limit))
    s = c * c
    pv, qv = np.float32(p[-1]), np.float32(q[-1])
    for k in reversed(p[:-1]):
        pv = (pv * s + np.float32(k)).astype(np.float32)
    for k in reversed(q[:-1]):
        qv = (qv * s + np.float32(k)).astype(np.float32)
    ratio = (pv / qv).astype(np.float32)
    value = np.float32(c.astype(np.float64) * ratio.astype(np.float64) + 1.0)
    return np.where(u <= -np.float32(limit), np.float32(0), np.maximum(value, np.float32(0)))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--numerator-degree", type=int, default=6, help="degree of P in u² (default 6)")
    parser.add_argument("--denominator-degree", type=int, default=4, help="degree of Q in u² (default 4)")
    parser.add_argument("--limit", type=float, default=3.9, help="U, where erf is taken as ±1 (default 3.9)")
    parser.add_argument("--iterations", type=int, default=400)
    args = parser.parse_args()
    p, q, worst = fit(args.numerator_degree, args.denominator_degree, args.limit, args.iterations)
    print(f"float64 minimax error of erf: {worst:.2e}")
    print("P:", ", ".join(repr(float(np.float32(x))) for x in p))
    print("Q:", ", ".join(repr(float(np.float32(x))) for x in q))
    erf = np.vectorize(math.erf)
    u = np.linspace(-6, 6, 1_200_001)
    error = np.abs(one_plus_erf_float32(u, p, q, args.limit).astype(np.float64) - (1 + erf(u)))
    print(f"float32 1 + erf: max abs error {error.max():.2e} at u = {u[error.argmax()]:.3f}")
    x = np.linspace(-13, 13, 1_200_001).astype(np.float32)
    gelu = (x * np.float32(0.5)) * one_plus_erf_float32(x * np.float32(0.70710677), p, q, args.limit)
    exact = x.astype(np.float64) * 0.5 * (1 + erf(x.astype(np.float64) / math.sqrt(2)))
    relative = np.abs(gelu - exact) / np.maximum(1, np.abs(x))
    print(f"float32 GELU: max abs error / max(1, |x|) {relative.max():.2e} at x = {x[relative.argmax()]:.3f}")


if __name__ == "__main__":
    main()
