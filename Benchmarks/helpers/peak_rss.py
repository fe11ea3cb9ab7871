"""Runs a command as the child of this small process and writes the child's peak RSS (wait4's ru_maxrss, kB).

Usage: peak_rss.py REPORT_FILE COMMAND [ARG...]; exits with the command's status (128 + N for signal N).

Why: Linux keeps a process's largest RSS across exec, and Python's subprocess starts children with vfork, so a
child the harness starts directly reports at least the harness's own high-water RSS: after the harness had
compared a song's stems (about 1.5 GB of numpy arrays), `swdemucs run` on a 5-minute track "peaked" at 1,574 MB
while it never held more than 461. A child forked by this launcher starts from the launcher's few megabytes.
The child is killed if the launcher dies first (PR_SET_PDEATHSIG), so the harness can stop both by stopping this.
"""
import ctypes
import os
import signal
import sys
from pathlib import Path

PR_SET_PDEATHSIG = 1


def main() -> int:
    report, command = sys.argv[1], sys.argv[2:]
    pid = os.fork()
    if pid == 0:
        try:
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
            os.execvp(command[0], command)
        finally:
            os._exit(127)
    _, status, usage = os.wait4(pid, 0)
    Path(report).write_text(f"{usage.ru_maxrss}\n")
    code = os.waitstatus_to_exitcode(status)
    return 128 - code if code < 0 else code


if __name__ == "__main__":
    sys.exit(main())
