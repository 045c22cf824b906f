"""The terminal under stress, on real pseudo-terminals: concurrent runs take turns at
one terminal, signals and Ctrl-C leave it as they found it, bytes that are not UTF-8
are a clear error, and text from the IdP never reaches it as escape sequences."""

from __future__ import annotations

import os
import re
import signal
import time
from pathlib import Path

import pytest

from tests.cli_runner import SharedTerminal, Terminal, prompts, run_cli, run_without_terminal
from tests.conftest import PASSWORD, USER
from tests.emulators import AdfsEmulator, OktaEmulator, TestTls
from tests.emulators.aws import StsEmulator
from tests.emulators.saml import DEFAULT_ROLE

PROMPT = r"Password for alice@example\.com: "
OPS_ROLE = ("arn:aws:iam::123456789012:role/Ops", DEFAULT_ROLE[1])
#: What a hostile IdP could send: an OSC that retitles the window, BEL, a screen clear,
#: a C1 CSI, a right-to-left override, backspaces, DEL, a tab.
HOSTILE = "\x1b]0;owned\x07\x1b[2J\x9b31m\u202eevil\u2066\x08\x08\x7f\tend"
#: Everything but LF and CR (the terminal's own line ends) that must never be shown.
#: The part of HOSTILE that XML may carry.
HOSTILE_XML = "\x9b31m\u202eevil\u2066\x85"
UNSAFE = re.compile(
    "[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


def adfs_args(idp: AdfsEmulator, *extra: str) -> list[str]:
    return ["-e", idp.entry_url, "-u", USER, "-p", "adfs", *extra]


def okta_args(idp: OktaEmulator, *extra: str) -> list[str]:
    return ["-e", idp.app_url, "-u", USER, "-p", "okta", *extra]


def assert_safe(text: str) -> None:
    """No control or bidi character from HOSTILE, yet its words were shown."""
    assert UNSAFE.search(text) is None, repr(text)
    assert "evil" in text, text


# --- turn-taking (two runs, one terminal) -------------------------------------------


def test_two_runs_on_one_terminal_take_turns_at_the_prompt(
    tls: TestTls, env: dict[str, str], tmp_path: Path
) -> None:
    # Our STS emulator: moto cannot take assertions that grant several roles.
    with StsEmulator(tls) as sts, AdfsEmulator(tls, roles=[DEFAULT_ROLE, OPS_ROLE]) as idp:
        env = {**env, "AWS_ENDPOINT_URL_STS": sts.url, "AWS_CA_BUNDLE": str(tls.ca_file)}
        # Two sign-ins (no kept IdP session, which would make the second one silent).
        runs = [
            adfs_args(idp, "-a", DEFAULT_ROLE[0], "--no-idp-session"),
            adfs_args(idp, "-a", OPS_ROLE[0], "--no-idp-session"),
        ]
        shared = SharedTerminal(runs, env, tmp_path, timeout=60)
        try:
            assert shared.expect(PROMPT), shared.screen
            # Both runs have their login page now (entry and page: two GETs each), so
            # without turn-taking the second prompt would follow at once.
            for _ in range(500):
                if idp.gets >= 4:
                    break
                time.sleep(0.02)
            shown = 1 + shared.expect(PROMPT, timeout=2)
            shared.send(PASSWORD)
            if shown < 2:
                assert shared.expect(PROMPT), shared.screen
            shared.send(PASSWORD)
            assert shared.wait_ended(), shared.screen
            echo = shared.echo()
        finally:
            done = shared.finish()
    screen = "".join(shared.screen)
    assert prompts(screen) == 2
    # each prompt on its own line, not run together with the other
    assert len(re.findall(rf"(?m)^{PROMPT}", screen.replace("\r", ""))) == 2, screen
    assert PASSWORD not in screen
    assert echo, "the terminal was left with echo off"
    assert [run.code for run in done] == [0, 0], [run.stderr for run in done]
    for run in done:
        run.credentials()


def test_a_run_killed_at_the_prompt_does_not_block_the_next_on_its_terminal(
    tls: TestTls, env: dict[str, str], tmp_path: Path
) -> None:
    with AdfsEmulator(tls, users={USER: PASSWORD, "bob@example.com": PASSWORD}) as idp:
        alice = adfs_args(idp)
        bob = ["-e", idp.entry_url, "-u", "bob@example.com", "-p", "adfs"]
        shared = SharedTerminal([alice, bob], env, tmp_path)
        try:
            assert shared.expect(r"Password for (alice|bob)@example\.com: "), shared.screen
            first = 0 if "alice" in shared.screen[-1] else 1
            os.kill(shared.pid(first), signal.SIGKILL)  # dies holding the terminal's lock
            other = "bob" if first == 0 else "alice"
            assert shared.expect(rf"Password for {other}@example\.com: "), shared.screen
            shared.send(PASSWORD)
            assert shared.wait_ended(), shared.screen
        finally:
            done = shared.finish()
    assert done[first].code == 128 + signal.SIGKILL
    assert done[1 - first].code == 0, done[1 - first].stderr
    done[1 - first].credentials()


# --- signals and Ctrl-C ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("signum", "name"), [(signal.SIGTERM, "SIGTERM"), (signal.SIGHUP, "SIGHUP")]
)
def test_a_signal_at_the_password_prompt_restores_echo(
    tls: TestTls, env: dict[str, str], tmp_path: Path, signum: int, name: str
) -> None:
    with AdfsEmulator(tls) as idp:
        shared = SharedTerminal([adfs_args(idp)], env, tmp_path)
        try:
            assert shared.expect(PROMPT), shared.screen
            os.kill(shared.pid(0), signum)
            assert shared.wait_ended(), shared.screen
            echo = shared.echo()
        finally:
            [run] = shared.finish()
    assert echo, "the terminal was left with echo off"
    assert run.code == 128 + signum
    assert run.error_line() == f"awsprocesscreds-saml: error: stopped by {name}"
    assert run.stdout == ""


