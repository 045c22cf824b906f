"""Microsoft Entra ID (``-p entra``) end to end, on a pseudo-terminal, against the Entra
emulator: both entry points, managed and federated accounts, the pages between, each
error page, and the shared machinery (cache, single flight, keyring, configure,
roles, logout, botocore)."""

from __future__ import annotations

import configparser
import contextlib
import json
import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from tests.cli_runner import CLI, Run, Terminal, prompts, run_cli, run_without_terminal
from tests.conftest import PASSWORD, ROLE_ARN, USER, as_sdk_environment, cache_files
from tests.emulators import AdfsEmulator, TestTls
from tests.emulators.aws import FederationEmulator
from tests.emulators.entra import EntraEmulator

PASSWORD_PROMPT = (r"Password for alice@example\.com: ", PASSWORD)
FEDERATED_USER = "bob@corp.example.com"
SECOND_APP = "https://signin.aws.amazon.com/saml#2"
AWS_SAML = "https://signin.aws.amazon.com/saml"
REPO = Path(__file__).resolve().parents[2]


def entra(url: str, *extra: str, user: str = USER) -> list[str]:
    return ["-e", url, "-u", user, "-p", "entra", *extra]


# --- managed accounts, both entry points -------------------------------------------------


def test_tenant_endpoint_signs_in_with_our_authn_request(
    tls: TestTls, env: dict[str, str], tmp_path: Path, home: Path
) -> None:
    with EntraEmulator(tls) as idp:
        run = run_cli(entra(idp.tenant_saml_url), env, tmp_path, [PASSWORD_PROMPT])
        again = run_without_terminal(entra(idp.tenant_saml_url), env)
        requests = idp.authn_requests
        assert idp.logins == 1
        assert idp.password_posts == 1
        assert idp.kmsi_answers == ["1"]
    assert run.code == 0, run.stderr
    assert again.stdout == run.stdout  # the cache served the second run
    run.credentials()
    assert len(cache_files(home)) == 1
    assert len(requests) == 1
    assert requests[0]["issuer"] == AWS_SAML
    assert requests[0]["acs"] == AWS_SAML
    assert requests[0]["version"] == "2.0"
    assert requests[0]["id"].startswith("_")


def test_user_access_url_follows_the_portal_and_its_hidden_forms(
    tls: TestTls, env: dict[str, str], tmp_path: Path
) -> None:
    with EntraEmulator(tls, relative_urls=True) as idp:
        run = run_cli(entra(idp.user_access_url), env, tmp_path, [PASSWORD_PROMPT])
        assert idp.logins == 1
        assert idp.hidden_form_posts == 1  # the OIDC form back to the portal
    assert run.code == 0, run.stderr
    run.credentials()


@pytest.mark.parametrize("layout", ["nolinebreak", "linebreak", "extrascript"])
def test_every_config_layout_is_read(
    tls: TestTls, env: dict[str, str], tmp_path: Path, layout: str
) -> None:
    with EntraEmulator(tls, layout=layout, relative_urls=True, kmsi_redirect=True) as idp:
        run = run_cli(entra(idp.tenant_saml_url), env, tmp_path, [PASSWORD_PROMPT])
        assert idp.logins == 1
    assert run.code == 0, run.stderr


def test_entity_id_names_the_second_aws_app(
    tls: TestTls, env: dict[str, str], tmp_path: Path
) -> None:
    with EntraEmulator(tls, entity_id=SECOND_APP) as idp:
        run = run_cli(
            entra(idp.tenant_saml_url, "--entity-id", SECOND_APP), env, tmp_path, [PASSWORD_PROMPT]
        )
        assert [request["issuer"] for request in idp.authn_requests] == [SECOND_APP]
    assert run.code == 0, run.stderr


def test_a_wrong_entity_id_is_one_line_naming_the_option(
    tls: TestTls, env: dict[str, str], tmp_path: Path, home: Path
) -> None:
    with EntraEmulator(tls, entity_id=SECOND_APP) as idp:
        run = run_cli(entra(idp.tenant_saml_url), env, tmp_path)
        assert idp.password_posts == 0
    line = run.error_line()
    assert "AADSTS700016" in line
    assert "--entity-id" in line
    assert prompts(run.screen) == 0
    assert cache_files(home) == []


