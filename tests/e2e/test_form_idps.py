"""Keycloak and Shibboleth on the form engine, end to end on a pseudo-terminal: success,
the IdP's own words on a wrong password, one-time codes and device choice, the
browser-storage views, attribute-release consent accepted and refused, pages only a
browser can answer, kept sessions, and a run through botocore."""

from __future__ import annotations

from pathlib import Path

import boto3
import pytest

from tests.cli_runner import CLI, prompts, run_cli, run_without_terminal
from tests.conftest import PASSWORD, ROLE_ARN, USER, as_sdk_environment, cache_files
from tests.emulators import TestTls
from tests.emulators.keycloak import KeycloakEmulator
from tests.emulators.pingfed import PingFedEmulator
from tests.emulators.shibboleth import ShibbolethEmulator

PASSWORD_PROMPT = (r"Password for alice@example\.com: ", PASSWORD)
CODE = r"Verification code: "


def through_botocore(args: list[str], env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> str:
    """``configure`` a profile with ``args``, then the caller ARN botocore gets through
    its credential_process line."""
    run = run_without_terminal(["configure", "--profile", "form-idp", *args], env)
    assert run.code == 0, run.stderr
    assert CLI in Path(env["AWS_CONFIG_FILE"]).read_text()
    as_sdk_environment(monkeypatch, env)
    client = boto3.Session(profile_name="form-idp").client(
        "sts", endpoint_url=env["AWS_ENDPOINT_URL_STS"], region_name="us-east-1"
    )
    return str(client.get_caller_identity()["Arn"])


def keycloak(idp: KeycloakEmulator, *extra: str) -> list[str]:
    return ["-e", idp.entry_url, "-u", USER, "-p", "keycloak", *extra]


def shibboleth(idp: ShibbolethEmulator, *extra: str) -> list[str]:
    return ["-e", idp.entry_url, "-u", USER, "-p", "shibboleth", *extra]


# --- Keycloak --------------------------------------------------------------------------------


@pytest.mark.parametrize("auth_prefix", [False, True])
def test_keycloak_signs_in(
    tls: TestTls, env: dict[str, str], tmp_path: Path, home: Path, auth_prefix: bool
) -> None:
    with KeycloakEmulator(tls, auth_prefix=auth_prefix) as idp:
        run = run_cli(keycloak(idp), env, tmp_path, [PASSWORD_PROMPT])
        again = run_without_terminal(keycloak(idp), env)
        assert idp.password_posts == 1
        assert idp.logins == 1
    assert run.code == 0, run.stderr
    assert again.stdout == run.stdout
    assert len(cache_files(home)) == 1


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"theme": "v2"}, "Keycloak refused the login: Invalid username or password."),
        ({"theme": "v1"}, "Keycloak refused the login: Invalid username or password."),
        ({"locale": "ja"}, "Keycloak refused the login: "),
        ({"error_text": "Nope, try the SSO portal"}, "refused the login: Nope, try the SSO portal"),
    ],
)
def test_keycloak_wrong_password_shows_its_own_words(
    tls: TestTls,
    env: dict[str, str],
    tmp_path: Path,
    home: Path,
    options: dict[str, str],
    expected: str,
) -> None:
    with KeycloakEmulator(tls, **options) as idp:  # type: ignore[arg-type]
        run = run_cli(keycloak(idp), env, tmp_path, [(r"Password for ", "wrong")])
        assert idp.password_posts == 1
    assert expected in run.error_line()
    assert cache_files(home) == []


def test_keycloak_disabled_account(tls: TestTls, env: dict[str, str], tmp_path: Path) -> None:
    with KeycloakEmulator(tls, disabled_users={USER}) as idp:
        run = run_cli(keycloak(idp), env, tmp_path, [PASSWORD_PROMPT])
        assert idp.logins == 0
    assert "Account is disabled" in run.error_line()


@pytest.mark.parametrize("otp_field", ["otp", "totp"])
def test_keycloak_one_time_code(
    tls: TestTls, env: dict[str, str], tmp_path: Path, otp_field: str
) -> None:
    with KeycloakEmulator(tls, otp_devices=["Phone"], otp_field=otp_field) as idp:
        run = run_cli(keycloak(idp), env, tmp_path, [PASSWORD_PROMPT, (CODE, "123456")])
        assert idp.otp_attempts == 1
        assert idp.logins == 1
    assert run.code == 0, run.stderr