def test_a_hang_up_ignored_by_nohup_stays_ignored(
    tls: TestTls, env: dict[str, str], tmp_path: Path
) -> None:
    # Run under nohup, the person meant the run to outlive the terminal's hang-up.
    with AdfsEmulator(tls) as idp:
        terminal = Terminal(adfs_args(idp), env, tmp_path, ignored=(signal.SIGHUP,))
        try:
            assert terminal.expect(PROMPT), terminal.screen
            assert terminal.child.pid is not None
            os.kill(terminal.child.pid, signal.SIGHUP)
            terminal.child.waitnoecho(timeout=10)
            terminal.send(PASSWORD)
        finally:
            run = terminal.finish()
        assert idp.logins == 1
    assert run.code == 0, run.stderr
    run.credentials()


def test_ctrl_c_at_the_prompt_starts_the_error_on_its_own_line(
    tls: TestTls, env: dict[str, str], tmp_path: Path
) -> None:
    with AdfsEmulator(tls) as idp:
        run = run_cli(adfs_args(idp), env, tmp_path, interrupt_after=PROMPT, stderr_on_screen=True)
    assert run.code == 130
    lines = run.screen.replace("\r", "").split("\n")
    assert "awsprocesscreds-saml: error: interrupted" in lines, run.screen


def test_bytes_that_are_not_utf8_at_the_prompt_are_a_clear_error(
    tls: TestTls, env: dict[str, str], tmp_path: Path
) -> None:
    with AdfsEmulator(tls) as idp:
        terminal = Terminal(adfs_args(idp), env, tmp_path)
        try:
            assert terminal.expect(PROMPT), terminal.screen
            terminal.child.waitnoecho(timeout=10)  # what is typed before is flushed, not read
            os.write(terminal.child.child_fd, b"caf\xe9 cr\xe8me\r")  # a Latin-1 terminal
        finally:
            run = terminal.finish()
        assert idp.password_posts == 0
    line = run.error_line()
    assert "not UTF-8" in line
    assert "0xe9" not in line  # nothing of what was typed


# --- escape injection: IdP text on the terminal and stderr ----------------------------


