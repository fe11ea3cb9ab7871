#!/usr/bin/env python3
"""Tests of Tools/compare_stems.py on WAV files written here: `python Tools/test_compare_stems.py`.

The WAVs are written byte by byte (IEEE float with fact/PEAK/LIST chunks, WAVE_FORMAT_EXTENSIBLE, odd-sized
chunks) and, when the `soundfile` package is installed, also by libsndfile — the library swdemucs writes with.
"""

import shutil
import struct
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

import numpy as np

TOOLS = Path(__file__).resolve().parent
sys.path.insert(0, str(TOOLS))
from compare_stems import GUID_TAIL, read_wav  # noqa: E402

SOURCES = ["drums", "bass", "other", "vocals"]


def chunk(chunk_id: bytes, body: bytes) -> bytes:
    return chunk_id + struct.pack("<I", len(body)) + body + (b"\0" if len(body) & 1 else b"")


def float_wav(audio: np.ndarray, samplerate: int = 44100, extensible: bool = False) -> bytes:
    """(C, T) float32 as a 32-bit IEEE float WAV, with the extra chunks writers put around the data."""
    channels, frames = audio.shape
    fmt = struct.pack("<HHIIHH", 0xFFFE if extensible else 3, channels, samplerate,
                      samplerate * channels * 4, channels * 4, 32)
    if extensible:
        fmt += struct.pack("<HHI", 22, 32, (1 << channels) - 1) + struct.pack("<H", 3) + GUID_TAIL
    else:
        fmt += struct.pack("<H", 0)
    body = (chunk(b"fmt ", fmt) + chunk(b"fact", struct.pack("<I", frames))
            + chunk(b"PEAK", struct.pack("<II", 1, 0) + b"\0" * 8 * channels)
            + chunk(b"LIST", b"INFOISFT\x05\0\0\0test\0")  # odd-sized sub-chunk: exercises padding
            + chunk(b"data", audio.T.astype("<f4").tobytes()))
    return b"RIFF" + struct.pack("<I", 4 + len(body)) + b"WAVE" + body


class CompareStemsTests(unittest.TestCase):
    def setUp(self):
        self.folder = Path(tempfile.mkdtemp())
        rng = np.random.default_rng(0)
        self.reference = (0.05 * rng.standard_normal((4, 2, 4410))).astype(np.float32)
        np.save(self.folder / "stems.npy", self.reference)
        self.stems = self.folder / "stems"
        self.stems.mkdir()
        self.addCleanup(shutil.rmtree, self.folder)

    def write_all(self, stems: np.ndarray, **options) -> None:
        for name, audio in zip(SOURCES, stems):
            (self.stems / f"{name}.wav").write_bytes(float_wav(audio, **options))

    def run_tool(self, *extra: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, str(TOOLS / "compare_stems.py"), str(self.stems),
                               str(self.folder / "stems.npy"), *extra], capture_output=True, text=True)

    def test_reads_float_wav_exactly(self):
        for extensible in (False, True):
            path = self.folder / "one.wav"
            path.write_bytes(float_wav(self.reference[1], 48000, extensible=extensible))
            wav = read_wav(path)
            self.assertEqual((wav.samplerate, wav.encoding), (48000, "float32"))
            np.testing.assert_array_equal(wav.audio, self.reference[1])

    def test_identical_stems_pass(self):
        self.write_all(self.reference)
        result = self.run_tool("--sources", ",".join(SOURCES))
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("max abs 0.000e+00", result.stdout)
        self.assertIn("PASS", result.stdout)

    def test_small_drift_passes_large_drift_fails(self):
        stems = self.reference.copy()
        stems[3, 1, 100] += 1e-6  # rel L2 ~2.7e-7
        self.write_all(stems)
        self.assertEqual(self.run_tool().returncode, 0)
        stems[2, 0, 7] += 2e-3  # over --max-abs 1e-3
        self.write_all(stems)
        result = self.run_tool()
        self.assertEqual(result.returncode, 1)
        self.assertIn("other ", [line[:6] for line in result.stdout.splitlines() if "OVER BOUND" in line])
        self.assertEqual(self.run_tool("--max-abs", "3e-3", "--rel-l2", "1e-2").returncode, 0)
        stems = self.reference * (1 + 2e-4)  # max abs ~4e-5, rel L2 2e-4: over --rel-l2 only
        self.write_all(stems)
        self.assertEqual(self.run_tool().returncode, 1)

    def test_missing_stem_and_wrong_shape_fail(self):
        self.write_all(self.reference)
        (self.stems / "bass.wav").unlink()
        result = self.run_tool()
        self.assertEqual(result.returncode, 1)
        self.assertIn("ERROR", result.stdout)
        self.write_all(self.reference[:, :, :-1])
        result = self.run_tool()
        self.assertEqual(result.returncode, 1)
        self.assertIn("SHAPE", result.stdout)
        self.assertEqual(self.run_tool("--sources", "a,b").returncode, 1)
        self.write_all(self.reference)
        (self.stems / "bass.wav").unlink()
        self.assertEqual(self.run_tool("--sources", "drums,-,other,vocals").returncode, 0)
        self.assertEqual(self.run_tool("--sources", ",,,vocals").returncode, 0)

    def test_reads_what_libsndfile_writes(self):
        try:
            import soundfile
        except ImportError:
            self.skipTest("soundfile not installed")
        for name, audio in zip(SOURCES, self.reference):
            soundfile.write(self.stems / f"{name}.wav", audio.T, 44100, subtype="FLOAT")
        result = self.run_tool()
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("max abs 0.000e+00", result.stdout)
        wide = np.concatenate([self.reference, self.reference[:2]]).reshape(12, -1)
        soundfile.write(self.folder / "wide.wav", wide.T, 44100, format="WAVEX", subtype="FLOAT")
        np.testing.assert_array_equal(read_wav(self.folder / "wide.wav").audio, wide)
        soundfile.write(self.folder / "pcm24.wav", self.reference[0].T, 44100, subtype="PCM_24")
        wav = read_wav(self.folder / "pcm24.wav")
        self.assertEqual(wav.encoding, "pcm24")
        self.assertLess(np.abs(wav.audio - self.reference[0]).max(), 2.0 ** -23)


if __name__ == "__main__":
    unittest.main()
