"""``--profile NAME`` for roles, console, logout and status, and ``status`` itself,
through the installed CLI, with profiles written by ``configure``."""

from __future__ import annotations

import json
import re
import shlex
import stat
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.cli_runner import run_cli, run_without_terminal
from tests.conftest import PASSWORD, ROLE_ARN, USER, cache_files
from tests.emulators import AdfsEmulator, TestTls
from tests.emulators.aws import FederationEmulator, StsEmulator

PASSWORD_PROMPT = (r"Password for alice@example\.com: ", PASSWORD)
DEV = ("arn:aws:iam::123456789012:role/Dev", "arn:aws:iam::123456789012:saml-provider/ADFS")
AUDIT = ("arn:aws:iam::123456789012:role/Audit", "arn:aws:iam::123456789012:saml-provider/ADFS")
OPS = ("arn:aws:iam::210987654321:role/team/Ops", "arn:aws:iam::210987654321:saml-provider/ADFS")


def configure(env: dict[str, str], profile: str, idp: AdfsEmulator, *extra: str) -> None:
    argv = ["configure", "--profile", profile, "-e", idp.entry_url, "-u", USER, "-p", "adfs"]
    run = run_without_terminal([*argv, *extra], env)
    assert run.code == 0, run.stderr


def sign_in(env: dict[str, str], profile: str) -> dict[str, str]:
    """Run the profile's credential_process line as botocore would (password from the
    environment); its credentials."""
    import configparser

    parser = configparser.RawConfigParser()
    parser.read_string(Path(env["AWS_CONFIG_FILE"]).read_text())
    argv = shlex.split(parser[f"profile {profile}"]["credential_process"])
    run = run_without_terminal(argv[1:], {**env, "AWSPROCESSCREDS_PASSWORD": PASSWORD})
    assert run.code == 0, run.stderr
    return dict(json.loads(run.stdout))


def cache_dir(home: Path) -> Path:
    return home / ".aws" / "awsprocesscreds" / "cache"


def sessions_dir(home: Path) -> Path:
    return home / ".aws" / "awsprocesscreds" / "sessions"


def cookie_values(home: Path) -> list[str]:
    values = []
    for path in sessions_dir(home).glob("*.session"):
        document = json.loads(path.read_text())
        values += [cookie["value"] for cookie in document.get("cookies", [])]
    return values


def status(env: dict[str, str], *extra: str) -> list[str]:
    run = run_without_terminal(["status", *extra], env)
    assert run.code == 0, run.stderr
    assert run.stderr == ""
    return run.stdout.splitlines()


def columns(line: str) -> list[str]:
    return line.split("  ")


# --- --profile for each command -----------------------------------------------------------


def test_roles_by_profile(
    tls: TestTls, sts_lite: tuple[StsEmulator, dict[str, str]], tmp_path: Path
) -> None:
    sts, env = sts_lite
    with AdfsEmulator(tls, roles=[OPS, DEV, AUDIT]) as idp:
        configure(env, "corp", idp, "--no-idp-session")
        run = run_cli(["roles", "--profile", "corp"], env, tmp_path, [PASSWORD_PROMPT])
    assert run.code == 0, run.stderr
    assert run.stdout.splitlines() == [
        "Account 123456789012",
        f"  {AUDIT[0]}",
        f"  {DEV[0]}",
        "Account 210987654321",
        f"  {OPS[0]}",
    ]
    assert sts.calls == []


def test_console_by_profile_uses_the_profiles_cache_entry(
    tls: TestTls, federation: tuple[FederationEmulator, dict[str, str]]
) -> None:
    server, env = federation
    with AdfsEmulator(tls) as idp:
        configure(env, "corp", idp, "-a", ROLE_ARN)
        credentials = sign_in(env, "corp")
        run = run_without_terminal(["console", "--profile", "corp", "--print"], env)
        assert idp.logins == 1  # the profile's cache entry, no second sign-in
    assert run.code == 0, run.stderr
    assert parse_qs(urlsplit(run.stdout.strip()).query)["SigninToken"] == server.tokens
    assert server.sessions[0]["sessionId"] == credentials["AccessKeyId"]