def test_keycloak_wrong_code_then_right_on_the_chosen_device(
    tls: TestTls, env: dict[str, str], tmp_path: Path
) -> None:
    with KeycloakEmulator(tls, otp_devices=["Phone", "Tablet"]) as idp:
        run = run_cli(
            keycloak(idp),
            env,
            tmp_path,
            [
                PASSWORD_PROMPT,
                (r"Choose 1-2: ", "2"),
                (CODE, "000000"),
                (r"Choose 1-2: ", "2"),
                (CODE, "123456"),
            ],
        )
        assert idp.otp_attempts == 2
        assert idp.selected_credentials[-1] == "cred-1"
        assert idp.logins == 1
    assert run.code == 0, run.stderr
    assert "2) Tablet" in run.screen
    assert "Invalid authenticator code" in run.screen


def test_keycloak_three_wrong_codes(tls: TestTls, env: dict[str, str], tmp_path: Path) -> None:
    with KeycloakEmulator(tls, otp_devices=["Phone"]) as idp:
        run = run_cli(
            keycloak(idp),
            env,
            tmp_path,
            [PASSWORD_PROMPT, (CODE, "000001"), (CODE, "000002"), (CODE, "000003")],
        )
        assert idp.otp_attempts == 3
    assert "Keycloak refused the one-time code 3 times" in run.error_line()


def test_keycloak_webauthn_only_is_one_line(
    tls: TestTls, env: dict[str, str], tmp_path: Path
) -> None:
    with KeycloakEmulator(tls, webauthn_only=True) as idp:
        run = run_cli(keycloak(idp), env, tmp_path, [PASSWORD_PROMPT])
        assert idp.logins == 0
    assert "security key or passkey (WebAuthn)" in run.error_line()


@pytest.mark.parametrize(
    ("action", "asked"),
    [
        ("CONFIGURE_TOTP", "an authenticator app set up first (a required action)"),
        ("UPDATE_PASSWORD", "a new password (a required action, or the password expired)"),
    ],
)
def test_keycloak_required_actions_are_left_to_a_browser(
    tls: TestTls, env: dict[str, str], tmp_path: Path, action: str, asked: str
) -> None:
    """A realm that wants an app set up or a new password shows that page after the
    right password: one line sends the person to a browser; nothing is posted there
    (not the password into "new password", not a code into the app's first code)."""
    with KeycloakEmulator(tls, required_action=action) as idp:
        run = run_cli(keycloak(idp), env, tmp_path, [PASSWORD_PROMPT])
        assert (idp.password_posts, idp.action_posts, idp.logins) == (1, 0, 0)
    assert run.code == 1
    assert run.error_line() == (
        f"awsprocesscreds-saml: error: Keycloak asks for {asked}: do it once in a browser "
        "(open -e there), then try again"
    )
    assert prompts(run.screen) == 1


def test_keycloak_through_botocore(
    tls: TestTls, env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with KeycloakEmulator(tls) as idp:
        arn = through_botocore(keycloak(idp, "-a", ROLE_ARN), env, monkeypatch)
        assert ":assumed-role/Dev/" in arn
        assert idp.logins == 1


# --- Shibboleth ------------------------------------------------------------------------------


@pytest.mark.parametrize(("version", "local_storage"), [(5, True), (4, True), (3, False)])
def test_shibboleth_signs_in(
    tls: TestTls, env: dict[str, str], tmp_path: Path, version: int, local_storage: bool
) -> None:
    with ShibbolethEmulator(tls, version=version, local_storage=local_storage) as idp:
        run = run_cli(shibboleth(idp), env, tmp_path, [PASSWORD_PROMPT])
        assert idp.password_posts == 1
        assert idp.storage_reads == (1 if local_storage else 0)
        assert idp.storage_writes == (1 if local_storage else 0)
        assert idp.logins == 1
    assert run.code == 0, run.stderr
    run.credentials()


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (None, "Shibboleth refused the login: The password you entered was incorrect."),
        ("locked", "Shibboleth refused the login: "),
        ("expired", "Shibboleth refused the login: "),
    ],
)
def test_shibboleth_refusals_show_its_own_words(
    tls: TestTls, env: dict[str, str], tmp_path: Path, home: Path, status: str | None, expected: str
) -> None:
    account_status = {USER: status} if status else None
    password = "wrong" if status is None else PASSWORD
    with ShibbolethEmulator(tls, account_status=account_status) as idp:
        run = run_cli(shibboleth(idp), env, tmp_path, [(r"Password for ", password)])
        assert idp.logins == 0
    assert expected in run.error_line()
    assert cache_files(home) == []


