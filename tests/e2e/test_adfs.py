"""AD FS end to end: the installed CLI on a pseudo-terminal, the AD FS emulator over
HTTPS, and moto as STS."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from tests.cli_runner import Run, prompts, run_cli, run_without_terminal
from tests.conftest import PASSWORD, ROLE_ARN, USER, cache_files
from tests.emulators import AdfsEmulator, TestTls
from tests.emulators.adfs_pages import INCORRECT, LOCKED

PASSWORD_PROMPT = (r"Password for alice@example\.com: ", PASSWORD)


def adfs_args(idp: AdfsEmulator, *extra: str) -> list[str]:
    return ["-e", idp.entry_url, "-u", USER, "-p", "adfs", *extra]


@pytest.mark.parametrize("variant", ["modern", "adfs2"])
def test_login_prints_credentials_then_serves_them_from_the_cache(
    tls: TestTls, env: dict[str, str], tmp_path: Path, home: Path, variant: str
) -> None:
    with AdfsEmulator(tls, variant=variant) as idp:
        first = run_cli(adfs_args(idp, "-a", ROLE_ARN), env, tmp_path, [PASSWORD_PROMPT])
        assert first.code == 0, first.stderr
        credentials = first.credentials()
        assert credentials["AccessKeyId"].startswith("ASIA")
        assert PASSWORD not in first.screen  # echo was off
        assert idp.logins == 1

        second = run_cli(adfs_args(idp, "-a", ROLE_ARN), env, tmp_path)
        assert second.code == 0, second.stderr
        assert second.credentials() == credentials
        assert prompts(second.screen) == 0
        assert idp.logins == 1
    [entry] = cache_files(home)
    assert stat.S_IMODE(entry.stat().st_mode) == 0o600


def test_role_arn_may_be_omitted_with_a_single_role(
    tls: TestTls, env: dict[str, str], tmp_path: Path
) -> None:
    with AdfsEmulator(tls) as idp:
        run = run_cli(adfs_args(idp), env, tmp_path, [PASSWORD_PROMPT])
    assert run.code == 0, run.stderr
    run.credentials()


def test_no_cache_neither_reads_nor_writes(
    tls: TestTls, env: dict[str, str], tmp_path: Path, home: Path
) -> None:
    with AdfsEmulator(tls) as idp:
        for _ in range(2):
            run = run_cli(adfs_args(idp, "--no-cache"), env, tmp_path, [PASSWORD_PROMPT])
            assert run.code == 0, run.stderr
        assert idp.logins == 2
    assert not (home / ".aws").exists()


def test_wrong_password_shows_the_pages_error_and_caches_nothing(
    tls: TestTls, env: dict[str, str], tmp_path: Path, home: Path
) -> None:
    with AdfsEmulator(tls) as idp:
        run = run_cli(adfs_args(idp), env, tmp_path, [(r"Password for ", "wrong")])
        assert idp.password_posts == 1
    assert run.code == 1
    assert INCORRECT in run.error_line()
    assert run.stdout == ""
    assert cache_files(home) == []


def test_locked_account(tls: TestTls, env: dict[str, str], tmp_path: Path) -> None:
    with AdfsEmulator(tls, locked_users={USER}) as idp:
        run = run_cli(adfs_args(idp), env, tmp_path, [PASSWORD_PROMPT])
    assert LOCKED in run.error_line()


def test_integrated_sign_on_needs_no_password(
    tls: TestTls, env: dict[str, str], tmp_path: Path
) -> None:
    with AdfsEmulator(tls, kerberos_sso=True) as idp:
        run = run_cli(adfs_args(idp), env, tmp_path)
    assert run.code == 0, run.stderr
    assert prompts(run.screen) == 0


@pytest.mark.parametrize(
    ("final_page", "message"),
    [
        ("empty_saml", "without a SAMLResponse"),
        ("unknown", "was not understood: expected a login form"),
    ],
)
def test_pages_without_an_assertion(
    tls: TestTls, env: dict[str, str], tmp_path: Path, final_page: str, message: str
) -> None:
    with AdfsEmulator(tls, final_page=final_page) as idp:
        run = run_cli(adfs_args(idp), env, tmp_path, [PASSWORD_PROMPT])
    assert message in run.error_line()


OPS = ("arn:aws:iam::210987654321:role/Ops", "arn:aws:iam::210987654321:saml-provider/ADFS")
DEV = ("arn:aws:iam::123456789012:role/Dev", "arn:aws:iam::123456789012:saml-provider/ADFS")


def test_several_roles_without_role_arn_lists_them(
    tls: TestTls, env: dict[str, str], tmp_path: Path
) -> None:
    with AdfsEmulator(tls, roles=[DEV, OPS]) as idp:
        run = run_without_terminal(adfs_args(idp), {**env, "AWSPROCESSCREDS_PASSWORD": PASSWORD})
    line = run.error_line()
    assert "several roles" in line
    assert DEV[0] in line
    assert OPS[0] in line


def test_role_not_in_assertion_lists_the_roles(
    tls: TestTls, env: dict[str, str], tmp_path: Path
) -> None:
    with AdfsEmulator(tls) as idp:
        run = run_cli(adfs_args(idp, "-a", OPS[0]), env, tmp_path, [PASSWORD_PROMPT])
    line = run.error_line()
    assert f"role {OPS[0]} is not in your SAML assertion" in line
    assert DEV[0] in line


def test_password_from_environment_without_a_terminal(tls: TestTls, env: dict[str, str]) -> None:
    with AdfsEmulator(tls) as idp:
        run = run_without_terminal(adfs_args(idp), {**env, "AWSPROCESSCREDS_PASSWORD": PASSWORD})
    assert run.code == 0, run.stderr
    run.credentials()


def test_no_terminal_and_no_password_fails_at_once(tls: TestTls, env: dict[str, str]) -> None:
    with AdfsEmulator(tls) as idp:
        run = run_without_terminal(adfs_args(idp), env, timeout=30)
        assert idp.password_posts == 0
    line = run.error_line()
    assert "no terminal to ask for the password" in line
    assert "AWSPROCESSCREDS_PASSWORD" in line


def test_session_duration_from_the_assertion_is_used(
    tls: TestTls, env: dict[str, str], tmp_path: Path
) -> None:
    from datetime import datetime, timedelta, timezone

    with AdfsEmulator(tls, session_duration=7200) as idp:
        run = run_cli(adfs_args(idp), env, tmp_path, [PASSWORD_PROMPT])
    expiration = datetime.fromisoformat(run.credentials()["Expiration"].replace("Z", "+00:00"))
    left = expiration - datetime.now(timezone.utc)
    assert timedelta(minutes=110) < left <= timedelta(hours=2)


def _run_ok(run: Run) -> dict[str, object]:
    assert run.code == 0, run.stderr
    return run.credentials()


def test_corrupt_cache_entry_is_replaced_by_a_fresh_login(
    tls: TestTls, env: dict[str, str], tmp_path: Path, home: Path
) -> None:
    with AdfsEmulator(tls) as idp:
        # Without the kept IdP session, so that the fresh login asks again.
        args = adfs_args(idp, "--no-idp-session")
        _run_ok(run_cli(args, env, tmp_path, [PASSWORD_PROMPT]))
        [entry] = cache_files(home)
        entry.write_text('{"Version": 1, "AccessKeyId": trunc')
        fresh = _run_ok(run_cli(args, env, tmp_path, [PASSWORD_PROMPT]))
        assert idp.logins == 2
        again = _run_ok(run_cli(args, env, tmp_path))
        assert again == fresh
        assert idp.logins == 2
