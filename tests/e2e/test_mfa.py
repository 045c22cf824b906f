"""Second factors end to end, on a pseudo-terminal: Okta push/TOTP/SMS/call/email/token
and AD FS Azure MFA and one-time-code pages."""

from __future__ import annotations

from pathlib import Path

import pyotp
import pytest

from tests.cli_runner import prompts, run_cli, run_without_terminal
from tests.conftest import PASSWORD, USER, cache_files
from tests.emulators import AdfsEmulator, OktaEmulator, TestTls

OKTA_PASSWORD = (r"Okta password for ", PASSWORD)
ADFS_PASSWORD = (r"Password for ", PASSWORD)


def okta(idp: OktaEmulator, *extra: str) -> list[str]:
    return ["-e", idp.app_url, "-u", USER, "-p", "okta", *extra]


def adfs(idp: AdfsEmulator, *extra: str) -> list[str]:
    return ["-e", idp.entry_url, "-u", USER, "-p", "adfs", *extra]


# --- Okta push ---------------------------------------------------------------------


def test_okta_push_approved_after_polls(tls: TestTls, env: dict[str, str], tmp_path: Path) -> None:
    with OktaEmulator(tls, factors=["push"], push_approve_after=2) as idp:
        run = run_cli(okta(idp), env, tmp_path, [OKTA_PASSWORD])
        assert idp.push_polls >= 2
        assert idp.logins == 1
    assert run.code == 0, run.stderr
    assert "Approve the Okta Verify push" in run.screen
    run.credentials()


def test_okta_push_number_matching_shows_the_number(
    tls: TestTls, env: dict[str, str], tmp_path: Path
) -> None:
    with OktaEmulator(tls, factors=["push_number"], correct_answer=73) as idp:
        run = run_cli(okta(idp), env, tmp_path, [OKTA_PASSWORD])
    assert run.code == 0, run.stderr
    assert ">>>  73  <<<" in run.screen


@pytest.mark.parametrize(
    ("outcome", "message"),
    [("reject", "was rejected"), ("timeout", "expired before it was approved")],
)
def test_okta_push_refused(
    tls: TestTls, env: dict[str, str], tmp_path: Path, home: Path, outcome: str, message: str
) -> None:
    with OktaEmulator(tls, factors=["push"], push_outcome=outcome) as idp:
        run = run_cli(okta(idp), env, tmp_path, [OKTA_PASSWORD])
    assert message in run.error_line()
    assert cache_files(home) == []


def test_okta_push_never_answered_is_bounded_by_mfa_timeout(
    tls: TestTls, env: dict[str, str], tmp_path: Path
) -> None:
    with OktaEmulator(tls, factors=["push"], push_outcome="never") as idp:
        run = run_cli(okta(idp, "--mfa-timeout", "3"), env, tmp_path, [OKTA_PASSWORD])
        assert 1 <= idp.push_polls <= 4
    assert "not approved within 3 s" in run.error_line()


def test_ctrl_c_while_waiting_for_push_exits_130(
    tls: TestTls, env: dict[str, str], tmp_path: Path
) -> None:
    with OktaEmulator(tls, factors=["push"], push_outcome="never") as idp:
        run = run_cli(okta(idp), env, tmp_path, [OKTA_PASSWORD], interrupt_after="Approve the Okta")
    assert run.code == 130
    assert "Traceback" not in run.stderr
    assert run.stdout == ""


# --- Okta codes ----------------------------------------------------------------------


@pytest.mark.parametrize("factor", ["totp_okta", "totp_google"])
def test_okta_totp_wrong_then_right(
    tls: TestTls, env: dict[str, str], tmp_path: Path, factor: str
) -> None:
    with OktaEmulator(tls, factors=[factor]) as idp:
        good = pyotp.TOTP(idp.totp_secret).now()
        wrong = "000000" if good != "000000" else "111111"
        run = run_cli(
            okta(idp),
            env,
            tmp_path,
            [OKTA_PASSWORD, (r"code: ", wrong), (r"not accepted", None), (r"code: ", good)],
        )
    assert run.code == 0, run.stderr


