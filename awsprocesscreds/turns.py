"""Taking turns at one terminal: concurrent runs prompt one after the other.

Terraform starts one provider per account or role, and two shells may share a
terminal: two of our runs with different settings (so different cache locks) would
then prompt at once. Their prompts run together, one line answers either, and the
second saves "echo off" as the terminal's state, so its password is echoed and echo
stays off at the end. A run therefore takes its terminal's lock before it first
writes to it, and keeps it until its interaction is over.

The lock is an OS file lock (``locks.hold``), so the kernel releases it when its holder
dies, however it dies; its holder removes the file when its turn ends, so lock files
of ended sessions do not pile up. It is the innermost lock: the per-key cache lock is always
taken before it and never while holding it, so no two runs can wait on each other.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Mapping
from pathlib import Path

from awsprocesscreds.errors import CacheLockTimeout, TerminalBusy
from awsprocesscreds.logs import logger

log = logger(__name__)

#: Where the lock files live: in $XDG_RUNTIME_DIR (private to the user, in memory,
#: never a network file system) when there is one, else under $HOME.
RUNTIME_SUBDIR: tuple[str, ...] = ("awsprocesscreds",)
HOME_SUBDIR: tuple[str, ...] = (".aws", "awsprocesscreds", "terminals")


class TerminalTurn:
    """This run's turn at its controlling terminal: ``acquire`` waits for it (at most
    ``timeout`` seconds, then TerminalBusy), ``release`` gives it back. Both may be
    called any number of times. Without a usable private directory there is no
    turn-taking: the run goes ahead, with a -v line saying so. ``use_home`` False
    (--no-cache: nothing written under $HOME) leaves only $XDG_RUNTIME_DIR."""

    def __init__(self, env: Mapping[str, str], timeout: float, use_home: bool = True) -> None:
        self._env = env
        self._timeout = timeout
        self._use_home = use_home
        self._held: contextlib.ExitStack | None = None

    def acquire(self) -> None:
        if self._held is not None:
            return
        from awsprocesscreds.locks import hold  # only a run that prompts takes the lock

        path = _lock_path(self._env, self._use_home)
        if path is None:
            log.debug("no private directory for the terminal lock; prompting without it")
            return
        stack = contextlib.ExitStack()
        try:
            held = stack.enter_context(
                hold(
                    path,
                    self._timeout,
                    "another awsprocesscreds-saml run asking on this terminal",
                    on_wait=lambda: log.debug(
                        "another run is asking on this terminal; waiting for its turn"
                    ),
                )
            )
        except CacheLockTimeout as exc:
            raise TerminalBusy(
                f"another awsprocesscreds-saml run has been asking on this terminal for over "
                f"{self._timeout:.0f} s; answer or stop it, then try again"
            ) from exc
        except OSError as exc:
            log.debug("cannot take the terminal lock (%s); prompting without it", exc.strerror)
            return
        stack.callback(held.remove)  # runs before the lock is released
        self._held = stack

    def release(self) -> None:
        held, self._held = self._held, None
        if held is not None:
            with contextlib.suppress(OSError):
                held.close()


def _lock_path(env: Mapping[str, str], use_home: bool) -> Path | None:
    """The lock file of this process's controlling terminal, in a private directory.

    The key is the session id: a terminal is the controlling terminal of exactly one
    session, and every process that reaches it through /dev/tty is in that session.
    (The device number of /dev/tty is no key: it is the same generic device for all.)
    """
    name = f"session-{os.getsid(0)}.lock"
    for base, parts in _candidates(env, use_home):
        directory = _private_directory(base, parts)
        if directory is not None:
            return directory / name
    return None


def _candidates(env: Mapping[str, str], use_home: bool) -> list[tuple[Path, tuple[str, ...]]]:
    found: list[tuple[Path, tuple[str, ...]]] = []
    places = [("XDG_RUNTIME_DIR", RUNTIME_SUBDIR)] + ([("HOME", HOME_SUBDIR)] if use_home else [])
    for variable, parts in places:
        base = env.get(variable)
        if base and os.path.isabs(base):
            found.append((Path(base), parts))
    return found


def _private_directory(base: Path, parts: tuple[str, ...]) -> Path | None:
    """``base``/``parts``, creating each missing level mode 0700 (~/.aws may hold
    other tools' secrets); None unless the result is a real directory of ours that
    only we can use."""
    import stat

    directory = base
    try:
        for part in parts:
            directory = directory / part
            directory.mkdir(mode=0o700, exist_ok=True)
        status = os.lstat(directory)
        if not stat.S_ISDIR(status.st_mode) or status.st_uid != os.getuid():
            return None
        if status.st_mode & 0o077:
            directory.chmod(0o700)
    except OSError:
        return None
    return directory