def test_shibboleth_consent_is_asked_and_accepted(
    tls: TestTls, env: dict[str, str], tmp_path: Path
) -> None:
    with ShibbolethEmulator(tls, consent=True) as idp:
        run = run_cli(shibboleth(idp), env, tmp_path, [PASSWORD_PROMPT, (r"Choose 1-2: ", "1")])
        assert idp.consent_answers == ["accepted"]
        assert idp.logins == 1
    assert run.code == 0, run.stderr
    assert "release your attributes to AWS (uid, mail, eduPersonAffiliation)" in run.screen


def test_shibboleth_consent_refused_stops(
    tls: TestTls, env: dict[str, str], tmp_path: Path
) -> None:
    with ShibbolethEmulator(tls, consent=True) as idp:
        run = run_cli(shibboleth(idp), env, tmp_path, [PASSWORD_PROMPT, (r"Choose 1-2: ", "2")])
        assert idp.consent_answers == ["refused"]
        assert idp.logins == 0
    assert "you refused to release your attributes to AWS" in run.error_line()


def test_shibboleth_consent_is_never_given_without_a_terminal(
    tls: TestTls, env: dict[str, str]
) -> None:
    with ShibbolethEmulator(tls, consent=True) as idp:
        run = run_without_terminal(shibboleth(idp), {**env, "AWSPROCESSCREDS_PASSWORD": PASSWORD})
        assert idp.consent_answers == []
        assert idp.logins == 0
    assert run.code != 0
    assert "the tool never consents for you" in run.error_line()
    assert "--mfa-factor" not in run.error_line()


