#!/usr/bin/env python3
"""Compare the stem WAVs that `swdemucs run` wrote with a PyTorch `stems.npy`, stem by stem.

    python Tools/compare_stems.py STEMS_DIR REFERENCE.npy [--sources drums,bass,other,vocals]
                                  [--max-abs 1e-3] [--rel-l2 1e-4]

Reads `STEMS_DIR/{stem}.wav` for every source (32-bit IEEE float WAV as `swdemucs run --float32` writes it;
16/24/32-bit PCM and 64-bit float are read too) with its own RIFF parser (numpy only), and compares it with
stem k of the reference, (S, C, T) float32 as `Tools/dump_separation_reference.py` writes it ((1, S, C, T)
is accepted too). Prints per stem the max abs difference, the relative L2 error ‖ours − ref‖ / ‖ref‖ and the
reference peak. Stems named '' or '-' in --sources are skipped (for `swdemucs run --stems …` outputs).
Exits 1 when a file is missing or unreadable, a shape differs, or any stem is over a bound.
"""

import argparse
import struct
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

FOUR_SOURCES = "drums,bass,other,vocals"
SIX_SOURCES = FOUR_SOURCES + ",guitar,piano"

WAVE_FORMAT_PCM = 0x0001
WAVE_FORMAT_IEEE_FLOAT = 0x0003
WAVE_FORMAT_EXTENSIBLE = 0xFFFE
# KSDATAFORMAT_SUBTYPE_* GUIDs: the format tag in the first two bytes, then this fixed tail.
GUID_TAIL = bytes.fromhex("000000001000800000aa00389b71")


class WavError(Exception):
    """The file is not a WAV this tool reads; the message is one line."""


@dataclass
class Wav:
    samplerate: int
    audio: np.ndarray  # (channels, frames) float64
    encoding: str


