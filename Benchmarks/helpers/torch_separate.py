#!/usr/bin/env python3
"""What `python -m demucs.separate TRACK --shifts 0 --float32` does, with the bundle's PyTorch model, timed.

    torch_separate.py --bundle DIR --track FILE --out DIR [--later-calls K] [--threads 2] [--stems-npy FILE]

The demucs CLI cannot load a random-init model by name, so this runs the very steps of demucs 4.0.1's
`separate.py` main loop: `load_track` (ffmpeg, else torchaudio + julius resampling to the model rate), normalisation
by the mono mix's mean and std, `apply_model(model, wav[None], shifts=0, split=True, overlap=0.25)`, the
normalisation undone, and `save_audio(..., clip='rescale', as_float=True)` per stem (32-bit float WAV, like
`swdemucs run --float32`). A bag runs as `BagOfModels`. The first call is what a CLI user sees in a fresh
process; `--later-calls K` repeats read + separate + write K more times in the same process.

Writes one JSON line per event on stdout: `ready` (import_s, model_load_s), then per call `call` with read_s,
separate_s, write_s, total_s, cpu_s (process CPU time during the call), peak_rss_mb (VmHWM so far) and
since_start_s (wall time since the interpreter started, the first call's end is the CLI-equivalent wall time
minus interpreter start-up, which the driver measures from spawn). With --stems-npy, the first call's stems
(after demucs's clip rescaling, as written) are saved as (S, C, T) float32 after that call's timing.
"""

import time

STARTED = time.perf_counter()

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

PROTOCOL = os.fdopen(os.dup(1), "w", buffering=1)
os.dup2(2, 1)
sys.stdout = sys.stderr


def send(**fields) -> None:
    PROTOCOL.write(json.dumps(fields) + "\n")
    PROTOCOL.flush()


def peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundle", type=Path, required=True)
    parser.add_argument("--track", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True, help="folder for the stem WAVs")
    parser.add_argument("--later-calls", type=int, default=0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--stems-npy", type=Path, help="save the first call's stems here (S, C, T) float32")
    parser.add_argument("--overlap", type=float, default=0.25)
    args = parser.parse_args()

    import numpy as np
    import torch
    from demucs.apply import BagOfModels, apply_model
    from demucs.audio import prevent_clip, save_audio
    from demucs.separate import load_track
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import torch_models
    torch.set_num_threads(args.threads)
    imported = time.perf_counter()
    models, weights, how = torch_models.load_models(args.bundle)
    model = models[0] if len(models) == 1 else BagOfModels(models, weights)
    model.cpu()
    model.eval()
    loaded = time.perf_counter()
    send(event="ready", import_s=imported - STARTED, model_load_s=loaded - imported, how=how,
         threads=torch.get_num_threads(), since_start_s=loaded - STARTED)

    args.out.mkdir(parents=True, exist_ok=True)
    for call in range(1 + args.later_calls):
        cpu, start = time.process_time(), time.perf_counter()
        wav = load_track(args.track, model.audio_channels, model.samplerate)
        read = time.perf_counter()
        ref = wav.mean(0)
        wav -= ref.mean()
        wav /= ref.std()
        sources = apply_model(model, wav[None], shifts=0, split=True, overlap=args.overlap, progress=False,
                              num_workers=0)[0]
        sources *= ref.std()
        sources += ref.mean()
        separated = time.perf_counter()
        for source, name in zip(sources, model.sources):
            save_audio(source, str(args.out / f"{name}.wav"), samplerate=model.samplerate, clip="rescale",
                       as_float=True, bits_per_sample=16)
        written = time.perf_counter()
        send(event="call", call=call, read_s=read - start, separate_s=separated - read, write_s=written - separated,
             total_s=written - start, cpu_s=time.process_time() - cpu, peak_rss_mb=peak_rss_mb(),
             since_start_s=written - STARTED, frames=int(wav.shape[-1]))
        if call == 0 and args.stems_npy:
            stems = torch.stack([prevent_clip(source, mode="rescale") for source in sources])
            np.save(args.stems_npy, stems.numpy().astype(np.float32))
        del wav, sources
    send(event="bye", peak_rss_mb=peak_rss_mb())
    return 0


if __name__ == "__main__":
    sys.exit(main())
