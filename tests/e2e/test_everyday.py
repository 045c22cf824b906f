"""Everyday use: remembered passwords, role menus and listing, session length,
profile set-up, logout and console sign-in, all through the installed CLI."""

from __future__ import annotations

import configparser
import json
import shlex
import stat
import sys
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest

from tests.cli_runner import CLI, prompts, run_cli, run_without_terminal
from tests.conftest import PASSWORD, ROLE_ARN, USER, as_sdk_environment, cache_files
from tests.emulators import AdfsEmulator, OktaEmulator, TestTls
from tests.emulators.aws import FederationEmulator, StsEmulator

REPO = Path(__file__).resolve().parents[2]
PASSWORD_PROMPT = (r"Password for alice@example\.com: ", PASSWORD)
DEV = ("arn:aws:iam::123456789012:role/Dev", "arn:aws:iam::123456789012:saml-provider/ADFS")
OPS = ("arn:aws:iam::210987654321:role/team/Ops", "arn:aws:iam::210987654321:saml-provider/ADFS")
AUDIT = ("arn:aws:iam::123456789012:role/Audit", "arn:aws:iam::123456789012:saml-provider/ADFS")


def adfs(idp: AdfsEmulator, *extra: str) -> list[str]:
    return ["-e", idp.entry_url, "-u", USER, "-p", "adfs", *extra]


# --- keyring ----------------------------------------------------------------------------


@pytest.fixture
def keyring_env(env: dict[str, str], tmp_path: Path) -> dict[str, str]:
    return {
        **env,
        "PYTHONPATH": str(REPO),
        "PYTHON_KEYRING_BACKEND": "tests.keyring_backend.FileKeyring",
        "AWSPROCESSCREDS_TEST_KEYRING": str(tmp_path / "keyring.json"),
    }


def stored(keyring_env: dict[str, str]) -> dict[str, str]:
    path = Path(keyring_env["AWSPROCESSCREDS_TEST_KEYRING"])
    return json.loads(path.read_text()) if path.exists() else {}


def test_keyring_remembers_the_password_after_a_successful_login(
    tls: TestTls, keyring_env: dict[str, str], tmp_path: Path
) -> None:
    with AdfsEmulator(tls) as idp:
        first = run_cli(
            adfs(idp, "--keyring", "--no-cache"), keyring_env, tmp_path, [PASSWORD_PROMPT]
        )
        assert first.code == 0, first.stderr
        assert stored(keyring_env) == {"awsprocesscreds:127.0.0.1|alice@example.com": PASSWORD}
        second = run_cli(adfs(idp, "--keyring", "--no-cache"), keyring_env, tmp_path)
        assert second.code == 0, second.stderr
        assert prompts(second.screen) == 0
        assert idp.logins == 2


def test_keyring_forgets_a_refused_password_and_asks_once(
    tls: TestTls, keyring_env: dict[str, str], tmp_path: Path
) -> None:
    Path(keyring_env["AWSPROCESSCREDS_TEST_KEYRING"]).write_text(
        json.dumps({"awsprocesscreds:127.0.0.1|alice@example.com": "old password"})
    )
    with AdfsEmulator(tls) as idp:
        run = run_cli(adfs(idp, "--keyring"), keyring_env, tmp_path, [PASSWORD_PROMPT])
        assert idp.password_posts == 2
    assert run.code == 0, run.stderr
    assert prompts(run.screen) == 1
    assert stored(keyring_env) == {"awsprocesscreds:127.0.0.1|alice@example.com": PASSWORD}


