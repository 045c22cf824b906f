"""Okta end to end: the installed CLI, the Okta API emulator over HTTPS, moto STS."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli_runner import prompts, run_cli
from tests.conftest import PASSWORD, ROLE_ARN, USER, cache_files
from tests.emulators import OktaEmulator, TestTls

PASSWORD_PROMPT = (r"Okta password for alice@example\.com: ", PASSWORD)


def okta_args(idp: OktaEmulator, *extra: str) -> list[str]:
    return ["-e", idp.app_url, "-u", USER, "-p", "okta", *extra]


def test_login_then_cache_hit(
    tls: TestTls, env: dict[str, str], tmp_path: Path, home: Path
) -> None:
    with OktaEmulator(tls) as idp:
        first = run_cli(okta_args(idp, "-a", ROLE_ARN), env, tmp_path, [PASSWORD_PROMPT])
        assert first.code == 0, first.stderr
        second = run_cli(okta_args(idp, "-a", ROLE_ARN), env, tmp_path)
        assert second.code == 0, second.stderr
        assert second.credentials() == first.credentials()
        assert (idp.logins, idp.authn_calls) == (1, 1)
    assert prompts(second.screen) == 0
    assert len(cache_files(home)) == 1


def test_falls_back_to_onetimetoken_without_session_cookie_redirect(
    tls: TestTls, env: dict[str, str], tmp_path: Path
) -> None:
    with OktaEmulator(tls, session_cookie_redirect=False) as idp:
        run = run_cli(okta_args(idp), env, tmp_path, [PASSWORD_PROMPT])
        assert idp.logins == 1
    assert run.code == 0, run.stderr
    run.credentials()


def test_wrong_password(tls: TestTls, env: dict[str, str], tmp_path: Path, home: Path) -> None:
    with OktaEmulator(tls) as idp:
        run = run_cli(okta_args(idp), env, tmp_path, [(r"Okta password for ", "wrong")])
        assert idp.logins == 0
    assert "Okta refused the login (Authentication failed)" in run.error_line()
    assert cache_files(home) == []


@pytest.mark.parametrize(
    ("status", "message"),
    [
        ("LOCKED_OUT", "locked out"),
        ("PASSWORD_EXPIRED", "password has expired"),
        ("MFA_ENROLL", "enroll a second factor"),
    ],
)
def test_account_states(
    tls: TestTls, env: dict[str, str], tmp_path: Path, status: str, message: str
) -> None:
    with OktaEmulator(tls, user_status={USER: status}) as idp:
        run = run_cli(okta_args(idp), env, tmp_path, [PASSWORD_PROMPT])
    assert message in run.error_line()


def test_rate_limit_is_waited_out(tls: TestTls, env: dict[str, str], tmp_path: Path) -> None:
    with OktaEmulator(tls, rate_limit=1) as idp:
        run = run_cli(okta_args(idp), env, tmp_path, [PASSWORD_PROMPT])
        assert idp.authn_calls == 2
    assert run.code == 0, run.stderr


def test_persistent_rate_limit_fails_clearly(
    tls: TestTls, env: dict[str, str], tmp_path: Path
) -> None:
    with OktaEmulator(tls, rate_limit=1000) as idp:
        run = run_cli(okta_args(idp), env, tmp_path, [PASSWORD_PROMPT], timeout=90)
        assert 2 <= idp.authn_calls <= 7
    assert "rate limit" in run.error_line()


def test_login_page_instead_of_assertion(tls: TestTls, env: dict[str, str], tmp_path: Path) -> None:
    with OktaEmulator(tls, app_page="login") as idp:
        run = run_cli(okta_args(idp), env, tmp_path, [PASSWORD_PROMPT])
    assert "sign-in page instead of the SAML assertion" in run.error_line()


def test_endpoint_that_is_not_okta(tls: TestTls, env: dict[str, str], tmp_path: Path) -> None:
    with OktaEmulator(tls) as idp:
        url = idp.url + "/not/an/okta/app"
        run = run_cli(["-e", url, "-u", USER, "-p", "okta"], env, tmp_path, [PASSWORD_PROMPT])
    assert run.code == 1
    run.error_line()