def test_logout_by_profile_removes_its_entry_description_and_session(
    tls: TestTls, env: dict[str, str], home: Path
) -> None:
    with AdfsEmulator(tls) as idp:
        configure(env, "corp", idp, "-a", ROLE_ARN)
        configure(env, "other", idp, "-a", ROLE_ARN, "--duration", "900")
        sign_in(env, "corp")
        sign_in(env, "other")
    assert len(cache_files(home)) == 2
    assert len(list(cache_dir(home).glob("*.about"))) == 2
    assert len(list(sessions_dir(home).glob("*.session"))) == 1
    run = run_without_terminal(["logout", "--profile", "corp"], env)
    assert run.code == 0, run.stderr
    assert "Removed 1 cached credential set." in run.stdout
    assert len(cache_files(home)) == 1
    abouts = list(cache_dir(home).glob("*.about"))
    assert [path.stem for path in abouts] == [path.stem for path in cache_files(home)]
    assert list(sessions_dir(home).glob("*.session")) == []
    assert [columns(line)[1:5] for line in status(env)] == [["adfs", "127.0.0.1", USER, ROLE_ARN]]


def test_status_by_profile_shows_only_that_profiles(
    tls: TestTls, sts_lite: tuple[StsEmulator, dict[str, str]], home: Path
) -> None:
    _, env = sts_lite
    with AdfsEmulator(tls, roles=[DEV, AUDIT]) as idp:
        configure(env, "dev", idp, "-a", DEV[0])
        configure(env, "audit", idp, "-a", AUDIT[0])
        configure(env, "unused", idp, "-a", AUDIT[0], "--duration", "7200")
        configure(env, "no-sessions", idp, "-a", AUDIT[0], "--duration", "7200", "--no-idp-session")
        sign_in(env, "dev")
        sign_in(env, "audit")
    everything = status(env)
    mine = status(env, "--profile", "dev")
    assert [columns(line)[:5] for line in mine if line.startswith("credentials")] == [
        ["credentials", "adfs", "127.0.0.1", USER, DEV[0]]
    ]
    (session_line,) = (line for line in everything if line.startswith("idp-session"))
    assert [line for line in mine if line.startswith("idp-session")] == [session_line]
    # Never signed in: no credentials of its own, but the IdP session it would use.
    assert status(env, "--profile", "unused") == [session_line]
    assert status(env, "--profile", "no-sessions") == ["Nothing is kept for profile no-sessions."]
    Path(env["AWS_CONFIG_FILE"]).write_text(
        Path(env["AWS_CONFIG_FILE"]).read_text().replace("-u alice@example.com", "-u bob")
    )
    assert status(env, "--profile", "dev") == ["Nothing is kept for profile dev."]


# --- status -------------------------------------------------------------------------------


def test_status_lists_sets_and_sessions_without_a_secret(
    tls: TestTls, sts_lite: tuple[StsEmulator, dict[str, str]], home: Path
) -> None:
    _, env = sts_lite
    with AdfsEmulator(tls, roles=[DEV, AUDIT]) as idp:
        configure(env, "dev", idp, "-a", DEV[0])
        configure(env, "audit", idp, "-a", AUDIT[0])
        issued = [sign_in(env, "dev"), sign_in(env, "audit")]
    run = run_without_terminal(["status", "-v"], env)
    assert run.code == 0, run.stderr
    lines = run.stdout.splitlines()
    credential_lines = [columns(line) for line in lines if line.startswith("credentials")]
    # Sorted by provider, host, user, role: Audit before Dev.
    assert [line[:5] for line in credential_lines] == [
        ["credentials", "adfs", "127.0.0.1", USER, AUDIT[0]],
        ["credentials", "adfs", "127.0.0.1", USER, DEV[0]],
    ]
    assert all(line[5].startswith("expires in ") and "min" in line[5] for line in credential_lines)
    for line in lines:
        assert line.startswith(("credentials  ", "idp-session  ")), line
    (session_line,) = (line for line in lines if line.startswith("idp-session"))
    assert columns(session_line)[1:4] == ["adfs", "127.0.0.1", USER]
    assert re.fullmatch(r"usable for \d+ h \d+ min, until \d\d:\d\d", columns(session_line)[4])
    assert len(lines) == 3
    secrets = [PASSWORD, *cookie_values(home)]
    for document in issued:
        secrets += [document[name] for name in ("AccessKeyId", "SecretAccessKey", "SessionToken")]
    for secret in secrets:
        assert secret not in run.stdout
        assert secret not in run.stderr
    assert status(env) == lines  # stable