def test_a_locked_account_is_not_asked_again(
    tls: TestTls, keyring_env: dict[str, str], tmp_path: Path
) -> None:
    entry = {"awsprocesscreds:127.0.0.1|alice@example.com": PASSWORD}
    Path(keyring_env["AWSPROCESSCREDS_TEST_KEYRING"]).write_text(json.dumps(entry))
    with OktaEmulator(tls, user_status={USER: "LOCKED_OUT"}) as idp:
        args = ["-e", idp.app_url, "-u", USER, "-p", "okta", "--keyring"]
        run = run_cli(args, keyring_env, tmp_path)
        assert idp.authn_calls == 1
    assert "locked out" in run.error_line()
    assert prompts(run.screen, "password for") == 0
    assert stored(keyring_env) == entry


def test_a_password_in_the_environment_wins_over_the_keyring(
    tls: TestTls, keyring_env: dict[str, str]
) -> None:
    entry = {"awsprocesscreds:127.0.0.1|alice@example.com": "old password"}
    Path(keyring_env["AWSPROCESSCREDS_TEST_KEYRING"]).write_text(json.dumps(entry))
    with AdfsEmulator(tls) as idp:
        run = run_without_terminal(
            adfs(idp, "--keyring"), {**keyring_env, "AWSPROCESSCREDS_PASSWORD": PASSWORD}
        )
        assert idp.password_posts == 1
    assert run.code == 0, run.stderr
    assert stored(keyring_env) == entry


def test_keyring_is_not_used_without_the_option(
    tls: TestTls, keyring_env: dict[str, str], tmp_path: Path
) -> None:
    with AdfsEmulator(tls) as idp:
        run = run_cli(adfs(idp), keyring_env, tmp_path, [PASSWORD_PROMPT])
    assert run.code == 0, run.stderr
    assert stored(keyring_env) == {}


