"""Running the benchmark's processes: start commands, time them, read their peak RSS.

Contract: a :class:`Command` says what to start (an absolute ``argv[0]``, the whole
environment, a file for stdin). :meth:`Spawner.run` starts a batch of commands at once
through the ``spawner.py`` helper and returns one :class:`Run` per command, in order:
exit code, wall time, peak RSS and output. The children run in the spawner's working
directory, in a session of their own, with a hard time limit (``RUN_TIMEOUT`` unless
told otherwise). A helper that does not answer raises :class:`BenchError`, the one
error of the benchmark: it means the benchmark itself could not run, never that a
target was missed.
"""

from __future__ import annotations

import marshal
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

SPAWNER = Path(__file__).resolve().parent / "spawner.py"

#: Hard limit (seconds) on each child process, unless a caller asks for another.
RUN_TIMEOUT = 60


class BenchError(Exception):
    """The benchmark itself could not run (not a missed target)."""


@dataclass(frozen=True)
class Command:
    """One way to start a process: argv (absolute argv[0]), environment, stdin file."""

    name: str
    argv: tuple[str, ...]
    env: dict[str, str]
    stdin: str = ""


@dataclass(frozen=True)
class Run:
    """What one process did: exit code (minus the signal number if killed), wall time
    in seconds, peak RSS in KiB, and its output."""

    exit: int
    wall: float
    maxrss_kib: int
    stdout: str
    stderr: str

    def failure(self) -> str:
        last = (self.stderr.strip().splitlines() or ["(no stderr)"])[-1]
        how = f"killed by signal {-self.exit}" if self.exit < 0 else f"exit {self.exit}"
        return f"{how}: {last[:300]}"


class Spawner:
    """The tiny fork-and-exec helper of ``spawner.py`` (see there for why it exists)."""

    def __init__(self, python: str, scratch: Path) -> None:
        self._scratch = scratch
        self._serial = 0
        self._process = subprocess.Popen(
            [python, "-S", "-I", str(SPAWNER)],
            cwd=scratch,  # the children's working directory: not the source tree
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )

    def run(self, commands: Sequence[Command], timeout: int = RUN_TIMEOUT) -> list[Run]:
        """Start all ``commands`` at once and wait for all of them."""
        jobs: list[dict[str, Any]] = []
        files: list[tuple[Path, Path]] = []
        for command in commands:
            self._serial += 1
            out = self._scratch / f"{self._serial}.out"
            err = self._scratch / f"{self._serial}.err"
            files.append((out, err))
            jobs.append(
                {
                    "argv": list(command.argv),
                    "env": command.env,
                    "stdin": command.stdin,
                    "stdout": str(out),
                    "stderr": str(err),
                    "timeout": timeout,
                }
            )
        replies = self._exchange(jobs)
        runs = []
        for reply, (out, err) in zip(replies, files, strict=True):
            runs.append(
                Run(
                    exit=int(reply["exit"]),
                    wall=float(reply["wall"]),
                    maxrss_kib=_kib(int(reply["maxrss"])),
                    stdout=out.read_text(errors="replace"),
                    stderr=err.read_text(errors="replace"),
                )
            )
            out.unlink()
            err.unlink()
        return runs

    def one(self, command: Command, timeout: int = RUN_TIMEOUT) -> Run:
        return self.run([command], timeout)[0]

    def _exchange(self, jobs: list[dict[str, Any]]) -> list[dict[str, Any]]:
        stdin, stdout = self._process.stdin, self._process.stdout
        if stdin is None or stdout is None:
            raise BenchError("the spawner has no pipes")
        data = marshal.dumps(jobs)
        try:
            stdin.write(len(data).to_bytes(8, "big") + data)
            stdin.flush()
            size = int.from_bytes(_read(stdout, 8), "big")
            reply = marshal.loads(_read(stdout, size))  # noqa: S302 - from our own helper
        except (OSError, EOFError) as exc:
            raise BenchError(f"the spawner failed: {exc}") from exc
        if not isinstance(reply, list):
            raise BenchError("the spawner answered nonsense")
        return reply

    def close(self) -> None:
        if self._process.stdin is not None and self._process.poll() is None:
            try:
                empty = marshal.dumps([])
                self._process.stdin.write(len(empty).to_bytes(8, "big") + empty)
                self._process.stdin.close()
            except OSError:
                pass
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()


def _read(stream: IO[bytes], count: int) -> bytes:
    data = b""
    while len(data) < count:
        chunk = stream.read(count - len(data))
        if not chunk:
            raise EOFError("the spawner exited")
        data += chunk
    return data


def _kib(maxrss: int) -> int:
    """ru_maxrss is in KiB on Linux and in bytes on macOS."""
    return maxrss // 1024 if sys.platform == "darwin" else maxrss


def mb(kib: float) -> float:
    return kib * 1024 / 1e6
