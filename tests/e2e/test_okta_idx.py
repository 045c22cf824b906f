"""Okta Identity Engine end to end, on a pseudo-terminal, against the Identity Engine
emulator: which flow runs, the IDX sign-in with each second factor and each refusal,
and the device-authorization flow with a stand-in for the person's browser."""

from __future__ import annotations

import configparser
import re
import shlex
import ssl
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.cli_runner import Terminal, prompts, run_cli, run_without_terminal
from tests.conftest import PASSWORD, USER, cache_files
from tests.emulators import OktaEmulator, TestTls
from tests.emulators.okta_idx import OktaIdxEmulator

PASSWORD_PROMPT = (r"Okta password for alice@example\.com: ", PASSWORD)
CLIENT = "0oaDEVICECLIENTEXAMPLE"


def okta(url: str, *extra: str) -> list[str]:
    return ["-e", url, "-u", USER, "-p", "okta", *extra]


# --- which flow -----------------------------------------------------------------------------


def test_a_classic_org_keeps_the_classic_flow(
    tls: TestTls, env: dict[str, str], tmp_path: Path
) -> None:
    with OktaEmulator(tls) as idp:
        run = run_cli(okta(idp.app_url, "-v"), env, tmp_path, [PASSWORD_PROMPT])
        assert idp.authn_calls == 1
    assert run.code == 0, run.stderr
    assert "Okta Classic Engine flow" in run.stderr


def test_an_org_that_does_not_say_gets_the_classic_flow(
    tls: TestTls, env: dict[str, str], tmp_path: Path
) -> None:
    with OktaEmulator(tls, well_known=False) as idp:
        run = run_cli(okta(idp.app_url, "-v"), env, tmp_path, [PASSWORD_PROMPT])
        assert idp.logins == 1
    assert run.code == 0, run.stderr
    assert "cannot read the org's engine (HTTP 404); using the Classic flow" in run.stderr


def test_password_only_identity_engine_sign_in(
    tls: TestTls, env: dict[str, str], tmp_path: Path, home: Path
) -> None:
    with OktaIdxEmulator(tls) as idp:
        run = run_cli(okta(idp.app_url, "-v"), env, tmp_path, [PASSWORD_PROMPT])
        again = run_without_terminal(okta(idp.app_url), env)
        assert idp.well_known_gets == 1  # on the login only, never on the cache hit
        assert idp.introspects == 1
        assert idp.password_answers == 1
        assert idp.authn_calls == 0
        assert idp.logins == 1
    assert run.code == 0, run.stderr
    assert "Okta Identity Engine flow" in run.stderr
    assert again.stdout == run.stdout
    assert len(cache_files(home)) == 1


def test_the_password_in_the_identify_form(
    tls: TestTls, env: dict[str, str], tmp_path: Path
) -> None:
    with OktaIdxEmulator(tls, password_in_identify=True) as idp:
        run = run_cli(okta(idp.app_url), env, tmp_path, [PASSWORD_PROMPT])
        assert idp.identifies == 1
        assert idp.logins == 1
    assert run.code == 0, run.stderr
    assert prompts(run.screen) == 1


# --- second factors -------------------------------------------------------------------------


def test_push_with_a_number_challenge(tls: TestTls, env: dict[str, str], tmp_path: Path) -> None:
    with OktaIdxEmulator(
        tls, authenticators=["okta_verify_push"], number_challenge=73, push_approve_after=2
    ) as idp:
        run = run_cli(okta(idp.app_url), env, tmp_path, [PASSWORD_PROMPT, (r">>>  73  <<<", None)])
        assert idp.polls >= 2
        assert idp.logins == 1
    assert run.code == 0, run.stderr
    assert "Approve the Okta Verify push" in run.screen
    assert run.screen.count(">>>  73  <<<") == 1


@pytest.mark.parametrize(
    ("outcome", "message"),
    [("reject", "rejected on the phone"), ("never", "not approved within 3 s")],
)
def test_a_push_refused_or_never_answered(
    tls: TestTls, env: dict[str, str], tmp_path: Path, home: Path, outcome: str, message: str
) -> None:
    with OktaIdxEmulator(tls, authenticators=["okta_verify_push"], push_outcome=outcome) as idp:
        run = run_cli(okta(idp.app_url, "--mfa-timeout", "3"), env, tmp_path, [PASSWORD_PROMPT])
        assert idp.logins == 0
        assert idp.polls <= 5
    assert message in run.error_line()
    assert cache_files(home) == []