@pytest.mark.parametrize(
    ("factor", "label"), [("token", "RSA SecurID"), ("token:hardware", "YubiKey")]
)
def test_okta_token_codes(
    tls: TestTls, env: dict[str, str], tmp_path: Path, factor: str, label: str
) -> None:
    with OktaEmulator(tls, factors=[factor], otp_code="864209") as idp:
        run = run_cli(okta(idp), env, tmp_path, [OKTA_PASSWORD, (rf"{label} code: ", "864209")])
        assert idp.verify_calls == 1
    assert run.code == 0, run.stderr
    run.credentials()


def test_okta_code_refused_three_times(tls: TestTls, env: dict[str, str], tmp_path: Path) -> None:
    with OktaEmulator(tls, factors=["token"]) as idp:
        dialogue = [OKTA_PASSWORD] + [(r"RSA SecurID code: ", "999999")] * 3
        run = run_cli(okta(idp), env, tmp_path, dialogue)
        assert idp.verify_calls == 3
    assert "refused the one-time code 3 times" in run.error_line()


@pytest.mark.parametrize(
    ("factor", "label"), [("sms", "SMS"), ("call", "voice call"), ("email", "email")]
)
def test_okta_sent_codes(
    tls: TestTls, env: dict[str, str], tmp_path: Path, factor: str, label: str
) -> None:
    with OktaEmulator(tls, factors=[factor]) as idp:
        run = run_cli(
            okta(idp), env, tmp_path, [OKTA_PASSWORD, (rf"{label} code.*: ", idp.sms_code)]
        )
        assert idp.codes_sent == 1
    assert run.code == 0, run.stderr
    assert "Okta sent a code" in run.screen


def test_okta_code_from_environment(tls: TestTls, env: dict[str, str]) -> None:
    with OktaEmulator(tls, factors=["token:hardware"]) as idp:
        run = run_without_terminal(
            okta(idp),
            {**env, "AWSPROCESSCREDS_PASSWORD": PASSWORD, "AWSPROCESSCREDS_MFA_CODE": idp.otp_code},
        )
    assert run.code == 0, run.stderr


def test_okta_menu_when_several_factors(tls: TestTls, env: dict[str, str], tmp_path: Path) -> None:
    with OktaEmulator(tls, factors=["push", "sms", "webauthn"]) as idp:
        run = run_cli(
            okta(idp),
            env,
            tmp_path,
            [OKTA_PASSWORD, (r"Choose 1-2: ", "2"), (r"SMS code.*: ", idp.sms_code)],
        )
        assert idp.push_polls == 0
    assert run.code == 0, run.stderr
    assert "1) Okta Verify push" in run.screen
    assert "webauthn" not in run.screen


def test_okta_mfa_factor_option_skips_the_menu(
    tls: TestTls, env: dict[str, str], tmp_path: Path
) -> None:
    with OktaEmulator(tls, factors=["sms", "push"]) as idp:
        run = run_cli(okta(idp, "--mfa-factor", "push"), env, tmp_path, [OKTA_PASSWORD])
    assert run.code == 0, run.stderr
    assert "Choose" not in run.screen


def test_okta_unsupported_factors_are_named(
    tls: TestTls, env: dict[str, str], tmp_path: Path
) -> None:
    with OktaEmulator(tls, factors=["webauthn", "u2f"]) as idp:
        run = run_cli(okta(idp), env, tmp_path, [OKTA_PASSWORD])
    line = run.error_line()
    assert "u2f, webauthn" in line


def test_okta_factor_not_enrolled(tls: TestTls, env: dict[str, str], tmp_path: Path) -> None:
    with OktaEmulator(tls, factors=["push", "webauthn"]) as idp:
        run = run_cli(okta(idp, "--mfa-factor", "sms"), env, tmp_path, [OKTA_PASSWORD])
    assert "'sms' is not enrolled" in run.error_line()
    assert "push" in run.error_line()


