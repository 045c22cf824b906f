"""Single flight: many runs at once with the same settings log in once and prompt once,
each on its own pseudo-terminal, as Terraform's parallel providers would start us."""

from __future__ import annotations

import os
import signal
from pathlib import Path

from tests.cli_runner import Terminal, answer_prompts
from tests.conftest import PASSWORD, USER, cache_files
from tests.emulators import AdfsEmulator, TestTls

PROMPT = r"Password for alice@example\.com: "
COPIES = 12
#: Bound on the whole dance: every loop below stops by this deadline.
DEADLINE = 90.0


def start_copies(idp: AdfsEmulator, env: dict[str, str], tmp_path: Path, n: int) -> list[Terminal]:
    args = ["-e", idp.entry_url, "-u", USER, "-p", "adfs"]
    return [Terminal(args, env, tmp_path, timeout=DEADLINE) for _ in range(n)]


def test_parallel_cold_start_logs_in_once(
    tls: TestTls, env: dict[str, str], tmp_path: Path, home: Path
) -> None:
    with AdfsEmulator(tls) as idp:
        terminals = start_copies(idp, env, tmp_path, COPIES)
        prompts = answer_prompts(terminals, PROMPT, PASSWORD, DEADLINE)
        runs = [terminal.finish() for terminal in terminals]
        assert idp.logins == 1
        assert idp.password_posts == 1
    assert prompts == 1
    assert [run.code for run in runs] == [0] * COPIES, [run.stderr for run in runs]
    assert len({run.stdout for run in runs}) == 1
    runs[0].credentials()
    assert len(cache_files(home)) == 1


def test_a_refused_password_is_not_asked_again_by_the_waiting_runs(
    tls: TestTls, env: dict[str, str], tmp_path: Path, home: Path
) -> None:
    with AdfsEmulator(tls) as idp:
        terminals = start_copies(idp, env, tmp_path, 4)
        prompts = answer_prompts(terminals, PROMPT, "wrong password", DEADLINE)
        runs = [terminal.finish() for terminal in terminals]
        assert idp.password_posts == 1  # one strike towards the lockout, not four
    assert prompts == 1
    assert [run.code for run in runs] == [1] * 4
    waiting = [run for run in runs if "in another run" in run.stderr]
    assert len(waiting) == 3
    assert cache_files(home) == []


def test_a_killed_login_does_not_block_the_next_run(
    tls: TestTls, env: dict[str, str], tmp_path: Path
) -> None:
    with AdfsEmulator(tls) as idp:
        [first] = start_copies(idp, env, tmp_path, 1)
        assert first.expect(PROMPT)
        assert first.child.pid is not None
        os.kill(first.child.pid, signal.SIGKILL)
        first.finish()
        [second] = start_copies(idp, env, tmp_path, 1)
        assert second.expect(PROMPT, timeout=10)  # not stuck behind a dead lock holder
        second.send(PASSWORD)
        run = second.finish()
    assert run.code == 0, run.stderr


def test_different_settings_do_not_wait_for_each_other(
    tls: TestTls, env: dict[str, str], tmp_path: Path
) -> None:
    with AdfsEmulator(tls, users={USER: PASSWORD, "bob@example.com": PASSWORD}) as idp:
        [alice] = start_copies(idp, env, tmp_path, 1)
        assert alice.expect(PROMPT)  # alice holds her lock, waiting at the prompt
        bob = Terminal(["-e", idp.entry_url, "-u", "bob@example.com", "-p", "adfs"], env, tmp_path)
        assert bob.expect(r"Password for bob@example\.com: ", timeout=10)
        bob.send(PASSWORD)
        alice.send(PASSWORD)
        assert bob.finish().code == 0
        assert alice.finish().code == 0
        assert idp.logins == 2