def test_entity_id_with_a_user_access_url_is_refused_before_any_request(
    tls: TestTls, env: dict[str, str]
) -> None:
    with EntraEmulator(tls) as idp:
        run = run_without_terminal(entra(idp.user_access_url, "--entity-id", SECOND_APP), env)
        assert idp.requests_seen == []
    assert run.code == 1
    assert "--entity-id goes with the tenant's SAML endpoint" in run.error_line()


def test_entity_id_does_not_apply_to_other_providers(env: dict[str, str]) -> None:
    args = ["-e", "https://adfs.example.com/", "-u", USER, "-p", "adfs", "--entity-id", "x"]
    run = run_without_terminal(args, env)
    assert "--entity-id does not apply to the adfs provider" in run.error_line()


def test_the_role_partition_picks_the_aws_endpoint_asked_for(
    tls: TestTls, env: dict[str, str], tmp_path: Path
) -> None:
    gov = "https://signin.amazonaws-us-gov.com/saml"
    role = "arn:aws-us-gov:iam::123456789012:role/Dev"
    provider = "arn:aws-us-gov:iam::123456789012:saml-provider/Entra"
    with EntraEmulator(tls, acs_url=gov, roles=[(role, provider)]) as idp:
        run_cli(entra(idp.tenant_saml_url, "-a", role), env, tmp_path, [PASSWORD_PROMPT])
        assert [request["acs"] for request in idp.authn_requests] == [gov]
        assert idp.logins == 1


def test_a_rewritten_aws_address_still_yields_the_assertion(
    tls: TestTls, env: dict[str, str], tmp_path: Path
) -> None:
    with EntraEmulator(tls, form_action="https://signin.aws.amazon.com.mcas.ms/saml") as idp:
        run = run_cli(entra(idp.tenant_saml_url), env, tmp_path, [PASSWORD_PROMPT])
        assert idp.logins == 1
    assert run.code == 0, run.stderr


# --- federated domains: AD FS behind Entra -----------------------------------------------


@contextlib.contextmanager
def federated(
    tls: TestTls, env: dict[str, str], tmp_path: Path, password: str, **adfs_options: Any
) -> Iterator[tuple[AdfsEmulator, EntraEmulator, Run]]:
    """A sign-in of FEDERATED_USER, whose domain Entra sends to the AD FS emulator."""
    with (
        AdfsEmulator(tls, users={FEDERATED_USER: PASSWORD}, **adfs_options) as adfs,
        EntraEmulator(tls, adfs=adfs, federated_domains=["corp.example.com"]) as idp,
    ):
        run = run_cli(
            entra(idp.tenant_saml_url, user=FEDERATED_USER),
            env,
            tmp_path,
            [(r"Password for bob@corp\.example\.com: ", password)],
        )
        yield adfs, idp, run


def test_federated_user_signs_in_at_adfs_and_comes_back(
    tls: TestTls, env: dict[str, str], tmp_path: Path
) -> None:
    with federated(tls, env, tmp_path, PASSWORD) as (adfs, idp, run):
        assert adfs.wsfed_signins == 1
        assert adfs.password_posts == 1
        assert idp.password_posts == 0
        assert idp.logins == 1
    assert run.code == 0, run.stderr
    assert prompts(run.screen) == 1


def test_federated_user_meets_the_adfs_mfa_adapter(
    tls: TestTls, env: dict[str, str], tmp_path: Path
) -> None:
    with federated(tls, env, tmp_path, PASSWORD, mfa="azure_number") as (adfs, idp, run):
        assert adfs.mfa_polls >= 1
        assert idp.logins == 1
    assert run.code == 0, run.stderr
    assert ">>>  42  <<<" in run.screen


def test_federated_wrong_password_is_one_line(
    tls: TestTls, env: dict[str, str], tmp_path: Path, home: Path
) -> None:
    with federated(tls, env, tmp_path, "wrong") as (_, idp, run):
        assert idp.logins == 0
    assert "AD FS refused the login" in run.error_line()
    assert cache_files(home) == []


# --- pages between the password and the assertion ----------------------------------------


def test_skippable_security_info_registration_is_skipped(
    tls: TestTls, env: dict[str, str], tmp_path: Path
) -> None:
    with EntraEmulator(tls, proof_up="skippable") as idp:
        run = run_cli(entra(idp.tenant_saml_url), env, tmp_path, [PASSWORD_PROMPT])
        assert idp.proofup_skips == 1
        assert idp.logins == 1
    assert run.code == 0, run.stderr