def test_without_a_usable_keyring_the_prompt_is_used(
    tls: TestTls, env: dict[str, str], tmp_path: Path
) -> None:
    no_backend = {**env, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    with AdfsEmulator(tls) as idp:
        run = run_cli(adfs(idp, "--keyring", "-v"), no_backend, tmp_path, [PASSWORD_PROMPT])
    assert run.code == 0, run.stderr
    assert "keyring unavailable, asking instead" in run.stderr
    assert "Traceback" not in run.stderr


def test_logout_removes_cache_entry_and_stored_password(
    tls: TestTls, keyring_env: dict[str, str], tmp_path: Path, home: Path
) -> None:
    with AdfsEmulator(tls) as idp:
        assert run_cli(adfs(idp, "--keyring"), keyring_env, tmp_path, [PASSWORD_PROMPT]).code == 0
        assert len(cache_files(home)) == 1
        out = run_without_terminal(["logout", *adfs(idp, "--keyring")], keyring_env)
    assert out.code == 0, out.stderr
    assert "Removed 1 cached credential set." in out.stdout
    assert "Removed the stored password" in out.stdout
    assert cache_files(home) == []
    assert stored(keyring_env) == {}


def test_logout_all(tls: TestTls, env: dict[str, str], tmp_path: Path, home: Path) -> None:
    with AdfsEmulator(tls) as idp:
        with_password = {**env, "AWSPROCESSCREDS_PASSWORD": PASSWORD}
        assert run_without_terminal(adfs(idp), with_password).code == 0
        assert run_without_terminal(adfs(idp, "--duration", "900"), with_password).code == 0
    assert len(cache_files(home)) == 2
    out = run_without_terminal(["logout", "--all"], env)
    assert "Removed 2 cached credential sets." in out.stdout
    assert cache_files(home) == []


# --- roles ------------------------------------------------------------------------------


def test_roles_lists_by_account_without_sts(
    tls: TestTls, sts_lite: tuple[StsEmulator, dict[str, str]], tmp_path: Path
) -> None:
    sts, env = sts_lite
    with AdfsEmulator(tls, roles=[OPS, DEV, AUDIT]) as idp:
        run = run_cli(["roles", *adfs(idp)], env, tmp_path, [PASSWORD_PROMPT])
    assert run.code == 0, run.stderr
    assert run.stdout.splitlines() == [
        "Account 123456789012",
        f"  {AUDIT[0]}",
        f"  {DEV[0]}",
        "Account 210987654321",
        f"  {OPS[0]}",
    ]
    assert sts.calls == []


def test_menu_on_a_terminal_when_several_roles(
    tls: TestTls, sts_lite: tuple[StsEmulator, dict[str, str]], tmp_path: Path
) -> None:
    sts, env = sts_lite
    with AdfsEmulator(tls, roles=[OPS, DEV]) as idp:
        run = run_cli(adfs(idp), env, tmp_path, [PASSWORD_PROMPT, (r"Choose 1-2: ", "2")])
    assert run.code == 0, run.stderr
    assert "1) 123456789012  Dev" in run.screen
    assert "2) 210987654321  team/Ops" in run.screen
    assert [call["RoleArn"] for call in sts.calls] == [OPS[0]]
    run.credentials()


def test_three_bad_answers_at_the_role_menu(
    tls: TestTls, sts_lite: tuple[StsEmulator, dict[str, str]], tmp_path: Path
) -> None:
    sts, env = sts_lite
    with AdfsEmulator(tls, roles=[OPS, DEV]) as idp:
        run = run_cli(adfs(idp), env, tmp_path, [PASSWORD_PROMPT] + [(r"Choose 1-2: ", "9")] * 3)
    assert "no valid choice was made" in run.error_line()
    assert sts.calls == []


# --- session length ---------------------------------------------------------------------


def test_duration_above_the_roles_maximum_is_retried_with_an_hour(
    tls: TestTls, sts_lite: tuple[StsEmulator, dict[str, str]], tmp_path: Path
) -> None:
    sts, env = sts_lite
    with AdfsEmulator(tls, session_duration=28800) as idp:
        run = run_cli(adfs(idp, "-v"), env, tmp_path, [PASSWORD_PROMPT])
    assert run.code == 0, run.stderr
    assert [call["DurationSeconds"] for call in sts.calls] == ["28800", "3600"]
    assert "exceeds the role's MaxSessionDuration; retrying with 3600 s" in run.stderr


def test_duration_option_wins_and_keys_the_cache(
    tls: TestTls, sts_lite: tuple[StsEmulator, dict[str, str]], tmp_path: Path, home: Path
) -> None:
    sts, env = sts_lite
    with AdfsEmulator(tls, session_duration=3600) as idp:
        prompt = [PASSWORD_PROMPT]
        assert run_cli(adfs(idp, "--duration", "1800"), env, tmp_path, prompt).code == 0
        # The kept IdP session signs the second one in: no prompt.
        assert run_cli(adfs(idp, "--duration", "2700"), env, tmp_path).code == 0
        assert run_cli(adfs(idp, "--duration", "1800"), env, tmp_path).code == 0  # cached
    assert [call["DurationSeconds"] for call in sts.calls] == ["1800", "2700"]
    assert len(cache_files(home)) == 2


def test_credentials_too_short_to_cache_are_served_with_a_warning(
    tls: TestTls, sts_lite: tuple[StsEmulator, dict[str, str]], tmp_path: Path, home: Path
) -> None:
    _, env = sts_lite
    with AdfsEmulator(tls) as idp:
        run = run_cli(adfs(idp, "--duration", "900"), env, tmp_path, [PASSWORD_PROMPT])
    assert run.code == 0, run.stderr
    run.credentials()
    assert "not cached" in run.stderr
    assert "--duration 1800" in run.stderr
    assert cache_files(home) == []


def test_explicit_duration_above_the_maximum_is_retried_too(
    tls: TestTls, sts_lite: tuple[StsEmulator, dict[str, str]], tmp_path: Path
) -> None:
    sts, env = sts_lite
    with AdfsEmulator(tls, roles=[DEV]) as idp:
        run = run_cli(adfs(idp, "--duration", "7200"), env, tmp_path, [PASSWORD_PROMPT])
    assert run.code == 0, run.stderr
    assert [call["DurationSeconds"] for call in sts.calls] == ["7200", "3600"]


def test_a_roles_shorter_maximum_is_remembered(
    tls: TestTls, sts_lite: tuple[StsEmulator, dict[str, str]], home: Path
) -> None:
    """The first login learns that the role refuses 8 h (two STS calls); later logins
    ask for the hour it accepts (one call each), until logout --all forgets it."""
    sts, env = sts_lite
    with_password = {**env, "AWSPROCESSCREDS_PASSWORD": PASSWORD}
    with AdfsEmulator(tls, session_duration=28800) as idp:
        assert run_without_terminal(adfs(idp), with_password).code == 0
        assert len(sts.calls) == 2
        assert run_without_terminal(["logout", *adfs(idp)], env).code == 0
        assert run_without_terminal(adfs(idp), with_password).code == 0
        assert len(sts.calls) == 3
        assert run_without_terminal(["logout", "--all"], env).code == 0
        assert run_without_terminal(adfs(idp), with_password).code == 0
    assert [call["DurationSeconds"] for call in sts.calls] == [
        "28800",
        "3600",
        "3600",
        "28800",
        "3600",
    ]


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ({"expiration_text": "soon"}, "the STS endpoint answered an Expiration that is not a date"),
        ({"clock_skew": -3 * 3600}, "this computer's clock is about 3 h ahead of AWS's"),
    ],
)
def test_sts_answers_we_cannot_use_are_refused(
    tls: TestTls, env: dict[str, str], home: Path, answer: dict[str, Any], message: str
) -> None:
    with StsEmulator(tls, **answer) as sts, AdfsEmulator(tls) as idp:
        sts_env = {
            **env,
            "AWS_ENDPOINT_URL_STS": sts.url,
            "AWS_CA_BUNDLE": str(tls.ca_file),
            "AWSPROCESSCREDS_PASSWORD": PASSWORD,
        }
        run = run_without_terminal(adfs(idp), sts_env)
        assert len(sts.calls) == 1
    assert run.code == 1
    assert message in run.error_line()
    assert run.stdout == ""
    assert cache_files(home) == []


