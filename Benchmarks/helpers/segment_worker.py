#!/usr/bin/env python3
"""A benchmark worker that holds one model in PyTorch or ONNX Runtime and runs one segment forward on command.

    segment_worker.py --runtime torch|ort --bundle DIR [--member I] [--model FILE.onnx] --input x.npy [--threads 2]

Protocol (one JSON object per line): the worker loads the model and writes
`{"event": "ready", "import_s", "load_s", "how", "verified", …}`; then reads commands on stdin:
`run` → one forward, `{"event": "run", "seconds", "cpu_s"}` (cpu_s: CPU time of the whole process during it);
`save PATH` → writes the last output as .npy; `quit` → exits. Anything the libraries print goes to stderr.
PyTorch runs `HTDemucs.forward` under `torch.inference_mode()` with `torch.set_num_threads(THREADS)`; ONNX Runtime
runs the CPU provider at graph optimisation level ALL with intra_op_num_threads=THREADS, inter_op_num_threads=1.
"""

import time

STARTED = time.perf_counter()

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

# Keep stdout for the protocol; library output goes to stderr.
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
    parser.add_argument("--runtime", choices=["torch", "ort"], required=True)
    parser.add_argument("--bundle", type=Path, required=True)
    parser.add_argument("--member", type=int, default=0, help="model of a bag (default 0)")
    parser.add_argument("--model", type=Path, help="ONNX file for --runtime ort (default: the bundle's)")
    parser.add_argument("--input", type=Path, required=True)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--no-verify", action="store_true", help="skip the weight hash check (torch)")
    args = parser.parse_args()

    import numpy as np
    mix = np.load(args.input).astype(np.float32)
    ready = {}
    if args.runtime == "torch":
        import torch
        torch.set_num_threads(args.threads)
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        import torch_models
        import demucs.htdemucs  # noqa: F401  (counted as import time)
        import demucs.states  # noqa: F401
        imported = time.perf_counter()
        models, _, how = torch_models.load_models(args.bundle)
        model = models[args.member]
        loaded = time.perf_counter()
        ready["verified"] = None if args.no_verify else torch_models.verify(models, args.bundle)
        del models
        tensor = torch.from_numpy(mix)

        def forward():
            with torch.inference_mode():
                return model(tensor).numpy()
        ready |= {"how": how, "threads": torch.get_num_threads(), "version": torch.__version__,
                  "mkl": torch.backends.mkl.is_available(), "cpu_capability": torch.backends.cpu.get_cpu_capability()}
    else:
        import onnxruntime as ort
        imported = time.perf_counter()
        path = args.model
        if path is None:
            meta = json.loads((args.bundle / "swdemucs.json").read_text())
            path = args.bundle / meta["models"][args.member]["file"]
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.intra_op_num_threads = args.threads
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        loaded = time.perf_counter()
        name = session.get_inputs()[0].name

        def forward():
            return session.run(None, {name: mix})[0]
        ready |= {"how": f"InferenceSession({path.name}), level ALL", "threads": args.threads,
                  "version": ort.__version__}
    send(event="ready", import_s=imported - STARTED, load_s=loaded - imported, peak_rss_mb=peak_rss_mb(), **ready)

    output = None
    for line in sys.stdin:
        command, _, rest = line.strip().partition(" ")
        if command == "run":
            cpu, start = time.process_time(), time.perf_counter()
            output = forward()
            seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
            send(event="run", seconds=seconds, cpu_s=cpu, peak_rss_mb=peak_rss_mb())
        elif command == "save":
            np.save(rest, output)
            send(event="saved", path=rest)
        elif command == "quit":
            send(event="bye", peak_rss_mb=peak_rss_mb())
            return 0
        else:
            send(event="error", message=f"unknown command {command!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
