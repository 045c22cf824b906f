"""TerminalTurn: one holder per terminal, a bounded wait, a private place for the lock
or no turn-taking at all (never a failed run)."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from awsprocesscreds.errors import TerminalBusy
from awsprocesscreds.turns import TerminalTurn


def lock_files(directory: Path) -> list[Path]:
    return sorted(directory.rglob("session-*.lock"))


def test_a_second_turn_on_the_same_terminal_waits_then_fails_clearly(tmp_path: Path) -> None:
    env = {"HOME": str(tmp_path)}
    first, second = TerminalTurn(env, timeout=5), TerminalTurn(env, timeout=0.2)
    first.acquire()
    first.acquire()  # taking it again is a no-op, not a self-deadlock
    with pytest.raises(TerminalBusy, match=r"asking on this terminal for over 0 s"):
        second.acquire()
    first.release()
    second.acquire()  # free again once released
    second.release()
    second.release()


def test_the_lock_lives_in_a_private_directory_under_home(tmp_path: Path) -> None:
    turn = TerminalTurn({"HOME": str(tmp_path)}, timeout=1)
    turn.acquire()
    try:
        [lock] = lock_files(tmp_path)
    finally:
        turn.release()
    assert lock.parent == tmp_path / ".aws" / "awsprocesscreds" / "terminals"
    for directory in (lock.parent, lock.parent.parent, lock.parent.parent.parent):
        assert stat.S_IMODE(directory.stat().st_mode) == 0o700


def test_the_runtime_directory_is_preferred_and_the_only_one_without_home(
    tmp_path: Path,
) -> None:
    home, runtime = tmp_path / "home", tmp_path / "run"
    home.mkdir()
    runtime.mkdir(mode=0o700)
    env = {"HOME": str(home), "XDG_RUNTIME_DIR": str(runtime)}
    for use_home in (True, False):
        turn = TerminalTurn(env, timeout=1, use_home=use_home)
        turn.acquire()
        try:
            assert [path.parent for path in lock_files(runtime)] == [runtime / "awsprocesscreds"]
            assert lock_files(home) == []
        finally:
            turn.release()


def test_a_turn_leaves_no_lock_file_behind(tmp_path: Path) -> None:
    env = {"HOME": str(tmp_path)}
    first, second = TerminalTurn(env, timeout=5), TerminalTurn(env, timeout=5)
    first.acquire()
    first.release()
    second.acquire()  # a new file at the same path: the removed one is not reused
    second.release()
    assert lock_files(tmp_path) == []


@pytest.mark.parametrize("broken", ["file", "relative", "unset", "no-cache"])
def test_without_a_usable_directory_there_is_no_turn_taking(tmp_path: Path, broken: str) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    env = {
        "file": {"HOME": str(blocker)},
        "relative": {"HOME": "relative/home"},
        "unset": {},
        "no-cache": {"HOME": str(tmp_path)},
    }[broken]
    first = TerminalTurn(env, timeout=0.2, use_home=broken != "no-cache")
    second = TerminalTurn(env, timeout=0.2, use_home=broken != "no-cache")
    first.acquire()
    second.acquire()  # no lock to wait for: the run goes ahead
    first.release()
    second.release()
    assert lock_files(tmp_path) == []
