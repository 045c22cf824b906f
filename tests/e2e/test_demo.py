"""`make demo` (scripts/demo.py), AD FS and Entra ID: it runs on the package plus trustme
alone, and a refused password or an unknown IdP ends in one clear line, not a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "scripts" / "demo.py"
ASSUMED = "arn:aws:sts::123456789012:assumed-role/Dev/alice@example.com"
REFUSED = "awsprocesscreds-saml: error: AD FS refused the login"
ENTRA_REFUSED = "Entra ID refused the user name or password (AADSTS50126)"
#: The number the Entra demo's push shows (scripts/demo.py PUSH_NUMBER).
NUMBER = ">>>  42  <<<"

#: What `.venv-demo` does not hold. The runner makes importing any of them fail, so the
#: whole demo (its lazy imports included) must get by without them.
_NOT_IN_THE_DEMO_VENV = ("moto", "werkzeug", "flask", "pytest", "_pytest", "pexpect", "pyotp")
_BLOCKING_RUNNER = """
import importlib.abc, runpy, sys
END = sys.argv.index("--")
BLOCKED = set(sys.argv[2:END])
class Blocker(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in BLOCKED:
            raise ImportError(f"the demo imported {name}")
        return None
sys.meta_path.insert(0, Blocker())
sys.argv = [sys.argv[1], *sys.argv[END + 1 :]]
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


def _blocked(*demo_args: str) -> list[str]:
    """The arguments of a Python that runs the demo with `demo_args`, unable to import
    what `.venv-demo` does not hold."""
    return ["-c", _BLOCKING_RUNNER, str(DEMO), *_NOT_IN_THE_DEMO_VENV, "--", *demo_args]


def _run_without_terminal(env: dict[str, str], *demo_args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *_blocked(*demo_args)],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        start_new_session=True,  # no controlling terminal: the password comes from the env
        check=False,
    )


#: The demo's arguments, what it says it started, its `-p` and the refusal of a wrong
#: password: the default (AD FS) and `--idp entra`.
IDPS = [
    pytest.param((), "AD FS emulator: ", "adfs", REFUSED, id="adfs-default"),
    pytest.param(("--idp", "entra"), "Entra ID emulator: ", "entra", ENTRA_REFUSED, id="entra"),
]


@pytest.mark.parametrize(("args", "started", "provider", "refused"), IDPS)
def test_demo_logs_in_once_without_moto_or_test_tools(
    args: tuple[str, ...], started: str, provider: str, refused: str
) -> None:
    done = _run_without_terminal(_environment(), *args)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert f"{started}https://127.0.0.1:" in done.stdout
    assert f" -u alice@example.com -p {provider} -a " in done.stdout
    calls = [line for line in done.stdout.splitlines() if " call " in line]
    assert len(calls) == 2, done.stdout
    assert all(ASSUMED in line for line in calls)
    assert "logins at the IdP: 1" in done.stdout


@pytest.mark.parametrize(("args", "started", "provider", "refused"), IDPS)
def test_demo_wrong_password_without_terminal_is_one_line(
    args: tuple[str, ...], started: str, provider: str, refused: str
) -> None:
    environment = _environment(AWSPROCESSCREDS_DEMO_PASSWORD="wrong horse")
    done = _run_without_terminal(environment, *args)
    assert done.returncode == 1
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("demo: ")
    assert refused in lines[0]
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


# --- make demo IDP=entra ---------------------------------------------------------------------


def test_entra_demo_shows_the_number_on_the_terminal_and_logs_in_once() -> None:
    child = pexpect.spawn(
        sys.executable,
        _blocked("--idp", "entra"),
        env=_environment(),
        timeout=60,
        encoding="utf-8",
    )
    try:
        child.expect("type:  correct horse")
        child.expect("[Pp]assword for ")
        child.sendline("correct horse")
        child.expect(NUMBER)
        child.expect(pexpect.EOF)
        after = str(child.before)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0, after
    assert NUMBER not in after  # shown once: the second call is served from the cache
    assert after.count(ASSUMED) == 2
    assert "logins at the IdP: 1" in after


def test_demo_with_an_unknown_idp_is_one_line_and_exit_2() -> None:
    done = _run_without_terminal(_environment(), "--idp", "okta")
    assert done.returncode == 2
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("demo: error: argument --idp: invalid choice: 'okta' (choose from")
    assert "adfs" in lines[0]
    assert "entra" in lines[0]
    assert done.stdout == ""


@pytest.mark.parametrize(("given", "passed"), [((), "adfs"), (("IDP=entra",), "entra")])
def test_make_demo_passes_the_idp_to_the_script(given: tuple[str, ...], passed: str) -> None:
    shown = subprocess.run(
        ["make", "--dry-run", "--always-make", "-C", str(ROOT), "demo", *given],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    assert f"scripts/demo.py --idp {passed}\n" in shown
