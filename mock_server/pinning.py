"""Each worker process on a CPU of its own (``--pin-workers on``), for small machines.

With ``--workers N`` on few cores, shared with a load generator and Redis, the kernel moves
the workers around and often lets two of them share a core while another idles; pinned,
worker k runs on the k-th CPU this process may use (round robin past the last). Measured in
``docs/benchmarks.md``. Which worker is k: each takes the first free slot among N lock files
(``flock``, held for the worker's life, so a restarted worker takes the slot it freed);
uvicorn gives its workers no number of their own. Linux only (``sched_setaffinity``).
Written here because no library does this for uvicorn's workers.
"""

from __future__ import annotations

import fcntl
import os
import tempfile
from pathlib import Path
from typing import IO, Final

__all__ = ["can_pin", "pin_worker"]

#: The slot files this process holds (a lock lasts while its file stays open).
_HELD: Final[list[IO[bytes]]] = []


def can_pin() -> bool:
    """Whether this system can pin a process to CPUs."""
    return hasattr(os, "sched_setaffinity") and hasattr(os, "sched_getaffinity")


def pin_worker(port: int, workers: int, directory: Path | None = None) -> int | None:
    """Pin this process to the CPU of the first free worker slot of the server on ``port``;
    the CPU, or ``None`` when every slot is taken (then the process stays where it is)."""
    cpus = sorted(os.sched_getaffinity(0))
    slots = (directory or Path(tempfile.gettempdir())) / f"m7-mock-{port}-workers"
    slots.mkdir(parents=True, exist_ok=True)
    for slot in range(workers):
        handle = (slots / f"{slot}.lock").open("ab")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            continue
        _HELD.append(handle)
        cpu = cpus[slot % len(cpus)]
        os.sched_setaffinity(0, {cpu})
        return cpu
    return None