def test_required_security_info_registration_says_to_use_a_browser(
    tls: TestTls, env: dict[str, str], tmp_path: Path
) -> None:
    with EntraEmulator(tls, proof_up="required") as idp:
        run = run_cli(entra(idp.tenant_saml_url), env, tmp_path, [PASSWORD_PROMPT])
        assert idp.logins == 0
    assert (
        "Entra ID asks you to register security information: do it once in a browser"
        in run.error_line()
    )


def test_without_stay_signed_in_page_the_sign_in_goes_on(
    tls: TestTls, env: dict[str, str], tmp_path: Path
) -> None:
    with EntraEmulator(tls, kmsi=False) as idp:
        run = run_cli(entra(idp.tenant_saml_url), env, tmp_path, [PASSWORD_PROMPT])
        assert idp.kmsi_posts == 0
        assert idp.logins == 1
    assert run.code == 0, run.stderr


@pytest.mark.parametrize(
    ("interrupt", "expected"),
    [
        ("conditional_access", "cannot answer from a terminal (ConvergedConditionalAccess)"),
        ("unknown", "cannot answer from a terminal ("),
        ("loop", "sent the same page twice in a row"),
    ],
)
def test_pages_we_cannot_answer_end_in_one_line(
    tls: TestTls,
    env: dict[str, str],
    tmp_path: Path,
    home: Path,
    interrupt: str,
    expected: str,
) -> None:
    with EntraEmulator(tls, interrupt=interrupt) as idp:
        run = run_cli(entra(idp.tenant_saml_url), env, tmp_path, [PASSWORD_PROMPT])
        assert idp.logins == 0
        assert idp.gets + idp.hidden_form_posts < 10  # no loop
    assert expected in run.error_line()
    assert cache_files(home) == []


# --- errors -------------------------------------------------------------------------------


def test_wrong_password_is_one_line_and_recorded_as_refused(
    tls: TestTls, env: dict[str, str], tmp_path: Path, home: Path
) -> None:
    with EntraEmulator(tls) as idp:
        run = run_cli(entra(idp.tenant_saml_url), env, tmp_path, [(r"Password for ", "wrong")])
        assert idp.password_posts == 1
    line = run.error_line()
    assert "Entra ID refused the user name or password (AADSTS50126)" in line
    assert "wrong" not in line.replace("wrong user", "")
    assert cache_files(home) == []
    notes = list((home / ".aws" / "awsprocesscreds" / "cache").glob("*.failed"))
    assert len(notes) == 1  # what makes waiting runs fail fast instead of asking again


def test_unknown_user_is_told_before_any_password(
    tls: TestTls, env: dict[str, str], tmp_path: Path
) -> None:
    with EntraEmulator(tls) as idp:
        run = run_cli(entra(idp.tenant_saml_url, user="nobody@example.com"), env, tmp_path)
        assert idp.password_posts == 0
    assert prompts(run.screen) == 0
    assert "no account nobody@example.com (AADSTS50034); check -u" in run.error_line()


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("50053", "locked the account"),
        ("50055", "password of alice@example.com has expired (AADSTS50055)"),
        ("50057", "is disabled (AADSTS50057)"),
        ("50076", "AADSTS50076"),
        ("50079", "register security information (AADSTS50079)"),
        ("53003", "Conditional Access blocked this sign-in (AADSTS53003)"),
        ("50097", "registered or compliant device (AADSTS50097)"),
        ("50005", "device platform (AADSTS50005)"),
        ("500121", "AADSTS500121"),
        ("50196", "sign-in loop (AADSTS50196)"),
        ("90072", "AADSTS90072"),
    ],
)
def test_each_entra_error_is_one_clear_line(
    tls: TestTls, env: dict[str, str], tmp_path: Path, home: Path, code: str, expected: str
) -> None:
    with EntraEmulator(tls, account_errors={USER: code}) as idp:
        run = run_cli(entra(idp.tenant_saml_url), env, tmp_path, [PASSWORD_PROMPT])
        assert idp.logins == 0
    assert run.code == 1
    assert expected in run.error_line()
    assert "Traceback" not in run.stderr
    assert cache_files(home) == []