def read_wav(path: Path) -> Wav:
    """Parse RIFF/WAVE: the `fmt ` and `data` chunks, skipping any others (fact, PEAK, LIST, …)."""
    data = path.read_bytes()
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise WavError(f"{path}: not a RIFF/WAVE file")
    fmt = payload = None
    position = 12
    while position + 8 <= len(data):
        chunk_id, size = data[position:position + 4], struct.unpack_from("<I", data, position + 4)[0]
        body = data[position + 8:position + 8 + size]
        if chunk_id == b"fmt ":
            fmt = body
        elif chunk_id == b"data":
            if len(body) < size:  # a header never finalised (size 0xFFFFFFFF) or a truncated file
                print(f"warning: {path}: data chunk claims {size} bytes, {len(body)} present", file=sys.stderr)
            payload = body
            break
        position += 8 + size + (size & 1)  # chunks are padded to an even size
    if fmt is None or len(fmt) < 16:
        raise WavError(f"{path}: no valid fmt chunk")
    if payload is None:
        raise WavError(f"{path}: no data chunk")

    tag, channels, samplerate, _, block_align, bits = struct.unpack_from("<HHIIHH", fmt)
    if tag == WAVE_FORMAT_EXTENSIBLE:
        if len(fmt) < 40 or fmt[26:40] != GUID_TAIL:
            raise WavError(f"{path}: WAVE_FORMAT_EXTENSIBLE with an unknown sub-format")
        tag = struct.unpack_from("<H", fmt, 24)[0]
    if channels == 0 or block_align != channels * bits // 8:
        raise WavError(f"{path}: inconsistent fmt chunk ({channels} channels, {bits} bits, block {block_align})")
    frames = len(payload) // block_align
    raw = payload[:frames * block_align]
    if tag == WAVE_FORMAT_IEEE_FLOAT and bits in (32, 64):
        samples = np.frombuffer(raw, dtype=f"<f{bits // 8}").astype(np.float64)
        encoding = f"float{bits}"
    elif tag == WAVE_FORMAT_PCM and bits in (16, 32):
        samples = np.frombuffer(raw, dtype=f"<i{bits // 8}").astype(np.float64) / 2.0 ** (bits - 1)
        encoding = f"pcm{bits}"
    elif tag == WAVE_FORMAT_PCM and bits == 24:
        bytes3 = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 3).astype(np.int32)
        values = bytes3[:, 0] | (bytes3[:, 1] << 8) | (bytes3[:, 2] << 16)
        samples = (values - ((values & 0x800000) << 1)).astype(np.float64) / 2.0 ** 23
        encoding = "pcm24"
    else:
        raise WavError(f"{path}: unsupported encoding (format tag {tag:#06x}, {bits} bits)")
    return Wav(samplerate, samples.reshape(frames, channels).T, encoding)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stems_dir", type=Path, metavar="STEMS_DIR", help="folder with {stem}.wav")
    parser.add_argument("reference", type=Path, metavar="REFERENCE.npy", help="stems.npy, (S, C, T)")
    parser.add_argument("--sources", help=f"comma-separated stem names in reference order; an empty name or "
                        f"'-' skips that stem, e.g. ',,,vocals' (default {FOUR_SOURCES} for 4 stems, "
                        f"{SIX_SOURCES} for 6)")
    parser.add_argument("--max-abs", type=float, default=1e-3, help="bound on the max abs diff (default 1e-3)")
    parser.add_argument("--rel-l2", type=float, default=1e-4, help="bound on the relative L2 error (default 1e-4)")
    args = parser.parse_args()

    try:
        reference = np.load(args.reference)
    except (OSError, ValueError) as error:
        print(f"compare_stems.py: cannot read {args.reference}: {error}", file=sys.stderr)
        return 1
    if reference.ndim == 4 and reference.shape[0] == 1:
        reference = reference[0]
    if reference.ndim != 3:
        print(f"compare_stems.py: {args.reference} has shape {reference.shape}, expected (S, C, T)",
              file=sys.stderr)
        return 1
    if args.sources:
        sources = args.sources.split(",")
    else:
        sources = {4: FOUR_SOURCES, 6: SIX_SOURCES}.get(reference.shape[0], "").split(",")
    if len(sources) != reference.shape[0]:
        print(f"compare_stems.py: {len(sources)} source names for {reference.shape[0]} reference stems "
              f"(pass --sources)", file=sys.stderr)
        return 1

    failed = False
    width = max(len(name) for name in sources)
    for index, name in enumerate(sources):
        if name in ("", "-"):
            continue
        path = args.stems_dir / f"{name}.wav"
        expected = reference[index].astype(np.float64)
        try:
            wav = read_wav(path)
        except (OSError, WavError) as error:
            print(f"{name:<{width}}  ERROR {error}")
            failed = True
            continue
        if wav.audio.shape != expected.shape:
            print(f"{name:<{width}}  SHAPE (channels, frames) {wav.audio.shape} vs reference {expected.shape} "
                  f"({wav.encoding}, {wav.samplerate} Hz)")
            failed = True
            continue
        diff = wav.audio - expected
        max_abs = float(np.abs(diff).max())
        reference_norm = float(np.linalg.norm(expected))
        rel_l2 = float(np.linalg.norm(diff)) / reference_norm if reference_norm > 0 else float(np.linalg.norm(diff))
        ok = max_abs <= args.max_abs and rel_l2 <= args.rel_l2
        failed |= not ok
        print(f"{name:<{width}}  max abs {max_abs:.3e}  rel L2 {rel_l2:.3e}  reference peak "
              f"{np.abs(expected).max():.4f}  ({wav.encoding}, {wav.samplerate} Hz, {wav.audio.shape[1]} frames)  "
              f"{'ok' if ok else 'OVER BOUND'}")
    bounds = f"max abs ≤ {args.max_abs:g}, rel L2 ≤ {args.rel_l2:g}"
    print(f"{'FAIL' if failed else 'PASS'} ({bounds})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
