#!/usr/bin/env python3
"""swdemucs benchmarks: swdemucs vs PyTorch and ONNX Runtime on the same input, threads and machine.

    .venv/bin/python Benchmarks/run_benchmarks.py --bundle Weights/htdemucs-random-seed0 --runs 5 \\
        [--segment] [--load] [--track 60] [--track song] [--track FILE] [--phases] [--memory-track] [--all]

Every runtime runs in its own process (peak RSS is that process's, from wait4), with the same thread count
(`--threads`, default 2: swdemucs `-j`, torch.set_num_threads, ORT intra_op_num_threads, and OMP/MKL/OpenBLAS
thread variables for the Python processes). Measurements are interleaved: each round runs every runtime once, in a
rotating order, and the ratio to swdemucs is also taken within each round (paired), which cancels most of the
slow drift of a shared machine. Before each measurement the harness waits (up to --wait-quiet seconds) for other
processes to leave the CPUs, and records the cores other processes used during it ("others").

  --segment       one model segment: `swdemucs infer` (a fresh process per round: load, warm-up, 1 timed
                  forward) vs PyTorch `HTDemucs.forward` (inference mode) and ONNX Runtime (level ALL, the same
                  ONNX file), each kept loaded in a worker process (warm-up first, then one timed forward per
                  round). Also swdemucs's per-part profile (of each process's first forward).
  --load          model load: swdemucs (`inspect`, session creation) vs ORT session creation vs PyTorch
                  (import + demucs.states.load_model), fresh processes, --load-runs rounds.
  --track X       whole-track separation, X = seconds of an excerpt of the test song (starting at
                  --excerpt-start), `song` for the whole test song, or an audio file: `swdemucs run --shifts 0
                  --float32` (a fresh process) vs demucs's separate.py steps in a fresh Python process (first
                  call, as a CLI user sees it; then --later-calls more in the same process). Inputs are written to
                  a temporary 44.1 kHz float WAV first (julius, as demucs resamples) so both read identical samples;
                  --as-is feeds the file unchanged (then each side resamples its own way).
  --phases        a sampled (perf) profile of one `swdemucs run` of the first --track (or a 60 s excerpt):
                  wall time per phase (load, read, STFT, encoders, transformer, decoders, iSTFT, overlap-add,
                  write); model parts split by `swdemucs infer --profile`.
  --memory-track  peak RSS of `swdemucs run` on the song looped to 5 and 10 minutes (temporary WAVs), with an RSS
                  timeline.
  --all           --segment --load --track 60 --track song --phases --memory-track.

Prints markdown tables and writes the raw results to Benchmarks/results/ (git-ignored) as JSON and markdown.
Temporary files go to $TMPDIR/swdemucs-bench. The swdemucs binary is copied there first, so a rebuild elsewhere
during a run does not mix two builds.
"""

import argparse
import datetime
import hashlib
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
HELPERS = REPO / "Benchmarks" / "helpers"
RESULTS = REPO / "Benchmarks" / "results"
SONG = Path("/work/shared/testdata/there-aint-nothin-cc0-48k.flac")
WORK = Path(tempfile.gettempdir()) / "swdemucs-bench"
# Model work per 7.8 s segment in GFLOP (2 per multiply-add), by number of sources (htdemucs, htdemucs_6s).
MODEL_GFLOP = {4: 334.9, 6: 256.3}
# A cache-line round trip between the two CPUs above this many nanoseconds means they sit on different dies
# (helpers/core_distance.c: about 50 ns together, about 320 ns apart on this project's machines).
CORES_APART_NS = 150
CLOCK_TICK = os.sysconf("SC_CLK_TCK")

# Model parts of `swdemucs infer --profile` → phases.
PHASE_OF_PART = [
    (re.compile(r"conv_spec$"), "STFT"),
    (re.compile(r"(encoder|tencoder)$"), "encoders"),
    (re.compile(r"(crosstransformer|channel_(up|down)sampler(_t)?)$"), "transformer"),
    (re.compile(r"(decoder|tdecoder)$"), "decoders"),
    (re.compile(r"conv_ispec$"), "iSTFT"),
]
MODEL_PHASES = ["STFT", "encoders", "transformer", "decoders", "iSTFT", "other model ops"]


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------------------------
# Processes, CPU and memory accounting


