"""Fork-and-exec helper of ``bench.py``: starts commands, reports wall time and peak RSS.

Why a separate, tiny process: on Linux a child's ``ru_maxrss`` is at least the resident
size of the address space it was forked (or vforked, or posix_spawned) from, because
the kernel folds the old address space's high-water mark into it at ``execve``.
``bench.py`` holds moto, boto3 and the emulators (about 100 MB), so children it
started itself would all report about 100 MB. This helper runs with ``python -S -I``,
imports only modules the interpreter has already loaded or that are built in, and
forks (never vforks) its children, so they start from the helper's few MB of private
memory and report their own peak as long as it is larger (``bench.py`` measures that
floor with ``true`` and prints it).

Protocol, on the helper's stdin and stdout: messages are marshal'd values, each
preceded by its length (8 bytes, big-endian). A request is a list of jobs, each a dict
with ``argv`` (list of str, ``argv[0]`` an absolute path), ``env`` (dict), ``stdin``
(a path or ""), ``stdout`` and ``stderr`` (paths, truncated) and ``timeout`` (whole
seconds, enforced with ``alarm``, which survives ``execve``). All jobs of a request are
started at once, then reaped in the order they end. The reply is a list with, for each
job in request order, a dict: ``exit`` (exit code, or minus the signal number),
``wall`` (seconds from just before its fork to its reaping) and ``maxrss`` (the
``ru_maxrss`` of ``wait4``: KiB on Linux). An empty request ends the helper.
"""

from __future__ import annotations

# ``signal`` would import ``enum``; the built-in ``_signal`` is all that is needed.
import _signal  # type: ignore[import-not-found,unused-ignore]
import marshal
import os
import sys
import time

# ``typing`` imports ``re`` and more: names for type checkers only.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    Job = dict[str, Any]

LENGTH_BYTES = 8


def _read_exactly(count: int) -> bytes:
    chunks: list[bytes] = []
    while count > 0:
        chunk = os.read(0, min(count, 1 << 20))
        if not chunk:
            raise EOFError("bench.py went away")
        chunks.append(chunk)
        count -= len(chunk)
    return b"".join(chunks)


def _receive() -> list[Job]:
    size = int.from_bytes(_read_exactly(LENGTH_BYTES), "big")
    jobs = marshal.loads(_read_exactly(size))  # noqa: S302 - bench.py, our parent, wrote it
    if not isinstance(jobs, list):
        raise TypeError("a request is a list of jobs")
    return jobs


def _send(value: list[dict[str, float | int]]) -> None:
    data = marshal.dumps(value)
    view = memoryview(len(data).to_bytes(LENGTH_BYTES, "big") + data)
    while view:
        view = view[os.write(1, view) :]


def _child(job: Job) -> None:
    """In the forked child: set up the session and files, then become the command."""
    try:
        os.setsid()  # no controlling terminal: nothing can prompt on /dev/tty
        stdin = str(job["stdin"]) or os.devnull
        descriptors = (
            os.open(stdin, os.O_RDONLY),
            os.open(str(job["stdout"]), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600),
            os.open(str(job["stderr"]), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600),
        )
        for target, descriptor in enumerate(descriptors):
            os.dup2(descriptor, target)
        for descriptor in descriptors:
            if descriptor > 2:
                os.close(descriptor)
        _signal.alarm(int(job["timeout"]))
        argv = [str(part) for part in job["argv"]]
        env = {str(name): str(value) for name, value in job["env"].items()}
        os.execve(argv[0], argv, env)  # noqa: S606 - the argv comes from bench.py
    finally:
        os._exit(127)


def _run(jobs: list[Job]) -> list[dict[str, float | int]]:
    started: dict[int, tuple[int, float]] = {}
    for index, job in enumerate(jobs):
        begin = time.perf_counter()
        pid = os.fork()
        if pid == 0:
            _child(job)
        started[pid] = (index, begin)
    results: list[dict[str, float | int]] = [{} for _ in jobs]
    while started:
        pid, status, usage = os.wait4(-1, 0)
        end = time.perf_counter()
        if pid not in started:
            continue
        index, begin = started.pop(pid)
        results[index] = {
            "exit": os.waitstatus_to_exitcode(status),
            "wall": end - begin,
            "maxrss": usage.ru_maxrss,
        }
    return results


def main() -> int:
    while True:
        jobs = _receive()
        if not jobs:
            return 0
        _send(_run(jobs))


if __name__ == "__main__":
    sys.exit(main())
