"""Entra ID's second factors end to end, on a pseudo-terminal: Microsoft Authenticator
push with number matching, phone calls, Authenticator codes, text messages and
hardware tokens, each refusal, and the choice of method."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli_runner import prompts, run_cli, run_without_terminal
from tests.conftest import PASSWORD, USER, cache_files
from tests.emulators import TestTls
from tests.emulators.entra import EntraEmulator

PASSWORD_PROMPT = (r"Password for alice@example\.com: ", PASSWORD)
PUSH, SMS, TOTP = "PhoneAppNotification", "OneWaySMS", "PhoneAppOTP"


def entra(idp: EntraEmulator, *extra: str) -> list[str]:
    return ["-e", idp.tenant_saml_url, "-u", USER, "-p", "entra", *extra]


# --- push and calls --------------------------------------------------------------------------


def test_push_shows_the_number_before_waiting_for_approval(
    tls: TestTls, env: dict[str, str], tmp_path: Path
) -> None:
    with EntraEmulator(tls, mfa=[PUSH], entropy=73, mfa_approve_after=3) as idp:
        run = run_cli(entra(idp), env, tmp_path, [PASSWORD_PROMPT, (r">>>  73  <<<", None)])
        assert idp.mfa_sent == [PUSH]
        assert idp.begin_auths == 1
        assert idp.end_auths >= 3
        assert idp.process_auths == 1
        assert idp.logins == 1
    assert run.code == 0, run.stderr
    assert run.screen.count(">>>  73  <<<") == 1
    assert "approve the sign-in by typing this number" in run.screen
    run.credentials()


def test_an_error_code_on_the_second_factor_page_only_says_why_it_is_shown(
    tls: TestTls, env: dict[str, str], tmp_path: Path
) -> None:
    with EntraEmulator(tls, mfa=[PUSH], tfa_reason="50076") as idp:
        run = run_cli(entra(idp), env, tmp_path, [PASSWORD_PROMPT])
        assert idp.logins == 1
    assert run.code == 0, run.stderr


def test_push_without_number_matching_asks_to_approve(
    tls: TestTls, env: dict[str, str], tmp_path: Path
) -> None:
    with EntraEmulator(tls, mfa=[PUSH], entropy=None) as idp:
        run = run_cli(entra(idp), env, tmp_path, [PASSWORD_PROMPT])
        assert idp.logins == 1
    assert run.code == 0, run.stderr
    assert "Approve the sign-in in Microsoft Authenticator" in run.screen
    assert ">>>" not in run.screen


@pytest.mark.parametrize(
    ("outcome", "message"),
    [
        ("deny", "the sign-in was denied in Microsoft Authenticator"),
        ("no_response", "Microsoft Authenticator did not answer in time"),
    ],
)
def test_a_refused_push_is_one_line(
    tls: TestTls, env: dict[str, str], tmp_path: Path, home: Path, outcome: str, message: str
) -> None:
    with EntraEmulator(tls, mfa=[PUSH], mfa_outcome=outcome) as idp:
        run = run_cli(entra(idp), env, tmp_path, [PASSWORD_PROMPT])
        assert idp.process_auths == 0
    assert message in run.error_line()
    assert cache_files(home) == []


def test_an_unanswered_push_ends_at_the_mfa_timeout(
    tls: TestTls, env: dict[str, str], tmp_path: Path
) -> None:
    with EntraEmulator(tls, mfa=[PUSH], mfa_outcome="never", poll_interval=1.0) as idp:
        run = run_cli(entra(idp, "--mfa-timeout", "3"), env, tmp_path, [PASSWORD_PROMPT])
        assert 1 <= idp.end_auths <= 5
    assert "approval did not arrive within 3 s" in run.error_line()


def test_ctrl_c_while_waiting_for_the_push_exits_130(
    tls: TestTls, env: dict[str, str], tmp_path: Path
) -> None:
    with EntraEmulator(tls, mfa=[PUSH], mfa_outcome="never") as idp:
        run = run_cli(entra(idp), env, tmp_path, [PASSWORD_PROMPT], interrupt_after=r">>>  42  <<<")
    assert run.code == 130
    assert "Traceback" not in run.stderr
    assert run.stdout == ""


@pytest.mark.parametrize("method", ["TwoWayVoiceMobile", "TwoWayVoiceAlternateMobile"])
def test_a_phone_call_is_announced_then_polled(
    tls: TestTls, env: dict[str, str], tmp_path: Path, method: str
) -> None:
    with EntraEmulator(tls, mfa=[method]) as idp:
        run = run_cli(entra(idp, "--mfa-factor", "call"), env, tmp_path, [PASSWORD_PROMPT])
        assert idp.mfa_sent == [method]
        assert idp.end_auths >= 2
        assert idp.logins == 1
    assert run.code == 0, run.stderr
    assert "Entra ID is calling your phone" in run.screen
    assert "press # to approve" in run.screen


# --- codes --------------------------------------------------------------------------------


def test_a_wrong_code_is_asked_again_once_per_attempt(
    tls: TestTls, env: dict[str, str], tmp_path: Path
) -> None:
    code = r"Code from Microsoft Authenticator: "
    with EntraEmulator(tls, mfa=[TOTP], otp_code="246810") as idp:
        run = run_cli(
            entra(idp), env, tmp_path, [PASSWORD_PROMPT, (code, "111111"), (code, "246810")]
        )
        assert idp.otp_attempts == 2
        assert idp.logins == 1
    assert run.code == 0, run.stderr
    assert run.screen.count("Code from Microsoft Authenticator") == 2
    assert "That code was not accepted; try again." in run.screen


def test_three_wrong_codes_end_the_run(
    tls: TestTls, env: dict[str, str], tmp_path: Path, home: Path
) -> None:
    code = r"Code from Microsoft Authenticator: "
    with EntraEmulator(tls, mfa=[TOTP]) as idp:
        run = run_cli(
            entra(idp),
            env,
            tmp_path,
            [PASSWORD_PROMPT, (code, "000001"), (code, "000002"), (code, "000003")],
        )
        assert idp.otp_attempts == 3
        assert idp.process_auths == 0
    assert "Entra ID refused the code 3 times" in run.error_line()
    assert run.screen.count("Code from Microsoft Authenticator") == 3
    assert cache_files(home) == []


def test_a_text_message_code(tls: TestTls, env: dict[str, str], tmp_path: Path) -> None:
    with EntraEmulator(tls, mfa=[SMS]) as idp:
        run = run_cli(
            entra(idp),
            env,
            tmp_path,
            [PASSWORD_PROMPT, (r"Code from the text message: ", "123456")],
        )
        assert idp.mfa_sent == [SMS]
        assert idp.logins == 1
    assert run.code == 0, run.stderr
    assert "Entra ID sent a code by text message" in run.screen


def test_a_hardware_token_code_from_the_environment(
    tls: TestTls, env: dict[str, str], tmp_path: Path
) -> None:
    automation = {**env, "AWSPROCESSCREDS_PASSWORD": PASSWORD, "AWSPROCESSCREDS_MFA_CODE": "123456"}
    with EntraEmulator(tls, mfa=["HardwareOTP"]) as idp:
        run = run_without_terminal(entra(idp, "--mfa-factor", "token"), automation)
        assert idp.otp_attempts == 1
        assert idp.logins == 1
    assert run.code == 0, run.stderr


def test_a_code_used_twice_is_refused_as_such(
    tls: TestTls, env: dict[str, str], tmp_path: Path
) -> None:
    code = r"Code from Microsoft Authenticator: "
    with EntraEmulator(tls, mfa=[TOTP]) as idp:
        first = run_cli(
            entra(idp, "--no-cache"), env, tmp_path, [PASSWORD_PROMPT, (code, "123456")]
        )
        second = run_cli(
            entra(idp, "--no-cache"), env, tmp_path, [PASSWORD_PROMPT, (code, "123456")]
        )
    assert first.code == 0, first.stderr
    assert "that code was already used" in second.error_line()


# --- which method -------------------------------------------------------------------------


def test_the_default_method_is_used_without_mfa_factor(
    tls: TestTls, env: dict[str, str], tmp_path: Path
) -> None:
    with EntraEmulator(tls, mfa=[SMS, PUSH], default_mfa=PUSH) as idp:
        run = run_cli(entra(idp), env, tmp_path, [PASSWORD_PROMPT])
        assert idp.mfa_sent == [PUSH]
    assert run.code == 0, run.stderr


def test_mfa_factor_picks_another_registered_method(
    tls: TestTls, env: dict[str, str], tmp_path: Path
) -> None:
    with EntraEmulator(tls, mfa=[PUSH, SMS], default_mfa=PUSH) as idp:
        run = run_cli(
            entra(idp, "--mfa-factor", "sms"),
            env,
            tmp_path,
            [PASSWORD_PROMPT, (r"Code from the text message: ", "123456")],
        )
        assert idp.mfa_sent == [SMS]
    assert run.code == 0, run.stderr


def test_a_method_the_user_lacks_is_one_line_listing_theirs(
    tls: TestTls, env: dict[str, str], tmp_path: Path
) -> None:
    with EntraEmulator(tls, mfa=[PUSH, SMS]) as idp:
        run = run_cli(entra(idp, "--mfa-factor", "totp"), env, tmp_path, [PASSWORD_PROMPT])
        assert idp.begin_auths == 0
    assert "--mfa-factor totp is not one of your Entra ID sign-in methods; you have: push, sms" in (
        run.error_line()
    )


def test_email_is_no_entra_factor(env: dict[str, str]) -> None:
    args = ["-e", "https://login.example.test/t/saml2", "-u", USER, "-p", "entra"]
    run = run_without_terminal([*args, "--mfa-factor", "email"], env)
    assert "--mfa-factor email does not apply to the entra provider" in run.error_line()
    assert prompts(run.stderr) == 0