def test_shibboleth_through_botocore(
    tls: TestTls, env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with ShibbolethEmulator(tls) as idp:
        arn = through_botocore(shibboleth(idp, "-a", ROLE_ARN), env, monkeypatch)
        assert ":assumed-role/Dev/" in arn
        assert idp.logins == 1


def test_shibboleth_ecp_signs_in_with_one_soap_request(
    tls: TestTls, env: dict[str, str], tmp_path: Path
) -> None:
    with ShibbolethEmulator(tls) as idp:
        args = ["-e", idp.ecp_url, "-u", USER, "-p", "shibboleth-ecp"]
        run = run_cli(args, env, tmp_path, [PASSWORD_PROMPT])
        assert idp.ecp_requests == 1
        assert idp.logins == 1
    assert run.code == 0, run.stderr
    run.credentials()


@pytest.mark.parametrize(
    ("ecp", "password", "expected"),
    [
        (True, "wrong", "Shibboleth refused the login (HTTP 401)"),
        (False, PASSWORD, "is ECP enabled for AWS at this IdP?"),
    ],
)
def test_shibboleth_ecp_refusals(
    tls: TestTls, env: dict[str, str], tmp_path: Path, ecp: bool, password: str, expected: str
) -> None:
    with ShibbolethEmulator(tls, ecp=ecp) as idp:
        args = ["-e", idp.ecp_url, "-u", USER, "-p", "shibboleth-ecp"]
        run = run_cli(args, env, tmp_path, [(r"Password for ", password)])
        assert idp.logins == 0
    assert expected in run.error_line()


# --- the generic form provider --------------------------------------------------------------


def test_generic_form_signs_in_where_one_form_is_enough(
    tls: TestTls, env: dict[str, str], tmp_path: Path
) -> None:
    with KeycloakEmulator(tls) as idp:
        args = ["-e", idp.entry_url, "-u", USER, "-p", "form"]
        run = run_cli(args, env, tmp_path, [PASSWORD_PROMPT])
        assert idp.logins == 1
    assert run.code == 0, run.stderr


def test_generic_form_names_the_page_it_does_not_understand(
    tls: TestTls, env: dict[str, str], tmp_path: Path
) -> None:
    with KeycloakEmulator(tls, otp_devices=["Phone"]) as idp:
        args = ["-e", idp.entry_url, "-u", USER, "-p", "form"]
        run = run_cli(args, env, tmp_path, [PASSWORD_PROMPT])
        assert idp.logins == 0
    assert "the IdP page 'Sign in to your account' was not understood" in run.error_line()


# --- PingFederate ----------------------------------------------------------------------------


def pingfed(idp: PingFedEmulator, *extra: str) -> list[str]:
    return ["-e", idp.entry_url, "-u", USER, "-p", "pingfed", *extra]


def test_pingfed_signs_in_and_keeps_its_session(
    tls: TestTls, env: dict[str, str], tmp_path: Path
) -> None:
    with PingFedEmulator(tls) as idp:
        first = run_cli(pingfed(idp), env, tmp_path, [PASSWORD_PROMPT])
        second = run_cli(pingfed(idp, "--duration", "1800"), env, tmp_path)
        assert idp.password_posts == 1
        assert idp.sign_ins == 1
        assert idp.session_reuses == 1
    assert first.code == 0, first.stderr
    assert second.code == 0, second.stderr
    assert prompts(second.screen) == 0


def test_pingfed_wrong_password_shows_its_own_words(
    tls: TestTls, env: dict[str, str], tmp_path: Path, home: Path
) -> None:
    with PingFedEmulator(tls, error_text="Nope. Call the helpdesk.") as idp:
        run = run_cli(pingfed(idp), env, tmp_path, [(r"Password for ", "wrong")])
        assert idp.logins == 0
    assert "PingFederate refused the login: Nope. Call the helpdesk." in run.error_line()
    assert cache_files(home) == []


def test_pingid_push_with_number_matching(
    tls: TestTls, env: dict[str, str], tmp_path: Path
) -> None:
    with PingFedEmulator(tls, pingid=["swipe"], number=73) as idp:
        run = run_cli(pingfed(idp), env, tmp_path, [PASSWORD_PROMPT, (r">>>  73  <<<", None)])
        assert idp.swipe_polls >= 2
        assert idp.logins == 1
    assert run.code == 0, run.stderr
    assert "select this number" in run.screen


@pytest.mark.parametrize(
    ("outcome", "timeout", "message"),
    [
        ("deny", "30", "the push was denied on your device"),
        ("timeout", "30", "the push was not approved in time"),
        ("never", "4", "approval did not arrive within 4 s"),
    ],
)
def test_pingid_push_refused(
    tls: TestTls, env: dict[str, str], tmp_path: Path, outcome: str, timeout: str, message: str
) -> None:
    with PingFedEmulator(tls, pingid=["swipe"], swipe_outcome=outcome, swipe_polls=0) as idp:
        args = pingfed(idp, "--mfa-timeout", timeout)
        run = run_cli(args, env, tmp_path, [PASSWORD_PROMPT], timeout=40)
        assert idp.logins == 0
        assert idp.swipe_polls <= 4
    assert message in run.error_line()


def test_pingid_device_choice_then_passcode_wrong_then_right(
    tls: TestTls, env: dict[str, str], tmp_path: Path
) -> None:
    with PingFedEmulator(tls, pingid=["swipe", "otp"]) as idp:
        run = run_cli(
            pingfed(idp),
            env,
            tmp_path,
            [PASSWORD_PROMPT, (r"Choose 1-2: ", "2"), (CODE, "000000"), (CODE, "123456")],
        )
        assert idp.device_selections == 1
        assert idp.otp_attempts == 2
        assert idp.logins == 1
    assert run.code == 0, run.stderr
    assert "PingID asks which device to use:" in run.screen


def test_pingfed_through_botocore(
    tls: TestTls, env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with PingFedEmulator(tls) as idp:
        arn = through_botocore(pingfed(idp, "-a", ROLE_ARN), env, monkeypatch)
        assert ":assumed-role/Dev/" in arn
        assert idp.logins == 1
