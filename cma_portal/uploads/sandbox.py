"""Run the inspection of an upload in a child process bounded in memory (RLIMIT_AS: what it
holds at the fork plus `Limits.memory`), CPU (RLIMIT_CPU) and wall-clock time (the parent stops
waiting after `Limits.timeout` and kills it).

A plain `os.fork()`: the child already has the parsers imported and the file in memory, costs a
few milliseconds, touches nothing it inherited (no database, no logging handler of ours) and
leaves through `os._exit`. Not `multiprocessing`: its fork server re-imports the web process's
main module in every child.
"""

import logging
import os
import pickle
import select
import signal
import time

from . import child
from .errors import Refused
from .limits import Limits

logger = logging.getLogger(__name__)

# The last inspection's figures, for the benchmark (bench/bench_uploads.py).
last_stats: dict = {}


def _child(write_fd: int, data: bytes, accept: frozenset[str], limits: Limits) -> None:
    try:
        message = child.judge(data, accept=accept, limits=limits)
        blob = pickle.dumps(message)
        view = memoryview(blob)
        while view:
            written = os.write(write_fd, view)
            view = view[written:]
    finally:
        os._exit(0)


def _high_water_mark(pid: int) -> int:
    """The peak resident memory of process `pid`, in bytes (0 if unknown)."""
    try:
        with open(f"/proc/{pid}/status", "rb") as status:
            for line in status:
                if line.startswith(b"VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def run_inspection(data: bytes, *, accept: frozenset[str], limits: Limits) -> dict:
    """The verdict of `child.inspect_file` on `data`, computed in a bounded child process.
    Raises `Refused` (including "too_complex" when the child ran out of memory, time or CPU)."""
    read_fd, write_fd = os.pipe()
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:  # pragma: no cover — the child, measured through its verdict
        os.close(read_fd)
        _child(write_fd, data, accept, limits)
    os.close(write_fd)
    chunks = []
    deadline = started + limits.timeout
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                chunks = None
                break
            ready, _, _ = select.select([read_fd], [], [], remaining)
            if not ready:
                continue
            chunk = os.read(read_fd, 1 << 16)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(read_fd)
        killed_at = None
        if chunks is None:
            killed_at = _high_water_mark(pid)
            os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
    last_stats.clear()
    if killed_at is not None:
        last_stats["peak_rss_at_kill"] = killed_at
    last_stats["seconds"] = time.monotonic() - started
    try:
        message = pickle.loads(b"".join(chunks)) if chunks else None  # noqa: S301 — our own child
    except (pickle.UnpicklingError, EOFError, ValueError):
        message = None
    if message is None:
        logger.warning("upload inspection gave no verdict (wait status %s)", status)
        raise Refused("too_complex")
    last_stats.update(message[-1])
    if message[0] == "ok":
        return message[1]
    raise Refused(message[1], **message[2])