def test_status_with_nothing_kept(env: dict[str, str]) -> None:
    assert status(env) == ["Nothing is kept."]


def test_an_entry_without_a_description_is_listed_as_older(
    tls: TestTls, env: dict[str, str], home: Path
) -> None:
    with AdfsEmulator(tls) as idp:
        configure(env, "corp", idp, "-a", ROLE_ARN, "--no-idp-session")
        sign_in(env, "corp")
    (about,) = cache_dir(home).glob("*.about")
    about.unlink()
    (line,) = status(env)
    assert columns(line)[:2] == ["credentials", "(unknown: written by an older version)"]
    assert columns(line)[2].startswith("expires in ")


def test_the_role_picked_without_a_is_the_one_shown(
    tls: TestTls, sts_lite: tuple[StsEmulator, dict[str, str]], tmp_path: Path
) -> None:
    sts, env = sts_lite
    with AdfsEmulator(tls, roles=[OPS, DEV]) as idp:
        configure(env, "menu", idp, "--no-idp-session")
        run = run_cli(
            ["-e", idp.entry_url, "-u", USER, "-p", "adfs", "--no-idp-session"],
            env,
            tmp_path,
            [PASSWORD_PROMPT, (r"Choose 1-2: ", "2")],
        )
    assert run.code == 0, run.stderr
    assert [call["RoleArn"] for call in sts.calls] == [OPS[0]]
    (line,) = status(env, "--profile", "menu")
    assert columns(line)[:5] == ["credentials", "adfs", "127.0.0.1", USER, OPS[0]]


def test_descriptions_are_private_and_hold_no_secret(
    tls: TestTls, env: dict[str, str], home: Path
) -> None:
    with AdfsEmulator(tls) as idp:
        configure(env, "corp", idp, "-a", ROLE_ARN)
        issued = sign_in(env, "corp")
    (about,) = cache_dir(home).glob("*.about")
    assert stat.S_IMODE(about.stat().st_mode) == 0o600
    assert about.stem == cache_files(home)[0].stem
    document = json.loads(about.read_text())
    assert document == {
        "provider": "adfs",
        "host": "127.0.0.1",
        "username": USER,
        "role_arn": ROLE_ARN,
        "duration": None,
        "entity_id": None,
    }
    for secret in (PASSWORD, issued["SecretAccessKey"], issued["SessionToken"]):
        assert secret not in about.read_text()


# --- refusals -----------------------------------------------------------------------------

COMMANDS = [["roles"], ["console", "--print"], ["logout"], ["status"]]


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ("", "there is no profile 'corp' in "),
        ("[profile corp]\nregion = us-east-1\n", "profile 'corp' has no credential_process"),
        (
            "[profile corp]\ncredential_process = aws-vault exec corp --json\n",
            "profile 'corp': its credential_process runs 'aws-vault', not awsprocesscreds-saml",
        ),
        (
            "[profile corp]\ncredential_process = awsprocesscreds-saml -u bob -p adfs\n",
            "profile 'corp': its credential_process line: the following arguments are "
            "required: -e/--endpoint",
        ),
        # botocore ignores a section it does not map to a profile.
        (
            "[corp]\ncredential_process = awsprocesscreds-saml -e https://idp -u bob -p adfs\n",
            "there is no profile 'corp' in ",
        ),
    ],
)
def test_a_profile_we_cannot_use_is_one_clear_line(
    env: dict[str, str], command: list[str], config: str, expected: str
) -> None:
    Path(env["AWS_CONFIG_FILE"]).write_text(config)
    run = run_without_terminal([*command, "--profile", "corp"], env)
    assert run.code == 2
    assert expected in run.error_line()


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["roles", "--profile", "corp", "-u", "bob"], "-u/--username"),
        (["console", "--profile", "corp", "--timeout", "5", "-a", ROLE_ARN], "-a/--role-arn"),
        (["logout", "--profile", "corp", "--all"], "--all"),
        (["logout", "--profile", "corp", "--duration", "900"], "--duration"),
    ],
)
def test_options_beside_profile_are_a_usage_error(
    env: dict[str, str], argv: list[str], named: str
) -> None:
    run = run_without_terminal(argv, env)
    assert run.code == 2
    assert "--profile takes every option from the profile's credential_process line" in run.stderr
    assert named in run.stderr.splitlines()[-1]
