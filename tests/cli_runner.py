"""Run the installed ``awsprocesscreds-saml`` as botocore does: stdout and stderr are
pipes (files here), and the person is reached on a pseudo-terminal (``/dev/tty``)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
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


def run_cli(
    args: Sequence[str],
    env: Mapping[str, str],
    tmp_path: Path,
    dialogue: Sequence[tuple[str, str | None]] = (),
    *,
    timeout: float = EXPECT_TIMEOUT,
    interrupt_after: str | None = None,
) -> Run:
    """Run the CLI on a pseudo-terminal. ``dialogue`` is (screen regex, line to type);
    a None line only waits for the pattern. ``interrupt_after`` sends Ctrl-C once that
    pattern is on screen."""
    out, err = tmp_path / f"out-{os.getpid()}-{id(args)}", tmp_path / f"err-{id(args)}"
    child = pexpect.spawn(
        "/bin/sh",
        [
            "-c",
            'out=$1; err=$2; shift 2; exec "$@" >"$out" 2>"$err"',
            "sh",
            str(out),
            str(err),
            CLI,
            *args,
        ],
        env=dict(env),
        timeout=timeout,
        encoding="utf-8",
        codec_errors="replace",
    )
    screen = []
    try:
        for pattern, line in dialogue:
            child.expect(pattern)
            screen.append(_text(child.before) + _text(child.after))
            if line is not None:
                child.sendline(line)
        if interrupt_after is not None:
            child.expect(interrupt_after)
            screen.append(_text(child.before) + _text(child.after))
            child.sendintr()
        child.expect(pexpect.EOF)
        screen.append(_text(child.before))
    finally:
        child.close(force=True)
    code = child.exitstatus if child.exitstatus is not None else 128 + (child.signalstatus or 0)
    return Run(code, out.read_text(), err.read_text(), "".join(screen))


def run_without_terminal(args: Sequence[str], env: Mapping[str, str], timeout: float = 60) -> Run:
    """Run the CLI in a new session: no controlling terminal, stdin closed (as in CI)."""
    done = subprocess.run(
        [CLI, *args],
        env=dict(env),
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
