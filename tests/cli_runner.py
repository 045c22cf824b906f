"""Run the installed ``awsprocesscreds-saml`` as botocore does: stdout and stderr are
pipes (files here), and the person is reached on a pseudo-terminal (``/dev/tty``)."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pexpect

CLI = str(Path(sys.executable).with_name("awsprocesscreds-saml"))
if not os.path.exists(CLI):  # pragma: no cover - run outside a virtualenv
    CLI = shutil.which("awsprocesscreds-saml") or CLI

#: A run may wait this long for one screen pattern; every test is bounded by it.
EXPECT_TIMEOUT = 20
#: What a terminal or a person sends a run: Ctrl-C, Ctrl-\, a hang-up, kill's default.
TERMINAL_SIGNALS = (signal.SIGINT, signal.SIGQUIT, signal.SIGHUP, signal.SIGTERM)


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str
    #: Everything written to the terminal (prompts, instructions), echo included.
    screen: str

    def credentials(self) -> dict[str, Any]:
        """The one JSON object on stdout, checked against botocore's contract."""
        document = json.loads(self.stdout)
        assert self.stdout.count("\n") == 1, self.stdout
        assert document["Version"] == 1
        assert set(document) == {
            "Version",
            "AccessKeyId",
            "SecretAccessKey",
            "SessionToken",
            "Expiration",
        }
        expiration = datetime.fromisoformat(document["Expiration"].replace("Z", "+00:00"))
        assert expiration.tzinfo is not None
        assert expiration > datetime.now(timezone.utc)
        return dict(document)

    def error_line(self) -> str:
        """The single stderr line of a failed run (no traceback)."""
        assert self.code != 0
        assert "Traceback" not in self.stderr, self.stderr
        lines = self.stderr.splitlines()
        assert len(lines) == 1, self.stderr
        assert lines[0].startswith("awsprocesscreds-saml: error: "), lines[0]
        return lines[0]


class _Screen:
    """A shell script on its own pseudo-terminal, and what it showed there."""

    def __init__(
        self,
        argv: Sequence[str],
        env: Mapping[str, str],
        timeout: float,
        ignored: Sequence[signal.Signals] = (),
    ) -> None:
        self.screen: list[str] = []

        def as_at_a_terminal() -> None:
            # A person's shell leaves Ctrl-C and hang-ups to their default actions,
            # even when the suite itself runs in the background (``make test &``,
            # nohup), whose children inherit them ignored. ``ignored`` ignores some
            # again, as nohup would.
            for signum in TERMINAL_SIGNALS:
                signal.signal(signum, signal.SIG_IGN if signum in ignored else signal.SIG_DFL)

        self.child = pexpect.spawn(
            "/bin/sh",
            list(argv),
            env=dict(env),
            timeout=timeout,
            encoding="utf-8",
            codec_errors="replace",
            preexec_fn=as_at_a_terminal,
        )

    def expect(self, pattern: str, timeout: float | None = -1) -> bool:
        """Wait for ``pattern`` on screen; False if the shell ended or time ran out first."""
        index = self.child.expect([pattern, pexpect.EOF, pexpect.TIMEOUT], timeout=timeout)
        self.screen.append(_text(self.child.before) + _text(self.child.after))
        return index == 0

    def send(self, line: str) -> None:
        self.child.sendline(line)


class Terminal(_Screen):
    """One CLI run on its own pseudo-terminal, stdout and stderr captured to files."""

    def __init__(
        self,
        args: Sequence[str],
        env: Mapping[str, str],
        tmp_path: Path,
        timeout: float = EXPECT_TIMEOUT,
        stdin_from: str | None = None,
        stderr_on_screen: bool = False,
        ignored: Sequence[signal.Signals] = (),
    ) -> None:
        """``stdin_from`` replaces stdin with that file (the terminal stays the
        controlling one), as git-remote-codecommit's pipe does. ``stderr_on_screen``
        leaves stderr on the terminal, as when a person runs the command by hand.
        ``ignored`` signals are ignored by the run, as under nohup."""
        self.out = Path(tempfile.mkstemp(dir=tmp_path, prefix="stdout-")[1])
        self.err = Path(tempfile.mkstemp(dir=tmp_path, prefix="stderr-")[1])
        script = 'out=$1; err=$2; shift 2; exec "$@" >"$out" 2>"$err"'
        if stderr_on_screen:
            script = script.replace(' 2>"$err"', "")
        if stdin_from is not None:
            # Like git: the parent (this shell) keeps the terminal, the child's stdin
            # is something else.
            script = script.replace("exec ", "") + f" <{shlex.quote(stdin_from)}"
        super().__init__(
            ["-c", script, "sh", str(self.out), str(self.err), CLI, *args], env, timeout, ignored
        )

    def interrupt(self) -> None:
        self.child.sendintr()

    def finish(self) -> Run:
        """Wait for the run to end (bounded by the timeout) and collect it."""
        try:
            if self.child.isalive():
                self.child.expect(pexpect.EOF)
                self.screen.append(_text(self.child.before))
        finally:
            self.child.close(force=True)
        status = self.child.exitstatus
        code = status if status is not None else 128 + (self.child.signalstatus or 0)
        return Run(code, self.out.read_text(), self.err.read_text(), "".join(self.screen))