# --- AD FS -----------------------------------------------------------------------------


def test_azure_mfa_number_matching(tls: TestTls, env: dict[str, str], tmp_path: Path) -> None:
    with AdfsEmulator(tls, mfa="azure_number", entropy_number=58, mfa_approve_after=1) as idp:
        run = run_cli(adfs(idp), env, tmp_path, [ADFS_PASSWORD], timeout=30)
        assert idp.mfa_polls >= 1
    assert run.code == 0, run.stderr
    assert ">>>  58  <<<" in run.screen
    assert "Authenticator app" in run.screen


def test_azure_mfa_denied(tls: TestTls, env: dict[str, str], tmp_path: Path, home: Path) -> None:
    with AdfsEmulator(tls, mfa="azure", mfa_outcome="deny", mfa_approve_after=1) as idp:
        run = run_cli(adfs(idp), env, tmp_path, [ADFS_PASSWORD], timeout=30)
    assert "did not approve the login: The request was denied" in run.error_line()
    assert cache_files(home) == []


def test_azure_mfa_never_approved_times_out(
    tls: TestTls, env: dict[str, str], tmp_path: Path
) -> None:
    with AdfsEmulator(tls, mfa="azure", mfa_outcome="never") as idp:
        run = run_cli(adfs(idp, "--mfa-timeout", "2"), env, tmp_path, [ADFS_PASSWORD], timeout=30)
    assert "did not arrive within 2 s" in run.error_line()


@pytest.mark.parametrize("kind", ["azure_otp", "securid", "oath"])
def test_adfs_one_time_code_wrong_then_right(
    tls: TestTls, env: dict[str, str], tmp_path: Path, kind: str
) -> None:
    with AdfsEmulator(tls, mfa=kind, otp_code="246810") as idp:
        run = run_cli(
            adfs(idp),
            env,
            tmp_path,
            [
                ADFS_PASSWORD,
                (r"Verification code: ", "111111"),
                (r"not valid", None),
                (r"Verification code: ", "246810"),
            ],
        )
        assert idp.otp_attempts == 2
    assert run.code == 0, run.stderr
    assert prompts(run.screen) == 1


def test_adfs_code_refused_three_times(tls: TestTls, env: dict[str, str], tmp_path: Path) -> None:
    with AdfsEmulator(tls, mfa="securid") as idp:
        dialogue = [ADFS_PASSWORD] + [(r"Verification code: ", "000001")] * 3
        run = run_cli(adfs(idp), env, tmp_path, dialogue)
        assert idp.otp_attempts == 3
    assert "refused 3 times" in run.error_line()


def test_adfs_unsupported_adapter_is_named(
    tls: TestTls, env: dict[str, str], tmp_path: Path
) -> None:
    with AdfsEmulator(tls, mfa="duo") as idp:
        run = run_cli(adfs(idp), env, tmp_path, [ADFS_PASSWORD])
    assert "'DuoAdfsAdapter'" in run.error_line()


def test_preset_code_is_not_spent_on_a_code_that_is_sent(tls: TestTls, env: dict[str, str]) -> None:
    """A preset AWSPROCESSCREDS_MFA_CODE cannot be the SMS code sent during the run."""
    with OktaEmulator(tls, factors=["sms"]) as idp:
        run = run_without_terminal(
            okta(idp),
            {**env, "AWSPROCESSCREDS_PASSWORD": PASSWORD, "AWSPROCESSCREDS_MFA_CODE": "123456"},
        )
        assert idp.codes_sent == 1
        assert idp.verify_calls == 1  # the send, and no guess
    # with no terminal, the "code sent" notice falls back to stderr, before the error
    assert run.code == 1
    assert "Traceback" not in run.stderr
    notice, line = run.stderr.splitlines()
    assert notice == "Okta sent a code by SMS to +1 XXX-XXX-1234."
    assert "no terminal to ask for the code that was sent" in line
    assert "--mfa-factor" in line