def test_sts_error_shows_its_code_and_message(
    tls: TestTls, env: dict[str, str], tmp_path: Path, home: Path
) -> None:
    refusal = ("InvalidIdentityToken", "Specified provider doesn't exist")
    with StsEmulator(tls, fail_with=refusal) as sts, AdfsEmulator(tls) as idp:
        sts_env = {**env, "AWS_ENDPOINT_URL_STS": sts.url, "AWS_CA_BUNDLE": str(tls.ca_file)}
        run = run_cli(adfs(idp), sts_env, tmp_path, [PASSWORD_PROMPT])
    line = run.error_line()
    assert "AWS STS refused AssumeRoleWithSAML: InvalidIdentityToken: Specified provider" in line
    assert cache_files(home) == []


# --- configure ----------------------------------------------------------------------------


def test_configure_writes_a_working_profile_and_keeps_the_rest(
    tls: TestTls, env: dict[str, str], home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = Path(env["AWS_CONFIG_FILE"])
    original = (
        "# my settings\n[default]\nregion = eu-west-1\n\n"
        "[profile adfs]\n# keep me\ncredential_process = old-command\noutput = json\n\n"
        "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\n"
    )
    config.write_text(original)
    config.chmod(0o640)
    with AdfsEmulator(tls) as idp:
        run = run_without_terminal(
            ["configure", "--profile", "adfs", *adfs(idp, "-a", ROLE_ARN, "--mfa-timeout", "90")],
            env,
        )
        assert run.code == 0, run.stderr
        assert "[profile adfs]" in run.stdout
        assert "aws sts get-caller-identity --profile adfs" in run.stdout
        text = config.read_text()
        parser = configparser.ConfigParser(interpolation=None)
        parser.read_string(text)
        line = parser["profile adfs"]["credential_process"]
        argv = shlex.split(line)
        assert argv == [CLI, *adfs(idp, "-a", ROLE_ARN, "--mfa-timeout", "90")]
        assert Path(argv[0]).is_absolute()
        assert "# keep me\n" in text
        assert parser["profile adfs"]["output"] == "json"
        assert parser["default"]["region"] == "eu-west-1"
        assert parser["sso-session corp"]["sso_start_url"] == "https://corp.awsapps.com/start"
        assert stat.S_IMODE(config.stat().st_mode) == 0o640
        # and botocore can use it
        as_sdk_environment(monkeypatch, env)
        client = boto3.Session(profile_name="adfs").client(
            "sts", endpoint_url=env["AWS_ENDPOINT_URL_STS"], region_name="us-east-1"
        )
        assert ":assumed-role/Dev/" in client.get_caller_identity()["Arn"]
        assert idp.logins == 1


def test_configure_creates_the_file_and_section(env: dict[str, str]) -> None:
    config = Path(env["AWS_CONFIG_FILE"])
    url = "https://org.okta.com/home/amazon_aws/0oa1/272?a=1&b=2"
    run = run_without_terminal(
        [
            "configure",
            "--profile",
            "okta",
            "--region",
            "us-west-2",
            "-e",
            url,
            "-u",
            USER,
            "-p",
            "okta",
            "--keyring",
        ],
        env,
    )
    assert run.code == 0, run.stderr
    parser = configparser.ConfigParser(interpolation=None)
    parser.read_string(config.read_text())
    assert parser["profile okta"]["region"] == "us-west-2"
    argv = shlex.split(parser["profile okta"]["credential_process"])
    assert argv[1:] == ["-e", url, "-u", USER, "-p", "okta", "--keyring"]
    assert stat.S_IMODE(config.stat().st_mode) == 0o600


# --- console ------------------------------------------------------------------------------


def test_console_print_uses_the_cached_credentials(
    tls: TestTls, federation: tuple[FederationEmulator, dict[str, str]], tmp_path: Path
) -> None:
    server, env = federation
    with OktaEmulator(tls) as idp:
        args = ["-e", idp.app_url, "-u", USER, "-p", "okta", "-a", ROLE_ARN]
        first = run_cli(args, env, tmp_path, [(r"Okta password for ", PASSWORD)])
        credentials = first.credentials()
        run = run_without_terminal(["console", *args, "--print"], env)
        assert idp.logins == 1
    assert run.code == 0, run.stderr
    url = urlsplit(run.stdout.strip())
    query = parse_qs(url.query)
    assert query["Action"] == ["login"]
    assert query["Destination"] == ["https://console.aws.amazon.com/"]
    assert query["SigninToken"] == server.tokens
    assert server.sessions == [
        {
            "sessionId": credentials["AccessKeyId"],
            "sessionKey": credentials["SecretAccessKey"],
            "sessionToken": credentials["SessionToken"],
        }
    ]
    assert server.tokens[0] not in run.stderr


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("arn:aws-cn:iam::123456789012:role/Dev", "https://signin.amazonaws.cn/federation"),
        (
            "arn:aws-us-gov:iam::123456789012:role/Dev",
            "https://signin.amazonaws-us-gov.com/federation",
        ),
        ("arn:aws:iam::123456789012:role/Dev", "https://signin.aws.amazon.com/federation"),
    ],
)
def test_console_partitions(role: str, expected: str) -> None:
    from awsprocesscreds.console import endpoints

    assert endpoints(role.split(":")[1], None)[0] == expected


def test_python_dash_m_runs_the_same_command(env: dict[str, str]) -> None:
    import subprocess

    done = subprocess.run(
        [sys.executable, "-m", "awsprocesscreds", "--version"],
        capture_output=True,
        text=True,
        env=env,
        timeout=30,
        check=False,
    )
    assert done.returncode == 0
    assert done.stdout.startswith("awsprocesscreds-saml ")