@pytest.mark.parametrize(
    ("authenticator", "factor", "method"),
    [
        ("okta_verify_totp", "totp", "totp"),
        ("google_otp", "totp", "otp"),
        ("sms", "sms", "sms"),
        ("voice", "call", "voice"),
        ("email", "email", "email"),
    ],
)
def test_each_code_factor_picked_with_mfa_factor(
    tls: TestTls, env: dict[str, str], tmp_path: Path, authenticator: str, factor: str, method: str
) -> None:
    with OktaIdxEmulator(tls, authenticators=["okta_verify_push", authenticator]) as idp:
        run = run_cli(
            okta(idp.app_url, "--mfa-factor", factor),
            env,
            tmp_path,
            [PASSWORD_PROMPT, (r"code: ", "123456")],
        )
        assert idp.challenges_sent == [method]
        assert idp.code_answers == 1
        assert idp.logins == 1
    assert run.code == 0, run.stderr
    assert "Choose" not in run.screen


def test_several_factors_without_mfa_factor_show_a_menu(
    tls: TestTls, env: dict[str, str], tmp_path: Path
) -> None:
    with OktaIdxEmulator(tls, authenticators=["sms", "okta_verify_push"]) as idp:
        run = run_cli(
            okta(idp.app_url),
            env,
            tmp_path,
            [PASSWORD_PROMPT, (r"Choose 1-2: ", "1"), (r"code: ", "123456")],
        )
        assert idp.challenges_sent == ["sms"]
    assert run.code == 0, run.stderr
    assert "Okta asks for a second factor:" in run.screen


def test_a_wrong_code_then_the_right_one(tls: TestTls, env: dict[str, str], tmp_path: Path) -> None:
    with OktaIdxEmulator(tls, authenticators=["okta_verify_totp"]) as idp:
        run = run_cli(
            okta(idp.app_url),
            env,
            tmp_path,
            [PASSWORD_PROMPT, (r"code: ", "000000"), (r"code: ", "123456")],
        )
        assert idp.code_answers == 2
        assert idp.logins == 1
    assert run.code == 0, run.stderr
    assert "That code was not accepted; try again." in run.screen


def test_three_wrong_codes(tls: TestTls, env: dict[str, str], tmp_path: Path) -> None:
    with OktaIdxEmulator(tls, authenticators=["okta_verify_totp"]) as idp:
        run = run_cli(
            okta(idp.app_url),
            env,
            tmp_path,
            [PASSWORD_PROMPT, (r"code: ", "000001"), (r"code: ", "000002"), (r"code: ", "000003")],
        )
        assert idp.code_answers == 3
    assert "Okta refused the one-time code 3 times" in run.error_line()


def test_a_totp_code_from_the_environment(tls: TestTls, env: dict[str, str]) -> None:
    automation = {**env, "AWSPROCESSCREDS_PASSWORD": PASSWORD, "AWSPROCESSCREDS_MFA_CODE": "123456"}
    with OktaIdxEmulator(tls, authenticators=["okta_verify_totp"]) as idp:
        run = run_without_terminal(okta(idp.app_url), automation)
        assert idp.logins == 1
    assert run.code == 0, run.stderr


# --- refusals -------------------------------------------------------------------------------


def test_a_wrong_password_is_one_line_and_recorded(
    tls: TestTls, env: dict[str, str], tmp_path: Path, home: Path
) -> None:
    with OktaIdxEmulator(tls) as idp:
        run = run_cli(okta(idp.app_url), env, tmp_path, [(r"Okta password for ", "wrong")])
        assert idp.password_answers == 1
    assert "Okta refused the login" in run.error_line()
    assert "check the username (-u) and password" in run.error_line()
    notes = list((home / ".aws" / "awsprocesscreds" / "cache").glob("*.failed"))
    assert len(notes) == 1


def test_a_locked_account(tls: TestTls, env: dict[str, str], tmp_path: Path) -> None:
    with OktaIdxEmulator(tls, user_status={USER: "LOCKED_OUT"}) as idp:
        run = run_cli(okta(idp.app_url), env, tmp_path, [PASSWORD_PROMPT])
        assert idp.logins == 0
    assert "locked" in run.error_line()