def run_cli(
    args: Sequence[str],
    env: Mapping[str, str],
    tmp_path: Path,
    dialogue: Sequence[tuple[str, str | None]] = (),
    *,
    timeout: float = EXPECT_TIMEOUT,
    interrupt_after: str | None = None,
    stdin_from: str | None = None,
    stderr_on_screen: bool = False,
) -> Run:
    """Run the CLI on a pseudo-terminal. ``dialogue`` is (screen regex, line to type);
    a None line only waits for the pattern. ``interrupt_after`` sends Ctrl-C once that
    pattern is on screen."""
    terminal = Terminal(args, env, tmp_path, timeout, stdin_from, stderr_on_screen)
    try:
        for pattern, line in dialogue:
            assert terminal.expect(pattern), f"{pattern!r} never shown: {terminal.screen}"
            if line is not None:
                terminal.send(line)
        if interrupt_after is not None:
            assert terminal.expect(interrupt_after), terminal.screen
            terminal.interrupt()
    finally:
        run = terminal.finish()
    return run


class SharedTerminal(_Screen):
    """Several CLI runs started together on ONE pseudo-terminal, as Terraform's
    providers or background jobs of one shell are, each with its own stdout and stderr
    files. The shell stays on the terminal after the runs end (it waits for a line),
    so the terminal's state can be checked then."""

    #: Shown by the shell once every run has ended.
    ENDED = "ALL-RUNS-ENDED"

    def __init__(
        self,
        runs: Sequence[Sequence[str]],
        env: Mapping[str, str],
        tmp_path: Path,
        timeout: float = EXPECT_TIMEOUT,
    ) -> None:
        self.directory = Path(tempfile.mkdtemp(dir=tmp_path, prefix="shared-"))
        lines = []
        for index, args in enumerate(runs):
            files = {
                name: shlex.quote(str(self.directory / f"{name}-{index}"))
                for name in ("out", "err", "pid")
            }
            command = shlex.join([CLI, *args])
            lines.append(f"{command} >{files['out']} 2>{files['err']} & echo $! >{files['pid']}")
        for index in range(len(runs)):
            pid = shlex.quote(str(self.directory / f"pid-{index}"))
            code = shlex.quote(str(self.directory / f"code-{index}"))
            lines.append(f'wait "$(cat {pid})"; echo $? >{code}')
        lines += [f"echo {self.ENDED}", "read _"]
        self.count = len(runs)
        super().__init__(["-c", "\n".join(lines)], env, timeout)

    def pid(self, index: int) -> int:
        """The process id of run ``index`` (the shell writes it as it starts the run)."""
        path = self.directory / f"pid-{index}"
        for _ in range(1000):
            text = path.read_text() if path.exists() else ""
            if text.endswith("\n"):
                return int(text)
            time.sleep(0.01)
        raise AssertionError(f"run {index} never started")

    def wait_ended(self) -> bool:
        """Wait until every run has ended; the terminal is still open then."""
        return self.expect(self.ENDED)

    def echo(self) -> bool:
        """Whether the terminal echoes what is typed (termios ECHO, read on our side)."""
        return bool(self.child.getecho())

    def finish(self) -> list[Run]:
        """End the shell and collect every run (exit code 255 if it never ended)."""
        self.child.close(force=True)
        runs = []
        for index in range(self.count):
            code_file = self.directory / f"code-{index}"
            code = int(code_file.read_text()) if code_file.exists() else 255
            runs.append(
                Run(
                    code,
                    (self.directory / f"out-{index}").read_text(),
                    (self.directory / f"err-{index}").read_text(),
                    "".join(self.screen),
                )
            )
        return runs


def run_without_terminal(
    args: Sequence[str], env: Mapping[str, str], timeout: float = 60, cwd: Path | None = None
) -> Run:
    """Run the CLI in a new session: no controlling terminal, stdin closed (as in CI);
    in ``cwd`` when given."""
    done = subprocess.run(
        [CLI, *args],
        env=dict(env),
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        start_new_session=True,
        check=False,
    )
    return Run(done.returncode, done.stdout, done.stderr, "")


def prompts(screen: str, pattern: str = r"[Pp]assword for ") -> int:
    """How many times ``pattern`` was shown."""
    return len(re.findall(pattern, screen))


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def answer_prompts(terminals: Sequence[Terminal], prompt: str, answer: str, deadline: float) -> int:
    """Poll every terminal until all runs ended (or ``deadline`` seconds passed); type
    ``answer`` at each ``prompt`` shown. Returns how many prompts were shown."""
    shown = 0
    pending = list(terminals)
    end = time.monotonic() + deadline
    while pending and time.monotonic() < end:
        for terminal in list(pending):
            if not terminal.child.isalive():
                pending.remove(terminal)
            elif terminal.expect(prompt, timeout=0.05):
                shown += 1
                terminal.send(answer)
    return shown
