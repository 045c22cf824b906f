"""`make demo` (scripts/demo.py): it runs on the package plus trustme alone, and a refused
password ends in one clear line, not a botocore traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pexpect

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "scripts" / "demo.py"
ASSUMED = "arn:aws:sts::123456789012:assumed-role/Dev/alice@example.com"
REFUSED = "awsprocesscreds-saml: error: AD FS refused the login"

#: What `.venv-demo` does not hold. The runner makes importing any of them fail, so the
#: whole demo (its lazy imports included) must get by without them.
_NOT_IN_THE_DEMO_VENV = ("moto", "werkzeug", "flask", "pytest", "_pytest", "pexpect", "pyotp")
_BLOCKING_RUNNER = """
import importlib.abc, runpy, sys
BLOCKED = set(sys.argv[2:])
class Blocker(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in BLOCKED:
            raise ImportError(f"the demo imported {name}")
        return None
sys.meta_path.insert(0, Blocker())
sys.argv = sys.argv[1:2]
runpy.run_path(sys.argv[0], run_name="__main__")
"""
_SCRUBBED_PREFIXES = ("AWS_", "AWSPROCESSCREDS_", "REQUESTS_", "CURL_", "SSL_CERT")
_SCRUBBED = {"HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY", "https_proxy", "http_proxy", "all_proxy"}


def _environment(**extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(_SCRUBBED_PREFIXES) and key not in _SCRUBBED
    }
    env.update(extra, TERM="dumb")
    return env


def _run_without_terminal(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", _BLOCKING_RUNNER, str(DEMO), *_NOT_IN_THE_DEMO_VENV],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        start_new_session=True,  # no controlling terminal: the password comes from the env
        check=False,
    )


def test_demo_logs_in_once_without_moto_or_test_tools() -> None:
    done = _run_without_terminal(_environment())
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    calls = [line for line in done.stdout.splitlines() if " call " in line]
    assert len(calls) == 2, done.stdout
    assert all(ASSUMED in line for line in calls)
    assert "logins at the IdP: 1" in done.stdout


def test_demo_wrong_password_without_terminal_is_one_line() -> None:
    done = _run_without_terminal(_environment(AWSPROCESSCREDS_DEMO_PASSWORD="wrong horse"))
    assert done.returncode == 1
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("demo: ")
    assert REFUSED in lines[0]
    assert "wrong horse" not in done.stderr + done.stdout


def test_demo_wrong_password_typed_on_a_terminal_is_one_line(tmp_path: Path) -> None:
    errors = tmp_path / "stderr"
    # stderr to a file, so that what the terminal shows and the error line stay apart.
    child = pexpect.spawn(
        "/bin/sh",
        ["-c", 'exec "$0" "$1" 2>"$2"', sys.executable, str(DEMO), str(errors)],
        env=_environment(),
        timeout=60,
        encoding="utf-8",
    )
    try:
        child.expect("type:  correct horse")
        child.expect("[Pp]assword for ")
        child.sendline("wrong horse")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 1
    lines = errors.read_text().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("demo: ")
    assert REFUSED in lines[0]