def test_a_hung_entra_is_cut_off_at_the_timeout(tls: TestTls, env: dict[str, str]) -> None:
    with EntraEmulator(tls, hang=True) as idp:
        run = run_without_terminal(entra(idp.tenant_saml_url, "--timeout", "2"), env)
    assert "did not answer within 2 s" in run.error_line()


# --- shared machinery ----------------------------------------------------------------------


def test_parallel_cold_starts_sign_in_once(
    tls: TestTls, env: dict[str, str], tmp_path: Path, home: Path
) -> None:
    with EntraEmulator(tls, mfa=["PhoneAppNotification"]) as idp:
        terminals = [Terminal(entra(idp.tenant_saml_url), env, tmp_path) for _ in range(4)]
        shown = 0
        for terminal in terminals:  # the first to get the lock asks; the others wait
            if terminal.expect(r"Password for ", timeout=5):
                terminal.send(PASSWORD)
                shown += 1
        runs = [terminal.finish() for terminal in terminals]
        assert idp.logins == 1
        assert idp.begin_auths == 1
    assert shown == 1
    assert [run.code for run in runs] == [0] * 4, [run.stderr for run in runs]
    assert len(cache_files(home)) == 1


def test_keyring_roles_and_logout_work_for_entra(
    tls: TestTls, env: dict[str, str], tmp_path: Path, home: Path
) -> None:
    keyring_env = {
        **env,
        "PYTHONPATH": str(REPO),
        "PYTHON_KEYRING_BACKEND": "tests.keyring_backend.FileKeyring",
        "AWSPROCESSCREDS_TEST_KEYRING": str(tmp_path / "keyring.json"),
    }
    with EntraEmulator(tls, entity_id=SECOND_APP) as idp:
        args = entra(idp.tenant_saml_url, "--entity-id", SECOND_APP)
        first = run_cli([*args, "--keyring"], keyring_env, tmp_path, [PASSWORD_PROMPT])
        assert first.code == 0, first.stderr
        stored = json.loads(Path(keyring_env["AWSPROCESSCREDS_TEST_KEYRING"]).read_text())
        assert stored == {"awsprocesscreds:127.0.0.1|alice@example.com": PASSWORD}
        listed = run_cli(["roles", *args, "--keyring"], keyring_env, tmp_path)
        assert listed.code == 0, listed.stderr
        assert prompts(listed.screen) == 0
        assert "Dev" in listed.stdout
        assert len(cache_files(home)) == 1
        logout = run_without_terminal(["logout", *args], env)
        assert logout.code == 0, logout.stderr
        assert cache_files(home) == []
        assert idp.logins == 2


def test_configure_writes_the_entity_id_and_botocore_uses_the_profile(
    tls: TestTls, env: dict[str, str], home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with EntraEmulator(tls, entity_id=SECOND_APP) as idp:
        args = entra(idp.tenant_saml_url, "--entity-id", SECOND_APP, "-a", ROLE_ARN)
        run = run_without_terminal(["configure", "--profile", "entra", *args], env)
        assert run.code == 0, run.stderr
        parser = configparser.ConfigParser(interpolation=None)
        parser.read_string(Path(env["AWS_CONFIG_FILE"]).read_text())
        argv = shlex.split(parser["profile entra"]["credential_process"])
        assert argv[0] == CLI
        assert argv[argv.index("--entity-id") + 1] == SECOND_APP
        as_sdk_environment(monkeypatch, env)
        client = boto3.Session(profile_name="entra").client(
            "sts", endpoint_url=env["AWS_ENDPOINT_URL_STS"], region_name="us-east-1"
        )
        assert ":assumed-role/Dev/" in client.get_caller_identity()["Arn"]
        assert boto3.Session(profile_name="entra").get_credentials() is not None
        assert idp.logins == 1
    assert len(cache_files(home)) == 1


def test_console_signs_in_with_entra_credentials(
    tls: TestTls, federation: tuple[FederationEmulator, dict[str, str]], tmp_path: Path
) -> None:
    server, console_env = federation
    with EntraEmulator(tls) as idp:
        args = entra(idp.tenant_saml_url, "-a", ROLE_ARN)
        run = run_cli(["console", *args, "--print"], console_env, tmp_path, [PASSWORD_PROMPT])
        assert idp.logins == 1
    assert run.code == 0, run.stderr
    assert "SigninToken=" in run.stdout
    assert len(server.sessions) == 1
