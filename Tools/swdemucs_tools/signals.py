"""A deterministic, music-like stereo test signal: notes, a bass line and drums, panned."""

import numpy as np

_SCALE = np.array([0, 2, 3, 5, 7, 8, 10])  # natural minor, in semitones


def _midi_hz(note: float) -> float:
    return 440.0 * 2.0 ** ((note - 69) / 12)


def _tone(freq: float, seconds: np.ndarray, harmonics: int, brightness: float) -> np.ndarray:
    """Harmonic tone with 1/h^brightness partials below 16 kHz."""
    out = np.zeros_like(seconds)
    for h in range(1, harmonics + 1):
        if freq * h < 16000:
            out += np.sin(2 * np.pi * freq * h * seconds) / h ** brightness
    return out


def _place(track: np.ndarray, sound: np.ndarray, start: int) -> None:
    end = min(track.shape[-1], start + sound.shape[-1])
    if start < end:
        track[..., start:end] += sound[..., : end - start]


def _pan(mono: np.ndarray, position: float) -> np.ndarray:
    """Equal-power pan, position −1 (left) … 1 (right) → (2, n)."""
    angle = (position + 1) * np.pi / 4
    return np.stack([np.cos(angle) * mono, np.sin(angle) * mono])


def music_like(samples: int, samplerate: int, seed: int, channels: int = 2) -> np.ndarray:
    """`(channels, samples)` float32, peak 0.5, at 120 bpm; the same seed gives the same signal."""
    if channels != 2:
        raise ValueError("the test signal is stereo")
    rng = np.random.RandomState(seed)
    beat = samplerate // 2
    eighth = beat // 2
    mix = np.zeros((2, samples))
    root = 45 + rng.randint(0, 12)

    for start in range(0, samples, eighth):  # chord notes and a melody, panned apart
        for _ in range(rng.randint(0, 3)):
            note = root + 12 + _SCALE[rng.randint(0, 7)] + 12 * rng.randint(0, 2)
            length = eighth * rng.randint(1, 5)
            t = np.arange(length) / samplerate
            envelope = np.minimum(t / 0.01, 1.0) * np.exp(-t * rng.uniform(2, 6))
            tone = _tone(_midi_hz(note), t, 8, rng.uniform(1.0, 2.0)) * envelope
            _place(mix, _pan(0.25 * tone, rng.uniform(-0.8, 0.8)), start)

    for start in range(0, samples, beat):  # bass, one note a beat, slightly left
        note = root - 12 + _SCALE[rng.choice([0, 0, 4, 3])]
        t = np.arange(beat) / samplerate
        envelope = np.minimum(t / 0.005, 1.0) * np.exp(-t * 4)
        _place(mix, _pan(0.5 * _tone(_midi_hz(note), t, 12, 1.0) * envelope, -0.1), start)

    t = np.arange(beat) / samplerate
    kick = np.sin(2 * np.pi * np.cumsum(50 + 100 * np.exp(-t * 30)) / samplerate) * np.exp(-t * 12)
    for index, start in enumerate(range(0, samples, eighth)):
        if index % 4 == 0:
            _place(mix, _pan(0.8 * kick, 0.0), start)
        if index % 4 == 2:  # snare: a noise burst, a little wider
            noise = rng.standard_normal((2, beat)) * np.exp(-t * 25)
            _place(mix, 0.3 * (0.7 * noise + 0.3 * noise[::-1]), start)
        hat = np.diff(rng.standard_normal(eighth + 1)) * np.exp(-t[:eighth] * 80)
        _place(mix, _pan(0.08 * hat, 0.5), start)

    return (0.5 * mix / np.abs(mix).max()).astype(np.float32)