def test_an_expired_sign_in(tls: TestTls, env: dict[str, str], tmp_path: Path) -> None:
    with OktaIdxEmulator(tls, authenticators=["okta_verify_totp"], expire_after=3) as idp:
        run = run_cli(okta(idp.app_url), env, tmp_path, [PASSWORD_PROMPT, (r"code: ", "123456")])
        assert idp.logins == 0
    assert "expired before it was completed" in run.error_line()


@pytest.mark.parametrize(
    ("unperformable", "named"),
    [
        ("enroll", "enroll"),
        ("redirect-idp", "another identity provider"),
        ("captcha", "CAPTCHA"),
    ],
)
def test_steps_only_a_browser_can_take_point_to_the_device_flow(
    tls: TestTls, env: dict[str, str], tmp_path: Path, unperformable: str, named: str
) -> None:
    with OktaIdxEmulator(tls, unperformable=unperformable) as idp:
        run = run_cli(okta(idp.app_url), env, tmp_path)
        assert idp.logins == 0
    assert prompts(run.screen) == 0  # Okta asks for it before the password
    line = run.error_line()
    assert named in line
    assert "--okta-client-id" in line


@pytest.mark.parametrize(
    ("only", "named"), [("fastpass", "FastPass"), ("webauthn", "security key")]
)
def test_a_browser_only_factor_points_to_the_device_flow(
    tls: TestTls, env: dict[str, str], tmp_path: Path, only: str, named: str
) -> None:
    with OktaIdxEmulator(tls, authenticators=[only]) as idp:
        run = run_cli(okta(idp.app_url), env, tmp_path, [PASSWORD_PROMPT])
        assert idp.logins == 0
    line = run.error_line()
    assert named in line
    assert "--okta-client-id" in line


# --- the device-authorization flow -----------------------------------------------------------


def browser_env(env: dict[str, str], tmp_path: Path, action: str = "approve") -> dict[str, str]:
    """``BROWSER`` runs a stand-in for the person: it opens the activation address's
    test twin (approve or deny) and leaves a mark that it ran."""
    script = tmp_path / "browser.py"
    script.write_text(
        "import pathlib, ssl, sys, urllib.request\n"
        f"pathlib.Path({str(tmp_path / 'browser-ran')!r}).write_text(sys.argv[1])\n"
        f"url = sys.argv[1].replace('/activate', '/test/device/{action}')\n"
        f"context = ssl.create_default_context(cafile={env['REQUESTS_CA_BUNDLE']!r})\n"
        "urllib.request.urlopen(url, context=context, timeout=10).read()\n"
    )
    return {**env, "BROWSER": f"{sys.executable} {script} %s"}


def test_device_flow_signs_in_through_the_browser(
    tls: TestTls, env: dict[str, str], tmp_path: Path
) -> None:
    with OktaIdxEmulator(tls, authenticators=["fastpass"]) as idp:
        run = run_cli(
            okta(idp.app_url, "--okta-client-id", CLIENT, "-v"),
            browser_env(env, tmp_path),
            tmp_path,
        )
        assert idp.device_authorizations == 1
        assert idp.token_exchanges == 1
        assert idp.sso_posts == 1
        assert idp.logins == 1
        assert idp.well_known_gets == 0
        assert (tmp_path / "browser-ran").read_text().startswith(f"{idp.url}/activate")
    assert run.code == 0, run.stderr
    assert "device authorization flow" in run.stderr
    assert "Sign in to Okta in a browser at " in run.screen
    run.credentials()


def test_no_browser_shows_the_address_and_opens_nothing(
    tls: TestTls, env: dict[str, str], tmp_path: Path
) -> None:
    with OktaIdxEmulator(tls) as idp:
        terminal = Terminal(
            okta(idp.app_url, "--okta-client-id", CLIENT, "--no-browser"),
            browser_env(env, tmp_path),
            tmp_path,
        )
        assert terminal.expect(r">>>  (\S+)  <<<")
        match = terminal.child.match
        assert isinstance(match, re.Match)
        code = match.group(1)
        assert terminal.expect(r"Open that address in a browser")
        # the person signs in elsewhere, on another device
        context = ssl.create_default_context(cafile=env["REQUESTS_CA_BUNDLE"])
        urllib.request.urlopen(idp.approve_url(code), context=context, timeout=10).read()
        run = terminal.finish()
        assert idp.logins == 1
    assert run.code == 0, run.stderr
    assert not (tmp_path / "browser-ran").exists()