@pytest.mark.parametrize("verbose", [False, True])
@pytest.mark.parametrize("provider", ["adfs", "okta"])
def test_the_idps_error_text_is_shown_without_controls(
    tls: TestTls, env: dict[str, str], provider: str, verbose: bool
) -> None:
    """AD FS errorText and Okta errorSummary, in the error line and the -v log."""
    idp: AdfsEmulator | OktaEmulator
    if provider == "adfs":
        idp, refused = AdfsEmulator(tls, error_text=HOSTILE), "AD FS refused the login"
    else:
        idp, refused = OktaEmulator(tls, error_summary=HOSTILE), "Okta refused the login"
    with idp:
        args = adfs_args(idp) if isinstance(idp, AdfsEmulator) else okta_args(idp)
        run = run_without_terminal(
            [*args, *(["-v"] if verbose else [])],
            {**env, "AWSPROCESSCREDS_PASSWORD": "wrong password"},
        )
    assert run.code == 1
    assert refused in run.stderr
    assert_safe(run.stderr)


def test_azure_mfa_instructions_and_number_reach_the_terminal_without_controls(
    tls: TestTls, env: dict[str, str], tmp_path: Path
) -> None:
    with AdfsEmulator(
        tls, mfa="azure_number", instructions=HOSTILE, entropy_number=f"42{HOSTILE}"
    ) as idp:
        run = run_cli(adfs_args(idp), env, tmp_path, [(PROMPT, PASSWORD)], timeout=60)
    assert run.code == 0, run.stderr
    assert ">>>  42" in run.screen
    assert_safe(run.screen)


def test_azure_mfa_instructions_on_stderr_without_a_terminal_are_without_controls(
    tls: TestTls, env: dict[str, str]
) -> None:
    with AdfsEmulator(tls, mfa="azure", instructions=HOSTILE) as idp:
        run = run_without_terminal(adfs_args(idp), {**env, "AWSPROCESSCREDS_PASSWORD": PASSWORD})
    assert run.code == 0, run.stderr
    assert_safe(run.stderr)


def test_okta_factor_names_in_the_menu_and_prompt_are_without_controls(
    tls: TestTls, env: dict[str, str], tmp_path: Path
) -> None:
    profiles = {"sms": {"phoneNumber": HOSTILE}, "call": {"phoneNumber": HOSTILE}}
    with OktaEmulator(tls, factors=["sms", "call"], factor_profiles=profiles) as idp:
        run = run_cli(
            okta_args(idp),
            env,
            tmp_path,
            [
                (r"Okta password for ", PASSWORD),
                (r"Choose 1-2: ", "1"),
                (r"SMS code.*: ", idp.sms_code),
            ],
        )
    assert run.code == 0, run.stderr
    assert_safe(run.screen)


def test_okta_push_number_is_shown_without_controls(
    tls: TestTls, env: dict[str, str], tmp_path: Path
) -> None:
    with OktaEmulator(tls, factors=["push_number"], correct_answer=f"73{HOSTILE}") as idp:
        run = run_cli(okta_args(idp), env, tmp_path, [(r"Okta password for ", PASSWORD)])
    assert run.code == 0, run.stderr
    assert ">>>  73" in run.screen
    assert_safe(run.screen)


#: A role ARN as a hostile IdP could send it (SAML is XML: no C0 controls, but C1 and
#: bidi characters are valid XML).
HOSTILE_ROLE = (f"{DEFAULT_ROLE[0]}\u202eved\x9b2J{HOSTILE_XML}", DEFAULT_ROLE[1])


def test_role_arns_in_roles_output_and_errors_are_without_controls(
    tls: TestTls, env: dict[str, str]
) -> None:
    password = {**env, "AWSPROCESSCREDS_PASSWORD": PASSWORD}
    with AdfsEmulator(tls, roles=[HOSTILE_ROLE, OPS_ROLE]) as idp:
        listed = run_without_terminal(["roles", *adfs_args(idp)], password)
        several = run_without_terminal(adfs_args(idp), password)
    assert listed.code == 0, listed.stderr
    assert_safe(listed.stdout)
    assert "several roles" in several.error_line()
    assert_safe(several.stderr)


def test_role_arns_in_the_menu_are_without_controls(
    tls: TestTls, env: dict[str, str], tmp_path: Path
) -> None:
    with StsEmulator(tls) as sts, AdfsEmulator(tls, roles=[HOSTILE_ROLE, OPS_ROLE]) as idp:
        env = {**env, "AWS_ENDPOINT_URL_STS": sts.url, "AWS_CA_BUNDLE": str(tls.ca_file)}
        run = run_cli(adfs_args(idp), env, tmp_path, [(PROMPT, PASSWORD), (r"Choose 1-2: ", "2")])
    assert run.code == 0, run.stderr
    assert_safe(run.screen)