def cpu_busy_seconds() -> float:
    """CPU-seconds all CPUs spent busy since boot (/proc/stat)."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, idle, iowait, irq, softirq, steal = (int(x) for x in fields[:8])
    return (user + nice + system + irq + softirq + steal) / CLOCK_TICK


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU-seconds of a live process (all its threads)."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = text[text.rindex(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICK


def vm_rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


class QuietWaiter:
    """Waits until processes other than ours leave the CPUs (up to a limit) and records how long it waited."""

    def __init__(self, limit: float, threshold: float):
        self.limit, self.threshold = limit, threshold
        self.waits: list[dict] = []

    def wait(self, label: str) -> None:
        if self.limit <= 0:
            return
        started = time.monotonic()
        while True:
            busy0, t0 = cpu_busy_seconds(), time.monotonic()
            time.sleep(1.0)
            cores = (cpu_busy_seconds() - busy0) / (time.monotonic() - t0)
            waited = time.monotonic() - started
            if cores <= self.threshold or waited >= self.limit:
                self.waits.append({"before": label, "waited_s": round(waited, 1), "others_cores": round(cores, 2)})
                if cores > self.threshold:
                    log(f"machine still busy ({cores:.2f} cores used by others) after {waited:.0f} s; "
                        f"measuring {label} anyway")
                return


def python_env(threads: int) -> dict:
    env = dict(os.environ)
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        env[name] = str(threads)
    env["PYTHONWARNINGS"] = "ignore"
    return env


def under_peak_rss(report: Path, command: list[str]) -> list[str]:
    """`command` run by `helpers/peak_rss.py`, which writes its true peak RSS to `report` (see there)."""
    report.unlink(missing_ok=True)
    return [sys.executable, str(HELPERS / "peak_rss.py"), str(report), *command]


def reported_peak_rss_mb(report: Path) -> float | None:
    """The peak RSS `helpers/peak_rss.py` wrote, in MB (None if the launcher died first); removes the report."""
    try:
        kilobytes = int(report.read_text())
    except (OSError, ValueError):
        return None
    report.unlink(missing_ok=True)
    return kilobytes / 1024


def launched_child(launcher: int) -> int | None:
    """The process `helpers/peak_rss.py` (pid `launcher`) started, once it has."""
    try:
        children = Path(f"/proc/{launcher}/task/{launcher}/children").read_text().split()
    except OSError:
        return None
    return int(children[0]) if children else None


def run_process(command: list[str], *, env: dict | None = None, log_path: Path | None = None,
                rss_interval: float | None = None) -> dict:
    """Run to completion; wall time, exit status, peak RSS and the cores others used meanwhile.

    The command runs under `helpers/peak_rss.py`, which reports its peak RSS (wait4's ru_maxrss) free of this
    process's own (see there); CPU time comes from wait4 on the launcher, which includes the command's."""
    log_file = open(log_path, "wb") if log_path else subprocess.DEVNULL
    report = WORK / f"peak-rss-{os.getpid()}.kb"
    busy0, started = cpu_busy_seconds(), time.perf_counter()
    process = subprocess.Popen(under_peak_rss(report, command), env=env, stdout=log_file, stderr=log_file)
    timeline = []
    try:
        while True:
            if rss_interval is None:
                pid, status, usage = os.wait4(process.pid, 0)
            else:
                pid, status, usage = os.wait4(process.pid, os.WNOHANG)
                if pid == 0:
                    child = launched_child(process.pid)
                    rss = vm_rss_mb(child) if child else None
                    if rss is not None:
                        timeline.append((round(time.perf_counter() - started, 2), round(rss, 1)))
                    time.sleep(rss_interval)
                    continue
            break
    except BaseException:
        process.kill()
        os.wait4(process.pid, 0)
        raise
    finally:
        process.returncode = 0  # reaped by wait4 above; keep Popen from waiting again
        if log_path:
            log_file.close()
    wall = time.perf_counter() - started
    busy = cpu_busy_seconds() - busy0
    own = usage.ru_utime + usage.ru_stime
    result = {"wall_s": wall, "exit": os.waitstatus_to_exitcode(status), "peak_rss_mb": reported_peak_rss_mb(report),
              "cpu_s": own, "own_cores": own / wall, "others_cores": max(0.0, (busy - own) / wall)}
    if rss_interval is not None:
        result["rss_timeline"] = timeline
    return result


class Worker:
    """A helper process that speaks one JSON line per event on stdout (run under `helpers/peak_rss.py`)."""

    def __init__(self, command: list[str], env: dict, log_path: Path):
        self.log = open(log_path, "wb")
        self.name = command[1]
        self.report = WORK / f"peak-rss-{os.getpid()}-{id(self)}.kb"
        self.spawned = time.perf_counter()
        self.process = subprocess.Popen(under_peak_rss(self.report, command), env=env, stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=self.log, text=True, bufsize=1)

    @property
    def command_pid(self) -> int:
        """The worker's own process (the launcher's child), or the launcher while it has not started it yet."""
        return launched_child(self.process.pid) or self.process.pid

    def receive(self) -> dict:
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"worker {self.name} exited; see {self.log.name}")
        message = json.loads(line)
        message["_received"] = time.perf_counter() - self.spawned
        return message

    def request(self, command: str) -> dict:
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        return self.receive()

    def timed_run(self) -> dict:
        """One `run`, with the cores other processes used meanwhile."""
        busy0 = cpu_busy_seconds()
        reply = self.request("run")
        busy = cpu_busy_seconds() - busy0
        reply["others_cores"] = max(0.0, (busy - reply["cpu_s"]) / reply["seconds"])
        reply["own_cores"] = reply["cpu_s"] / reply["seconds"]
        return reply

    def finish(self, command: str | None = "quit") -> dict:
        """Ask it to quit (or just let it end), reap it, and return its peak RSS and CPU time."""
        if command:
            try:
                self.request(command)
            except (RuntimeError, BrokenPipeError):
                pass
        try:
            self.process.stdin.close()
        except BrokenPipeError:
            pass
        pid, status, usage = os.wait4(self.process.pid, 0)
        self.process.returncode = os.waitstatus_to_exitcode(status)
        self.log.close()
        return {"exit": self.process.returncode, "peak_rss_mb": reported_peak_rss_mb(self.report),
                "cpu_s": usage.ru_utime + usage.ru_stime, "wall_s": time.perf_counter() - self.spawned}

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()


# ---------------------------------------------------------------------------------------------------------------
# Small helpers


class CoreDistance:
    """The cache-line round trip between the first two CPUs (`helpers/core_distance.c`, compiled on first use),
    measured around each segment round: the hosts of this project's virtual machines sometimes place the two
    virtual CPUs on different dies, and memory-bound work then slows. Unavailable without a C compiler or with
    fewer than two CPUs."""

    def __init__(self):
        compiler = shutil.which("cc") or shutil.which("gcc")
        self.binary = WORK / "core_distance"
        self.available = compiler is not None and subprocess.run(
            [compiler, "-O2", "-pthread", "-o", str(self.binary), str(HELPERS / "core_distance.c")],
            capture_output=True).returncode == 0
        if not self.available:
            log("  (no C compiler or the probe did not build: rounds are not labelled by core placement)")

    def measure(self) -> float | None:
        """Nanoseconds for the round trip, or None when it cannot be measured."""
        if not self.available:
            return None
        try:
            done = subprocess.run([str(self.binary)], capture_output=True, text=True, timeout=60)
            return float(done.stdout) if done.returncode == 0 else None
        except (subprocess.TimeoutExpired, ValueError):
            return None


def cores_apart(readings: list[float | None]) -> bool | None:
    """Whether any reading around a round found the CPUs apart; None when none was measured."""
    known = [r for r in readings if r is not None]
    return any(r > CORES_APART_NS for r in known) if known else None


def summary(values: list[float]) -> dict:
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "n": len(values),
            "values": values}


def drift(ours: np.ndarray, reference: np.ndarray) -> dict:
    """Max abs difference and relative L2 error per stem (axis -3 is the stem), and the worst of each."""
    ours, reference = np.asarray(ours, np.float64), np.asarray(reference, np.float64)
    if ours.shape != reference.shape:
        return {"error": f"shapes differ: {ours.shape} vs {reference.shape}"}
    ours, reference = ours.reshape(-1, *ours.shape[-3:])[0], reference.reshape(-1, *reference.shape[-3:])[0]
    per_stem = []
    for a, b in zip(ours, reference):
        norm = np.linalg.norm(b)
        per_stem.append({"max_abs": float(np.abs(a - b).max()),
                         "rel_l2": float(np.linalg.norm(a - b) / norm) if norm > 0 else float("nan")})
    return {"max_abs": max(s["max_abs"] for s in per_stem), "rel_l2": max(s["rel_l2"] for s in per_stem),
            "per_stem": per_stem, "reference_peak": float(np.abs(reference).max())}


def parse_swdemucs_stderr(text: str) -> dict:
    """key=value lines, and the --profile lines `NAME  N calls  X s` (model parts first, then op kinds)."""
    values, parts, ops = {}, {}, {}
    table = parts
    for line in text.splitlines():
        if not line.strip():
            if parts:
                table = ops
            continue
        match = re.fullmatch(r"(\S.*?)\s+(\d+) calls\s+([\d.]+) s", line.strip())
        if match:
            table[match.group(1)] = float(match.group(3))
            continue
        match = re.fullmatch(r"(\w+)=(\S+)", line.strip())
        if match:
            values[match.group(1)] = match.group(2)
        for item in re.findall(r"(\w+)=(\S+)", line):  # threads=2 blas=SkylakeX
            values.setdefault(item[0], item[1])
    return {"values": values, "parts": parts, "ops": ops}


def phases_of_profile(parts: dict[str, float]) -> dict[str, float]:
    phases = {name: 0.0 for name in MODEL_PHASES}
    for part, seconds in parts.items():
        for pattern, phase in PHASE_OF_PART:
            if pattern.match(part):
                phases[phase] += seconds
                break
        else:
            phases["other model ops"] += seconds
    return phases


def fmt(value, digits=2) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "–"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def sci(value) -> str:
    return "–" if value is None else f"{value:.1e}"


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# ---------------------------------------------------------------------------------------------------------------
# Context: machine, binary, bundle


class Context:
    def __init__(self, args):
        self.args = args
        self.bundle = args.bundle.resolve()
        self.meta = json.loads((self.bundle / "swdemucs.json").read_text())
        self.sources = self.meta["sources"]
        self.gflop = args.gflop or MODEL_GFLOP.get(len(self.sources))
        self.threads = args.threads
        self.env = python_env(args.threads)
        self.waiter = QuietWaiter(args.wait_quiet, args.quiet_threshold)
        WORK.mkdir(parents=True, exist_ok=True)
        self.swdemucs = self.snapshot_binary(args.swdemucs)
        self.machine = self.describe_machine()

    def snapshot_binary(self, path: Path) -> Path:
        if not path.is_file():
            raise SystemExit(f"{path} does not exist; build it with `swift build -c release`")
        digest = sha256(path)
        copy = WORK / f"swdemucs-{digest[:12]}"
        if not copy.exists():
            shutil.copy2(path, copy)
        self.binary = {"path": str(path), "sha256": digest, "mtime": datetime.datetime.fromtimestamp(
            path.stat().st_mtime).isoformat(timespec="seconds"), "snapshot": str(copy)}
        git = lambda *a: subprocess.run(["git", "-C", str(REPO), *a], capture_output=True, text=True).stdout.strip()
        self.binary["git_head"] = git("rev-parse", "--short", "HEAD")
        self.binary["git_head_subject"] = git("log", "-1", "--format=%s")
        changed = [line[3:] for line in git("status", "--porcelain", "--", "Sources", "Package.swift").splitlines()]
        self.binary["uncommitted_source_changes"] = changed
        return copy

    def describe_machine(self) -> dict:
        cpuinfo = Path("/proc/cpuinfo").read_text()
        model = re.search(r"^model name\s*:\s*(.*)$", cpuinfo, re.M)
        family = re.search(r"^cpu family\s*:\s*(\d+)$", cpuinfo, re.M)
        flags = set(re.search(r"^flags\s*:\s*(.*)$", cpuinfo, re.M).group(1).split())
        memory = re.search(r"MemTotal:\s*(\d+)", Path("/proc/meminfo").read_text())
        versions = subprocess.run(
            [sys.executable, "-c", "import torch, onnxruntime, numpy, demucs; print(torch.__version__, "
             "onnxruntime.__version__, numpy.__version__, demucs.__version__, torch.backends.mkl.is_available(), "
             "torch.backends.cpu.get_cpu_capability())"], capture_output=True, text=True, env=self.env).stdout.split()
        blas = None
        tiny = REPO / "Tests" / "Fixtures" / "tiny-htdemucs"
        if (tiny / "model.onnx").is_file():  # a tiny forward, for the BLAS kernel set swdemucs reports
            probe = subprocess.run([str(self.swdemucs), "infer", str(tiny / "model.onnx"), "--input",
                                    str(tiny / "input.npy"), "--output", str(WORK / "tiny-output.npy"),
                                    "-j", str(self.threads)], capture_output=True, text=True)
            blas = re.search(r"blas=(\S+)", probe.stderr)
        return {
            "blas": blas.group(1) if blas else None,
            "date": datetime.datetime.now().isoformat(timespec="seconds"),
            "nproc": os.cpu_count(), "cpu": model.group(1) if model else platform.processor(),
            "cpu_family": int(family.group(1)) if family else None,
            "avx512": "avx512f" in flags, "memory_gib": round(int(memory.group(1)) / 2**20, 1) if memory else None,
            "kernel": platform.release(), "python": platform.python_version(),
            "torch": versions[0] if versions else None, "onnxruntime": versions[1] if len(versions) > 1 else None,
            "numpy": versions[2] if len(versions) > 2 else None, "demucs": versions[3] if len(versions) > 3 else None,
            "torch_mkl": versions[4] if len(versions) > 4 else None,
            "torch_cpu_capability": versions[5] if len(versions) > 5 else None,
            "loadavg_at_start": os.getloadavg(),
        }

    def measure(self, label: str, function, retries: int | None = None) -> dict:
        """Wait for a quiet machine, measure; measure again (up to --retries times) while other processes used
        more than --max-others cores during the measurement. Keeps the least disturbed attempt."""
        retries = self.args.retries if retries is None else retries
        best = None
        for attempt in range(1 + retries):
            self.waiter.wait(label)
            result = function()
            result["attempt"] = attempt + 1
            if best is None or result["others_cores"] < best["others_cores"]:
                best = result
            # Disturbed: others used CPU time *and* the CPUs were saturated (others using a core the
            # measured process left idle do not slow it).
            saturated = result.get("own_cores", 0) + result["others_cores"] > (os.cpu_count() or 1) - 0.25
            result["disturbed"] = result["others_cores"] > self.args.max_others and saturated
            if not result["disturbed"]:
                break
            if attempt < retries:
                log(f"  {label}: other processes used {result['others_cores']:.2f} cores meanwhile; again")
        return best

    def model_file(self, member: int = 0) -> Path:
        return self.bundle / self.meta["models"][member]["file"]


# ---------------------------------------------------------------------------------------------------------------
# Segment


def bench_segment(ctx: Context) -> dict:
    args = ctx.args
    model = ctx.model_file(args.member)
    input_path = ctx.bundle / "reference" / "input.npy"
    if not input_path.is_file():
        raise SystemExit(f"{input_path} is missing (Tools/dump_reference.py writes it)")
    folder = WORK / "segment"
    folder.mkdir(exist_ok=True)
    log(f"segment: {model} × {args.runs} rounds, {ctx.threads} threads")

    workers, ready, first = {}, {}, {}
    try:
        for runtime in ("torch", "ort"):
            ctx.waiter.wait(f"{runtime} worker start")
            command = [sys.executable, str(HELPERS / "segment_worker.py"), "--runtime", runtime, "--bundle",
                       str(ctx.bundle), "--member", str(args.member), "--input", str(input_path),
                       "--threads", str(ctx.threads)]
            workers[runtime] = Worker(command, ctx.env, folder / f"{runtime}-worker.log")
            ready[runtime] = workers[runtime].receive()
            log(f"  {runtime} ready: import {ready[runtime]['import_s']:.1f} s, load {ready[runtime]['load_s']:.1f} s")
            ctx.waiter.wait(f"{runtime} first call")
            first[runtime] = workers[runtime].timed_run()
            log(f"  {runtime} first call {first[runtime]['seconds']:.2f} s")

        sw_output = folder / "swdemucs-output.npy"
        distance = CoreDistance()
        # The reading after one run is the reading before the next: nothing runs between them.
        reading = distance.measure()
        runs = {"swdemucs": [], "torch": [], "ort": []}
        sw_runs = []
        order = ["swdemucs", "torch", "ort"]
        for round_index in range(args.runs):
            for runtime in order[round_index % 3:] + order[:round_index % 3]:
                label = f"{runtime} round {round_index + 1}"
                before = reading
                if runtime == "swdemucs":
                    log_path = folder / f"swdemucs-round{round_index + 1}.log"

                    def infer():
                        result = run_process([str(ctx.swdemucs), "infer", str(model), "--input", str(input_path),
                                              "--output", str(sw_output), "--repeat", str(args.swdemucs_repeat),
                                              "-j", str(ctx.threads), "--profile"], log_path=log_path)
                        parsed = parse_swdemucs_stderr(log_path.read_text())
                        if result["exit"] != 0 or "forward_median_s" not in parsed["values"]:
                            raise SystemExit(f"swdemucs infer failed; see {log_path}")
                        return result | parsed | {"seconds": float(parsed["values"]["forward_median_s"])}
                    result = ctx.measure(label, infer)
                    sw_runs.append(result)
                else:
                    result = ctx.measure(label, workers[runtime].timed_run)
                seconds, others = result["seconds"], result["others_cores"]
                reading = distance.measure()
                trips = [before, reading]
                apart = cores_apart(trips)
                runs[runtime].append({"seconds": seconds, "others_cores": others, "round": round_index,
                                      "attempt": result["attempt"], "disturbed": result["disturbed"],
                                      "core_round_trip_ns": trips, "cores_apart": apart})
                placement = "" if apart is None else "; cores apart" if apart else "; cores together"
                log(f"  round {round_index + 1}: {runtime} {seconds:.2f} s (others {others:.2f} cores{placement})")

        outputs = {}
        for runtime, worker in workers.items():
            path = folder / f"{runtime}-output.npy"
            worker.request(f"save {path}")
            outputs[runtime] = np.load(path)
        outputs["swdemucs"] = np.load(sw_output)
        finished = {runtime: worker.finish() for runtime, worker in workers.items()}
    finally:
        for worker in workers.values():
            worker.kill()

    reference = outputs["torch"]
    stored = ctx.bundle / "reference" / "output.npy"
    torch_vs_stored = drift(reference, np.load(stored)) if stored.is_file() and len(ctx.meta["models"]) == 1 else None
    result = {"model": str(model), "input": str(input_path), "runs": args.runs, "gflop": ctx.gflop,
              "max_others": args.max_others,
              "torch_vs_bundle_reference": torch_vs_stored, "runtimes": {}}
    for runtime in ("swdemucs", "torch", "ort"):
        times = [r["seconds"] for r in runs[runtime]]
        paired = [r["seconds"] / s["seconds"] for r, s in zip(runs[runtime], runs["swdemucs"])]
        entry = {"time_s": summary(times), "paired_ratio_to_swdemucs": summary(paired),
                 "disturbed_rounds": sum(r["disturbed"] for r in runs[runtime]),
                 "others_cores": summary([r["others_cores"] for r in runs[runtime]]),
                 "cores_apart_rounds": None if any(r["cores_apart"] is None for r in runs[runtime])
                 else sum(r["cores_apart"] for r in runs[runtime]),
                 "drift_vs_torch": drift(outputs[runtime], reference) if runtime != "torch" else None}
        if runtime == "swdemucs":
            entry["load_s"] = summary([float(r["values"]["load_s"]) for r in sw_runs])
            entry["first_call_s"] = summary([float(r["values"]["forward_s"]) for r in sw_runs])
            entry["peak_rss_mb"] = max(r["peak_rss_mb"] for r in sw_runs)
            entry["blas"] = sw_runs[0]["values"].get("blas")
            entry["threads"] = sw_runs[0]["values"].get("threads")
            entry["profiles"] = [{"parts": r["parts"], "ops": r["ops"], "forward_s": float(r["values"]["forward_s"])}
                                 for r in sw_runs]
            entry["process_wall_s"] = summary([r["wall_s"] for r in sw_runs])
        else:
            entry["load_s"] = {"median": ready[runtime]["load_s"], "values": [ready[runtime]["load_s"]]}
            entry["import_s"] = ready[runtime]["import_s"]
            entry["first_call_s"] = {"median": first[runtime]["seconds"], "values": [first[runtime]["seconds"]]}
            entry["peak_rss_mb"] = finished[runtime]["peak_rss_mb"]
            entry["ready"] = {k: v for k, v in ready[runtime].items() if not k.startswith("_")}
        entry["gflops"] = ctx.gflop / entry["time_s"]["median"] if ctx.gflop else None
        result["runtimes"][runtime] = entry
    ctx.machine["blas"] = result["runtimes"]["swdemucs"]["blas"]
    return result


def segment_tables(result: dict) -> str:
    names = {"swdemucs": "swdemucs `infer`", "torch": "PyTorch `HTDemucs.forward`", "ort": "ONNX Runtime (ALL)"}
    sw = result["runtimes"]["swdemucs"]["time_s"]["median"]
    times = result["runtimes"]["swdemucs"]["time_s"]["values"]
    rows = []
    for runtime, label in names.items():
        e = result["runtimes"][runtime]
        d = e["drift_vs_torch"]
        rows.append([label, fmt(e["time_s"]["median"]), fmt(e["time_s"]["min"]), fmt(e["time_s"]["max"]),
                     fmt(e["time_s"]["median"] / sw), fmt(e["paired_ratio_to_swdemucs"]["median"]),
                     fmt(e["first_call_s"]["median"], 1), fmt(e["load_s"]["median"], 1),
                     fmt(e["peak_rss_mb"] / 1024, 2), fmt(e["gflops"], 0),
                     "reference" if d is None else sci(d["max_abs"]), "reference" if d is None else sci(d["rel_l2"]),
                     f"{fmt(e['others_cores']['median'])} ({e['disturbed_rounds']}/{len(times)})",
                     "–" if e.get("cores_apart_rounds") is None else f"{e['cores_apart_rounds']}/{len(times)}"])
    text = table(["runtime", "median s", "min s", "max s", "÷ swdemucs", "÷ swdemucs (paired)", "first call s",
                  "load s", "peak RSS GB", "GFLOP/s", "max abs vs PyTorch", "rel L2 vs PyTorch",
                  "others, cores (rounds disturbed)", "rounds with the cores apart"],
                 rows)
    profiles = result["runtimes"]["swdemucs"]["profiles"]
    phases = [phases_of_profile(p["parts"]) for p in profiles]
    rows = [["load (session creation)", fmt(result["runtimes"]["swdemucs"]["load_s"]["median"]), ""]]
    total = statistics.median([sum(p["parts"].values()) for p in profiles])
    for name in MODEL_PHASES:
        seconds = statistics.median([p[name] for p in phases])
        rows.append([name, fmt(seconds), f"{100 * seconds / total:.0f} %"])
    rows.append(["forward (sum of parts)", fmt(total), "100 %"])
    text += "\n\nswdemucs per phase, one segment (median over the rounds of each process's profiled forward, the one after the warm-up):\n\n"
    text += table(["phase", "s", "share of forward"], rows)
    ops = {}
    for p in profiles:
        for op, seconds in p["ops"].items():
            ops.setdefault(op, []).append(seconds)
    top = sorted(((statistics.median(v), op) for op, v in ops.items()), reverse=True)[:8]
    text += "\n\nslowest op kinds (same forwards): " + ", ".join(f"{op} {s:.2f} s" for s, op in top)
    return text


# ---------------------------------------------------------------------------------------------------------------
# Load


def bench_load(ctx: Context) -> dict:
    args = ctx.args
    folder = WORK / "load"
    folder.mkdir(exist_ok=True)
    model = ctx.model_file(args.member)
    input_path = ctx.bundle / "reference" / "input.npy"
    extra = [Path(p).resolve() for p in args.load_extra]
    log(f"load: {args.load_runs} rounds")
    records = {"swdemucs": [], "ort": [], "torch": []} | {f"swdemucs:{p}": [] for p in extra}
    for round_index in range(args.load_runs):
        for key in records:
            def load(key=key):
                if key.startswith("swdemucs"):
                    path = model if key == "swdemucs" else Path(key.split(":", 1)[1])
                    log_path = folder / "swdemucs.log"
                    result = run_process([str(ctx.swdemucs), "inspect", str(path)], log_path=log_path)
                    text = log_path.read_text()
                    load = re.search(r"load time:\s*([\d.]+) s", text)
                    memory = re.search(r"memory:\s*([\d.]+) MB", text)
                    nodes = re.search(r"nodes:\s*(.*)", text)
                    return result | {"load_s": float(load.group(1)) if load else float("nan"),
                                     "arena_mb": float(memory.group(1)) if memory else None,
                                     "nodes": nodes.group(1) if nodes else None}
                command = [sys.executable, str(HELPERS / "segment_worker.py"), "--runtime", key, "--bundle",
                           str(ctx.bundle), "--member", str(args.member), "--input", str(input_path),
                           "--threads", str(ctx.threads), "--no-verify"]
                busy0 = cpu_busy_seconds()
                worker = Worker(command, ctx.env, folder / f"{key}.log")
                try:
                    ready = worker.receive()
                    finished = worker.finish()
                finally:
                    worker.kill()
                busy = cpu_busy_seconds() - busy0
                return {"load_s": ready["load_s"], "import_s": ready["import_s"],
                        "wall_s": finished["wall_s"], "peak_rss_mb": finished["peak_rss_mb"],
                        "others_cores": max(0.0, (busy - finished["cpu_s"]) / finished["wall_s"]),
                        "own_cores": finished["cpu_s"] / finished["wall_s"]}
            # Loading is mostly one thread: others on the idle core do not slow it, so no retries here.
            result = ctx.measure(f"load {key}", load, retries=0)
            records[key].append(result)
            log(f"  round {round_index + 1}: {key} load {result['load_s']:.2f} s, process {result['wall_s']:.2f} s, "
                f"peak RSS {result['peak_rss_mb']:.0f} MB")
    out = {"model": str(model), "runs": args.load_runs, "runtimes": {}}
    for key, values in records.items():
        out["runtimes"][key] = {
            "load_s": summary([v["load_s"] for v in values]), "process_wall_s": summary([v["wall_s"] for v in values]),
            "peak_rss_mb": max(v["peak_rss_mb"] for v in values),
            "others_cores": summary([v["others_cores"] for v in values]),
            "import_s": summary([v["import_s"] for v in values]) if "import_s" in values[0] else None,
            "arena_mb": values[0].get("arena_mb"), "nodes": values[0].get("nodes")}
    return out


def load_tables(result: dict) -> str:
    rows = []
    for key, e in result["runtimes"].items():
        if key == "swdemucs":
            label = "swdemucs (`inspect`: parse, lower, fold, plan)"
        elif key.startswith("swdemucs:"):
            label = f"swdemucs, {Path(key.split(':', 1)[1]).parent.name}/{Path(key.split(':', 1)[1]).name}"
        elif key == "ort":
            label = "ONNX Runtime `InferenceSession` (level ALL)"
        else:
            label = "PyTorch `demucs.states.load_model`"
        rows.append([label, fmt(e["load_s"]["median"]), fmt(e["load_s"]["min"]), fmt(e["load_s"]["max"]),
                     fmt(e["import_s"]["median"], 1) if e["import_s"] else "–",
                     fmt(e["process_wall_s"]["median"]), fmt(e["peak_rss_mb"] / 1024, 2),
                     fmt(e["others_cores"]["median"])])
    return table(["", "load median s", "min s", "max s", "Python imports s", "whole process s", "peak RSS GB",
                  "others (cores)"], rows)


# ---------------------------------------------------------------------------------------------------------------
# Whole tracks


def prepare_track(ctx: Context, spec: str) -> tuple[Path, str]:
    """The audio file for a --track spec, and a label."""
    args = ctx.args
    if spec == "song":
        source, start, seconds, label = SONG, 0.0, None, f"whole song ({SONG.name})"
    elif re.fullmatch(r"\d+(\.\d+)?", spec):
        source, start, seconds = SONG, args.excerpt_start, float(spec)
        label = f"{float(spec):g} s excerpt of {SONG.name} from {start:g} s"
    else:
        source, start, seconds, label = Path(spec).resolve(), 0.0, None, Path(spec).name
    if args.as_is:
        if seconds is not None:
            raise SystemExit("--as-is takes a file or `song`, not an excerpt length")
        return source, label + " (as is)"
    name = f"{source.stem}-{start:g}-{seconds if seconds else 'all'}-44k.wav"
    path = WORK / "audio" / name
    if not path.exists():
        command = [sys.executable, str(HELPERS / "prepare_audio.py"), str(source), str(path), "--start", str(start)]
        if seconds:
            command += ["--seconds", str(seconds)]
        subprocess.run(command, check=True, env=ctx.env, stdout=subprocess.DEVNULL)
    return path, label


def audio_seconds(path: Path) -> float:
    import soundfile
    info = soundfile.info(str(path))
    return info.frames / info.samplerate


def read_stems(folder: Path, sources: list[str]) -> np.ndarray:
    sys.path.insert(0, str(REPO / "Tools"))
    from compare_stems import read_wav
    return np.stack([read_wav(folder / f"{name}.wav").audio for name in sources])


def bench_track(ctx: Context, spec: str) -> dict:
    args = ctx.args
    track, label = prepare_track(ctx, spec)
    seconds = audio_seconds(track)
    folder = WORK / f"track-{track.stem}"
    folder.mkdir(parents=True, exist_ok=True)
    log(f"track: {label}, {seconds:.1f} s, {args.track_runs} rounds, {args.later_calls} later PyTorch call(s) each")
    sw_runs, pt_runs = [], []
    for round_index in range(args.track_runs):
        order = ["swdemucs", "torch"] if round_index % 2 == 0 else ["torch", "swdemucs"]
        for runtime in order:
            if runtime == "swdemucs":
                out = folder / "swdemucs"

                def separate():
                    shutil.rmtree(out, ignore_errors=True)
                    return run_process([str(ctx.swdemucs), "run", str(track), "-n", str(ctx.bundle), "--shifts", "0",
                                        "-o", str(out), "--float32", "-j", str(ctx.threads), "--quiet"],
                                       log_path=folder / "swdemucs.log")
                result = ctx.measure(f"track swdemucs round {round_index + 1}", separate, args.track_retries)
                if result["exit"] != 0:
                    raise SystemExit(f"swdemucs run failed; see {folder / 'swdemucs.log'}")
                sw_runs.append(result)
                log(f"  round {round_index + 1}: swdemucs run {result['wall_s']:.1f} s, "
                    f"peak RSS {result['peak_rss_mb']:.0f} MB (others {result['others_cores']:.2f} cores)")
            else:
                def separate():
                    out = folder / "torch"
                    shutil.rmtree(out, ignore_errors=True)
                    command = [sys.executable, str(HELPERS / "torch_separate.py"), "--bundle", str(ctx.bundle),
                               "--track", str(track), "--out", str(out), "--later-calls", str(args.later_calls),
                               "--threads", str(ctx.threads), "--stems-npy", str(folder / "torch-stems.npy")]
                    busy0 = cpu_busy_seconds()
                    worker = Worker(command, ctx.env, folder / "torch.log")
                    try:
                        ready = worker.receive()
                        calls = []
                        for _ in range(1 + args.later_calls):
                            message = worker.receive()
                            if not calls:  # first call: the cores others used from spawn to its end
                                busy_first = cpu_busy_seconds() - busy0
                                own = process_cpu_seconds(worker.command_pid)
                                message["others_cores"] = max(0.0, (busy_first - own) / message["_received"])
                                message["own_cores"] = own / message["_received"]
                            calls.append(message)
                        finished = worker.finish(None)
                    finally:
                        worker.kill()
                    first = calls[0]
                    return {"first_call_wall_s": first["_received"], "ready": ready, "calls": calls,
                            "first_call_peak_rss_mb": first["peak_rss_mb"], "peak_rss_mb": finished["peak_rss_mb"],
                            "others_cores": first["others_cores"], "own_cores": first["own_cores"]}
                result = ctx.measure(f"track PyTorch round {round_index + 1}", separate, args.track_retries)
                ready, calls, first = result["ready"], result["calls"], result["calls"][0]
                pt_runs.append(result)
                later = ", ".join(f"{c['total_s']:.1f}" for c in calls[1:])
                log(f"  round {round_index + 1}: PyTorch first call {result['first_call_wall_s']:.1f} s "
                    f"(import {ready['import_s']:.1f}, model {ready['model_load_s']:.1f}, read {first['read_s']:.1f}, "
                    f"separate {first['separate_s']:.1f}, write {first['write_s']:.1f}); later: {later} s; "
                    f"peak RSS {result['first_call_peak_rss_mb']:.0f} MB (others {result['others_cores']:.2f})")
    ours = read_stems(folder / "swdemucs" / ctx.bundle.name / track.stem, ctx.sources)
    reference = np.load(folder / "torch-stems.npy")
    sw_time = [r["wall_s"] for r in sw_runs]
    first_time = [r["first_call_wall_s"] for r in pt_runs]
    later_time = [c["total_s"] for r in pt_runs for c in r["calls"][1:]]
    later_separate = [c["separate_s"] for r in pt_runs for c in r["calls"][1:]]
    return {
        "track": str(track), "label": label, "seconds": seconds, "runs": args.track_runs,
        "swdemucs": {"wall_s": summary(sw_time), "peak_rss_mb": max(r["peak_rss_mb"] for r in sw_runs),
                     "others_cores": summary([r["others_cores"] for r in sw_runs]), "runs": sw_runs,
                     "drift_vs_torch": drift(ours, reference)},
        "torch": {"first_call_wall_s": summary(first_time),
                  "later_call_s": summary(later_time) if later_time else None,
                  "later_separate_s": summary(later_separate) if later_separate else None,
                  "first_call_peak_rss_mb": max(r["first_call_peak_rss_mb"] for r in pt_runs),
                  "peak_rss_mb": max(r["peak_rss_mb"] for r in pt_runs),
                  "others_cores": summary([r["others_cores"] for r in pt_runs]), "runs": pt_runs},
        "paired_ratio_first_call": summary([t / s for t, s in zip(first_time, sw_time)]),
    }


def track_tables(results: list[dict]) -> str:
    rows = []
    for r in results:
        sw, pt = r["swdemucs"], r["torch"]
        d = sw["drift_vs_torch"]
        rows.append([f"{r['label']} ({r['seconds']:.0f} s)", "`swdemucs run`", fmt(sw["wall_s"]["median"], 1),
                     f"{fmt(sw['wall_s']['min'], 1)}–{fmt(sw['wall_s']['max'], 1)}", "1.00",
                     fmt(r["seconds"] / sw["wall_s"]["median"]), fmt(sw["peak_rss_mb"] / 1024, 2),
                     sci(d.get("max_abs")), sci(d.get("rel_l2")), fmt(sw["others_cores"]["median"])])
        first = pt["first_call_wall_s"]
        rows.append(["", "PyTorch demucs, first call (fresh process)", fmt(first["median"], 1),
                     f"{fmt(first['min'], 1)}–{fmt(first['max'], 1)}",
                     f"{fmt(first['median'] / sw['wall_s']['median'])} (paired {fmt(r['paired_ratio_first_call']['median'])})",
                     fmt(r["seconds"] / first["median"]), fmt(pt["first_call_peak_rss_mb"] / 1024, 2),
                     "reference", "reference", fmt(pt["others_cores"]["median"])])
        if pt["later_call_s"]:
            later = pt["later_call_s"]
            rows.append(["", "PyTorch demucs, later calls (same process)", fmt(later["median"], 1),
                         f"{fmt(later['min'], 1)}–{fmt(later['max'], 1)}",
                         fmt(later["median"] / sw["wall_s"]["median"]), fmt(r["seconds"] / later["median"]),
                         fmt(pt["peak_rss_mb"] / 1024, 2), "", "", ""])
    return table(["track", "runtime", "median s", "range s", "÷ swdemucs", "× realtime", "peak RSS GB",
                  "max abs vs PyTorch", "rel L2 vs PyTorch", "others (cores)"], rows)


# ---------------------------------------------------------------------------------------------------------------
# Per-phase breakdown of `swdemucs run` (perf)

# Main-thread stack markers → phase, first match wins (mangled Swift names).
STACK_PHASES = [
    ("model forward", ("7SessionC3run",)),
    ("load", ("9SeparatorC6bundle", "17loadSharingMemory", "BundleLocator", "11ModelBundle")),
    ("write", ("StemFileSink", "AudioFileWriter")),
    ("overlap-add & glue", ("PassAccumulators", "BagCombination", "9SeparatorC8separate")),
    ("read & decode", ("AudioStream", "SlidingWindow", "MixStatistics", "AudioFileReader", "Resampler",
                       "libsndfile", "libsoxr", "libFLAC")),
]


WHOLE_STACK_MARKERS = ("swdemucs_main", "__libc_start", "_dl_", "execve", "_start")


def perf_phases(perf_data: Path, period_s: float) -> dict:
    """Wall time per phase from main-thread samples: each interval between two consecutive main-thread samples
    belongs to the phase of the earlier one (so time the main thread spends descheduled, waiting for compute
    threads or for I/O counts for the phase it was in); also the CPU samples of all other threads."""
    script = subprocess.run(["perf", "script", "-i", str(perf_data), "-F", "pid,tid,time,ip,sym,dso"],
                            capture_output=True, text=True).stdout
    main, others = [], 0
    for block in script.split("\n\n"):
        lines = block.strip("\n").splitlines()
        if not lines:
            continue
        header = re.match(r"\s*(\d+)/(\d+)\s+([\d.]+):", lines[0])
        if not header:
            continue
        if header.group(1) != header.group(2):
            others += 1
            continue
        stack = "\n".join(lines[1:])
        # OpenBLAS and libm frames have no frame pointers, so their stacks stop short of main: such a sample
        # belongs to the phase of the previous sample whose stack is whole.
        phase = "startup & other" if any(m in stack for m in WHOLE_STACK_MARKERS) else None
        for name, markers in STACK_PHASES:
            if any(marker in stack for marker in markers):
                phase = name
                break
        main.append((float(header.group(3)), phase))
    main.sort()
    known = [phase for _, phase in main if phase]
    previous = known[0] if known else "startup & other"
    for index, (when, phase) in enumerate(main):
        if phase is None:
            main[index] = (when, previous)
        else:
            previous = phase
    wall, cpu = {}, {}
    for index, (when, phase) in enumerate(main):
        following = main[index + 1][0] if index + 1 < len(main) else when + period_s
        wall[phase] = wall.get(phase, 0.0) + (following - when)
        cpu[phase] = cpu.get(phase, 0.0) + period_s
    span = main[-1][0] - main[0][0] + period_s if main else 0.0
    return {"wall_s": wall, "main_thread_cpu_s": cpu, "span_s": span, "other_threads_cpu_s": others * period_s}


def bench_phases(ctx: Context, spec: str, segment: dict | None) -> dict:
    if shutil.which("perf") is None:
        log("phases: perf is not installed; skipped")
        return {"skipped": "perf not installed"}
    track, label = prepare_track(ctx, spec)
    folder = WORK / "phases"
    folder.mkdir(exist_ok=True)
    if segment:
        profiles = segment["runtimes"]["swdemucs"]["profiles"]
    else:
        log("phases: one `swdemucs infer --profile` for the model-part split")
        log_path = folder / "infer.log"
        input_path = ctx.bundle / "reference" / "input.npy"
        run_process([str(ctx.swdemucs), "infer", str(ctx.model_file(0)), "--input", str(input_path), "--output",
                     str(folder / "out.npy"), "-j", str(ctx.threads), "--profile"], log_path=log_path)
        parsed = parse_swdemucs_stderr(log_path.read_text())
        profiles = [{"parts": parsed["parts"], "ops": parsed["ops"]}]
    split = [phases_of_profile(p["parts"]) for p in profiles]
    fractions = {name: statistics.median([s[name] / sum(s.values()) for s in split]) for name in MODEL_PHASES}
    period_ms = 2
    out = folder / "out"
    shutil.rmtree(out, ignore_errors=True)
    perf_data = folder / "perf.data"
    log(f"phases: perf-sampled `swdemucs run` of {label}")
    result = ctx.measure("phases", lambda: run_process(
        ["perf", "record", "-q", "-e", "cpu-clock", "-c", str(period_ms * 1_000_000), "-g", "-o", str(perf_data),
         "--", str(ctx.swdemucs), "run", str(track), "-n", str(ctx.bundle), "--shifts", "0", "-o", str(out),
         "--float32", "-j", str(ctx.threads), "--quiet"], log_path=folder / "perf.log"), ctx.args.track_retries)
    if result["exit"] != 0:
        log(f"phases: perf record failed (see {folder / 'perf.log'}); skipped")
        return {"skipped": "perf record failed"}
    samples = perf_phases(perf_data, period_ms / 1000)
    seconds = dict(samples["wall_s"])
    forward = seconds.pop("model forward", 0.0)
    phases = {"load": seconds.pop("load", 0.0), "read & decode": seconds.pop("read & decode", 0.0)}
    phases |= {name: forward * fractions[name] for name in MODEL_PHASES}
    phases |= {"overlap-add & glue": seconds.pop("overlap-add & glue", 0.0), "write": seconds.pop("write", 0.0),
               "startup & other": seconds.pop("startup & other", 0.0)}
    phases["outside the samples (perf start-up, exec)"] = max(0.0, result["wall_s"] - samples["span_s"])
    return {"track": str(track), "label": label, "seconds": audio_seconds(track), "wall_s": result["wall_s"],
            "others_cores": result["others_cores"], "phases_s": phases, "model_part_fractions": fractions,
            "samples": samples, "period_ms": period_ms}


def phase_tables(result: dict) -> str:
    if "skipped" in result:
        return f"(skipped: {result['skipped']})"
    rows = [[name, fmt(s), f"{100 * s / result['wall_s']:.1f} %"] for name, s in result["phases_s"].items()]
    rows.append(["**wall time (under perf)**", fmt(result["wall_s"]), "100 %"])
    return table(["phase", "s", "share"], rows)


# ---------------------------------------------------------------------------------------------------------------
# Memory on long tracks


def bench_memory(ctx: Context) -> dict:
    args = ctx.args
    folder = WORK / "memory"
    folder.mkdir(exist_ok=True)
    runs = []
    for minutes in args.memory_minutes:
        path = WORK / "audio" / f"{SONG.stem}-loop-{minutes:g}min-44k.wav"
        if not path.exists():
            subprocess.run([sys.executable, str(HELPERS / "prepare_audio.py"), str(SONG), str(path), "--loop-to",
                            str(60 * minutes)], check=True, env=ctx.env, stdout=subprocess.DEVNULL)
        out = folder / "out"
        shutil.rmtree(out, ignore_errors=True)
        ctx.waiter.wait(f"memory {minutes:g} min")
        log(f"memory: `swdemucs run` on {minutes:g} minutes")
        result = run_process([str(ctx.swdemucs), "run", str(path), "-n", str(ctx.bundle), "--shifts", "0", "-o",
                              str(out), "--float32", "-j", str(ctx.threads), "--quiet"],
                             log_path=folder / "swdemucs.log", rss_interval=1.0)
        shutil.rmtree(out, ignore_errors=True)
        if result["exit"] != 0:
            raise SystemExit(f"swdemucs run failed; see {folder / 'swdemucs.log'}")
        timeline = result["rss_timeline"]
        steady = [rss for t, rss in timeline if t > 0.1 * result["wall_s"]]
        result |= {"minutes": minutes, "seconds": 60 * minutes,
                   "rss_after_10pct_mb": {"min": min(steady), "max": max(steady)} if steady else None}
        log(f"  {minutes:g} min: {result['wall_s']:.0f} s, peak RSS {result['peak_rss_mb']:.0f} MB")
        runs.append(result)
    return {"runs": runs}


def memory_tables(result: dict) -> str:
    rows = []
    for r in result["runs"]:
        steady = r["rss_after_10pct_mb"]
        rows.append([f"{r['minutes']:g} min", fmt(r["peak_rss_mb"], 0),
                     f"{steady['min']:.0f}–{steady['max']:.0f}" if steady else "–",
                     fmt(r["wall_s"], 0), fmt(r["seconds"] / r["wall_s"]), fmt(r["others_cores"])])
    return table(["track", "peak RSS MB", "RSS after the first 10 % of the run, MB", "wall s", "× realtime",
                  "others (cores)"], rows)


# ---------------------------------------------------------------------------------------------------------------


def machine_text(ctx: Context) -> str:
    m, b = ctx.machine, ctx.binary
    changed = b["uncommitted_source_changes"]
    state = f"HEAD {b['git_head']} ({b['git_head_subject']})" + (
        f" plus uncommitted changes to {len(changed)} file(s) under Sources/" if changed else "")
    return (f"- date: {m['date']}; load average at start {', '.join(f'{x:.2f}' for x in m['loadavg_at_start'])}\n"
            f"- machine: {m['nproc']} cores, {m['cpu']} (family {m['cpu_family']}, AVX-512: {m['avx512']}), "
            f"{m['memory_gib']} GiB, Linux {m['kernel']}\n"
            f"- swdemucs: {state}; binary sha256 {b['sha256'][:12]}, built {b['mtime']}; "
            f"OpenBLAS kernels `{m.get('blas', '?')}`, {ctx.threads} threads\n"
            f"- Python {m['python']}: torch {m['torch']} (MKL {m['torch_mkl']}, {m['torch_cpu_capability']}), "
            f"onnxruntime {m['onnxruntime']}, demucs {m['demucs']}, numpy {m['numpy']}\n"
            + (f"- run at nice {os.getpriority(os.PRIO_PROCESS, 0)} (`--priority`), ahead of other jobs on the machine\n"
               if os.getpriority(os.PRIO_PROCESS, 0) else "")
            + f"- bundle: {ctx.bundle.relative_to(REPO) if ctx.bundle.is_relative_to(REPO) else ctx.bundle}; "
            f"model work {ctx.gflop} GFLOP per segment")


def interrupted(signum, frame):
    raise KeyboardInterrupt


AUTOGROUP = Path("/proc/sys/kernel/sched_autogroup_enabled")


def raise_priority(nice: int) -> None:
    """Run the harness and everything it starts at `nice`.

    With autogroup scheduling (Linux's default on desktop-style kernels) a process's nice value only counts
    inside its session's group, and groups share the CPUs equally; so the harness forks, the child starts its
    own session (its own autogroup) and sets the group's nice. The parent only waits and forwards SIGINT and
    SIGTERM (the new session has no terminal). The autogroup ends with the harness."""
    if AUTOGROUP.exists() and AUTOGROUP.read_text().strip() == "1":
        child = os.fork()
        if child:
            for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
                signal.signal(number, lambda signum, frame: os.kill(child, signal.SIGTERM))
            while True:
                try:
                    _, status = os.waitpid(child, 0)
                    break
                except InterruptedError:
                    continue
            os._exit(os.waitstatus_to_exitcode(status) & 0xFF)
        os.setsid()
        try:
            Path("/proc/self/autogroup").write_text(str(nice))
        except OSError as error:
            log(f"cannot set the autogroup's nice value ({error}); continuing at the default priority")
    try:
        os.setpriority(os.PRIO_PROCESS, 0, nice)  # inherited by every process the harness starts
    except OSError as error:
        log(f"cannot set nice {nice} ({error}); continuing at the default priority")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("--bundle", type=Path, default=REPO / "Weights" / "htdemucs-random-seed0")
    parser.add_argument("--runs", type=int, default=5, help="timed rounds for --segment (default 5)")
    parser.add_argument("--segment", action="store_true")
    parser.add_argument("--load", action="store_true")
    parser.add_argument("--track", action="append", default=[], metavar="SECONDS|song|FILE")
    parser.add_argument("--phases", action="store_true")
    parser.add_argument("--memory-track", action="store_true")
    parser.add_argument("--all", action="store_true")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--member", type=int, default=0, help="model of a bag for --segment/--load (default 0)")
    parser.add_argument("--swdemucs", type=Path, default=REPO / ".build" / "release" / "swdemucs")
    parser.add_argument("--swdemucs-repeat", type=int, default=1,
                        help="timed forwards per swdemucs process in --segment (default 1; the median is kept)")
    parser.add_argument("--load-runs", type=int, default=3)
    parser.add_argument("--load-extra", action="append", default=[], metavar="FILE.onnx",
                        help="also time swdemucs loading this file (no ORT)")
    parser.add_argument("--track-runs", type=int, default=2, help="rounds per --track (default 2)")
    parser.add_argument("--later-calls", type=int, default=1, help="PyTorch calls after the first, per round")
    parser.add_argument("--excerpt-start", type=float, default=30.0, help="start of --track SECONDS excerpts")
    parser.add_argument("--as-is", action="store_true", help="feed --track files unconverted")
    parser.add_argument("--memory-minutes", type=float, nargs="+", default=[5, 10])
    parser.add_argument("--gflop", type=float, help="model work per segment (default by source count)")
    parser.add_argument("--wait-quiet", type=float, default=60,
                        help="wait up to this many seconds before each measurement for other processes to go "
                             "below --quiet-threshold cores (default 60; 0 = never wait)")
    parser.add_argument("--quiet-threshold", type=float, default=0.3)
    parser.add_argument("--max-others", type=float, default=0.5,
                        help="measure again when other processes used more cores than this meanwhile (default 0.5)")
    parser.add_argument("--retries", type=int, default=2, help="extra attempts per segment/load measurement")
    parser.add_argument("--track-retries", type=int, default=1, help="extra attempts per whole-track measurement")
    parser.add_argument("--priority", type=int, default=0,
                        help="nice value for the harness and everything it runs, e.g. -10 on a machine shared "
                             "with builds (needs root or CAP_SYS_NICE; default 0: unchanged)")
    parser.add_argument("--label", default="", help="appended to the results file name")
    args = parser.parse_args()
    if args.all:
        args.segment = args.load = args.phases = args.memory_track = True
        args.track = args.track or ["60", "song"]
    if not (args.segment or args.load or args.track or args.phases or args.memory_track):
        parser.error("nothing to do: give --segment, --load, --track, --phases, --memory-track or --all")

    # A SIGTERM unwinds like Ctrl-C, so helper processes are killed on the way out.
    if args.priority:
        raise_priority(args.priority)
    signal.signal(signal.SIGTERM, interrupted)
    ctx = Context(args)
    started = time.perf_counter()
    report = {"command": " ".join([Path(sys.argv[0]).as_posix()] + sys.argv[1:]), "machine": ctx.machine,
              "binary": ctx.binary, "bundle": str(ctx.bundle), "threads": ctx.threads,
              "nice": os.getpriority(os.PRIO_PROCESS, 0)}
    sections = []
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    name = f"{stamp}-{ctx.bundle.name}" + (f"-{args.label}" if args.label else "")
    command = "python Benchmarks/run_benchmarks.py " + " ".join(sys.argv[1:])

    def save(final: bool = False) -> str:
        """Write what is measured so far (after every section, so an interrupted run keeps its results)."""
        report["machine"]["loadavg_at_end"] = os.getloadavg()
        report["quiet_waits"] = ctx.waiter.waits
        report["elapsed_s"] = time.perf_counter() - started
        report["complete"] = final
        markdown = (f"```sh\n{command}\n```\n\n{machine_text(ctx)}\n- elapsed: {report['elapsed_s'] / 60:.1f} min"
                    + ("" if final else " (incomplete run)") + "\n")
        for title, body in sections:
            markdown += f"\n#### {title}\n\n{body}\n"
        (RESULTS / f"{name}.json").write_text(json.dumps(report, indent=1, default=str) + "\n")
        (RESULTS / f"{name}.md").write_text(markdown)
        return markdown

    segment = None
    if args.segment:
        segment = report["segment"] = bench_segment(ctx)
        sections.append(("One segment (7.8 s, batch 1)", segment_tables(segment)))
        save()
    if args.load:
        report["load"] = bench_load(ctx)
        sections.append(("Model load", load_tables(report["load"])))
        save()
    if args.track:
        report["tracks"] = []
        for spec in args.track:
            report["tracks"].append(bench_track(ctx, spec))
            save()
        sections.append(("Whole tracks (`--shifts 0`, overlap 0.25, float32 WAV out)", track_tables(report["tracks"])))
        save()
    if args.phases:
        report["phases"] = bench_phases(ctx, args.track[0] if args.track else "60", segment)
        label = report["phases"].get("label", "")
        sections.append((f"`swdemucs run` per phase ({label})", phase_tables(report["phases"])))
        save()
    if args.memory_track:
        report["memory"] = bench_memory(ctx)
        sections.append(("Peak RSS of `swdemucs run` on long tracks", memory_tables(report["memory"])))
    print(save(final=True))
    log(f"wrote {RESULTS / name}.json and .md")
    return 0

if __name__ == "__main__":
    sys.exit(main())