@pytest.mark.parametrize(
    ("outcome", "action", "message"),
    [
        ("approve", "deny", "the sign-in was denied in the browser"),
        ("expire", "approve", "expired before the browser sign-in was completed"),
    ],
)
def test_device_flow_denied_or_expired(
    tls: TestTls,
    env: dict[str, str],
    tmp_path: Path,
    home: Path,
    outcome: str,
    action: str,
    message: str,
) -> None:
    with OktaIdxEmulator(tls, device_outcome=outcome) as idp:
        run = run_cli(
            okta(idp.app_url, "--okta-client-id", CLIENT),
            browser_env(env, tmp_path, action),
            tmp_path,
        )
        assert idp.logins == 0
    assert message in run.error_line()
    assert cache_files(home) == []


def test_device_flow_never_approved_ends_at_the_mfa_timeout(
    tls: TestTls, env: dict[str, str], tmp_path: Path
) -> None:
    with OktaIdxEmulator(tls, slow_down_once=True) as idp:
        run = run_cli(
            okta(idp.app_url, "--okta-client-id", CLIENT, "--no-browser", "--mfa-timeout", "3"),
            env,
            tmp_path,
        )
        assert 1 <= idp.token_polls <= 4
    assert "not completed within 3 s" in run.error_line()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"client_id": "0oaOTHER"}, "Okta does not know the client ID given with --okta-client-id"),
        ({"assurance_met": False}, "authentication policy in Okta does not accept"),
    ],
)
def test_device_flow_refused_by_the_org(
    tls: TestTls, env: dict[str, str], tmp_path: Path, options: dict[str, object], message: str
) -> None:
    with OktaIdxEmulator(tls, **options) as idp:  # type: ignore[arg-type]
        run = run_cli(
            okta(idp.app_url, "--okta-client-id", CLIENT), browser_env(env, tmp_path), tmp_path
        )
        assert idp.logins == 0
    assert message in run.error_line()


def test_parallel_runs_wait_for_one_browser_sign_in(
    tls: TestTls, env: dict[str, str], tmp_path: Path, home: Path
) -> None:
    with OktaIdxEmulator(tls, slow_down_once=False) as idp:
        terminals = [
            Terminal(
                okta(idp.app_url, "--okta-client-id", CLIENT, "--mfa-timeout", "60"),
                browser_env(env, tmp_path),
                tmp_path,
            )
            for _ in range(4)
        ]
        runs = [terminal.finish() for terminal in terminals]
        assert idp.device_authorizations == 1
        assert idp.logins == 1
    assert [run.code for run in runs] == [0] * 4, [run.stderr for run in runs]
    assert len({run.stdout for run in runs}) == 1
    assert len(cache_files(home)) == 1


def test_no_browser_needs_the_client_id(env: dict[str, str]) -> None:
    run = run_without_terminal(
        okta("https://org.example.test/home/amazon_aws/0oa1/272", "--no-browser"), env
    )
    assert "--no-browser goes with --okta-client-id" in run.error_line()


def test_client_id_does_not_apply_to_adfs(env: dict[str, str]) -> None:
    args = ["-e", "https://adfs.example.test/", "-u", USER, "-p", "adfs"]
    run = run_without_terminal([*args, "--okta-client-id", CLIENT], env)
    assert "--okta-client-id does not apply to the adfs provider" in run.error_line()


def test_configure_writes_the_device_flow_options(env: dict[str, str]) -> None:
    url = "https://org.example.test/home/amazon_aws/0oa1/272"
    args = okta(url, "--okta-client-id", CLIENT, "--no-browser")
    run = run_without_terminal(["configure", "--profile", "okta", *args], env)
    assert run.code == 0, run.stderr
    parser = configparser.ConfigParser(interpolation=None)
    parser.read_string(Path(env["AWS_CONFIG_FILE"]).read_text())
    assert shlex.split(parser["profile okta"]["credential_process"])[1:] == args
