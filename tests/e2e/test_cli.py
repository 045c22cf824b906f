"""The command line a person meets: each command's options and help, usage errors
(exit 2, the usage on stderr, nothing on stdout), roles that do not parse, roles of
several partitions, and the console's checks, all through the installed CLI."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.cli_runner import Run, run_cli, run_without_terminal
from tests.conftest import PASSWORD, USER
from tests.emulators import AdfsEmulator, TestTls
from tests.emulators.aws import FederationEmulator, StsEmulator

PASSWORD_PROMPT = (r"Password for alice@example\.com: ", PASSWORD)
DEV = ("arn:aws:iam::123456789012:role/Dev", "arn:aws:iam::123456789012:saml-provider/ADFS")
OPS = ("arn:aws:iam::210987654321:role/team/Ops", "arn:aws:iam::210987654321:saml-provider/ADFS")
CN_DEV = (
    "arn:aws-cn:iam::123456789012:role/Dev",
    "arn:aws-cn:iam::123456789012:saml-provider/ADFS",
)
#: Too few colon-separated fields: once an IndexError in the menu and in `roles`.
BROKEN = ("arn:aws:role/Broken", "arn:aws:iam::123456789012:saml-provider/ADFS")
IDENTITY = ["-e", "https://idp.example.com/adfs/ls/", "-u", USER, "-p", "adfs"]
ROLE = "arn:aws:iam::123456789012:role/Dev"


def adfs(idp: AdfsEmulator, *extra: str) -> list[str]:
    return ["-e", idp.entry_url, "-u", USER, "-p", "adfs", *extra]


def usage_error(run: Run) -> str:
    """The error line of a usage error: exit 2, nothing on stdout, no traceback."""
    assert run.code == 2, (run.code, run.stderr)
    assert run.stdout == ""
    assert "Traceback" not in run.stderr
    errors = [line for line in run.stderr.splitlines() if ": error: " in line]
    assert len(errors) == 1, run.stderr
    return errors[0]


def options_of(help_text: str) -> set[str]:
    """Every option string of the help's option lines."""
    flags: set[str] = set()
    for line in help_text.splitlines():
        if line.startswith("  -"):
            flags.update(re.findall(r"(?:^ {2}|, )(--?[\w-]+)", line))
    return flags


# --- each command shows the options it uses ---------------------------------------------

IDENTITY_FLAGS = {"-e", "--endpoint", "-u", "--username", "-p", "--provider", "--entity-id"}
ROLE_FLAGS = {"-a", "--role-arn", "--duration"}
LOGIN_FLAGS = {
    "--mfa-factor",
    "--mfa-timeout",
    "--timeout",
    "--keyring",
    "--okta-client-id",
    "--no-browser",
}
COMMON = {"-h", "--help", "-v", "--verbose"}


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        (
            [],
            COMMON
            | IDENTITY_FLAGS
            | ROLE_FLAGS
            | LOGIN_FLAGS
            | {"--no-cache", "--no-idp-session", "--version"},
        ),
        (["roles"], COMMON | IDENTITY_FLAGS | LOGIN_FLAGS | {"--profile"}),
        (
            ["configure"],
            COMMON
            | IDENTITY_FLAGS
            | ROLE_FLAGS
            | LOGIN_FLAGS
            | {"--no-cache", "--no-idp-session", "--profile", "--region"},
        ),
        (["logout"], COMMON | IDENTITY_FLAGS | ROLE_FLAGS | {"--keyring", "--all", "--profile"}),
        (
            ["console"],
            COMMON
            | IDENTITY_FLAGS
            | ROLE_FLAGS
            | LOGIN_FLAGS
            | {"--no-cache", "--no-idp-session", "--print", "--destination", "--profile"},
        ),
        (["status"], COMMON | {"--profile"}),
    ],
)
def test_each_command_lists_exactly_its_options(
    env: dict[str, str], command: list[str], expected: set[str]
) -> None:
    run = run_without_terminal([*command, "--help"], env)
    assert run.code == 0, run.stderr
    assert options_of(run.stdout) == expected


def test_help_describes_each_command_in_its_own_words(env: dict[str, str]) -> None:
    logout = run_without_terminal(["logout", "--help"], env).stdout
    assert "remember the password" not in logout
    assert "forget the password stored in the system keyring" in " ".join(logout.split())
    assert "Remove the cache entry" in logout
    console = " ".join(run_without_terminal(["console", "--help"], env).stdout.split())
    assert "The sign-in URL is a secret for 15 minutes" in console
    configure = " ".join(run_without_terminal(["configure", "--help"], env).stdout.split())
    assert "the profile neither reads nor writes the credential cache" in configure


@pytest.mark.parametrize(
    "args",
    [
        ["roles", *IDENTITY, "-a", ROLE],
        ["roles", *IDENTITY, "--duration", "3600"],
        ["roles", *IDENTITY, "--no-cache"],
        ["logout", *IDENTITY, "--no-cache"],
        ["logout", *IDENTITY, "--mfa-factor", "push"],
    ],
)
def test_an_option_a_command_does_not_use_is_a_usage_error(
    env: dict[str, str], args: list[str]
) -> None:
    line = usage_error(run_without_terminal(args, env))
    assert line.startswith(f"awsprocesscreds-saml {args[0]}: error: unrecognized arguments: ")


def test_the_plain_command_keeps_every_option(env: dict[str, str]) -> None:
    """Every option of the main command parses (the run then fails at the IdP, which
    is not there: exit 1, not 2)."""
    args = [
        *IDENTITY,
        "-a",
        ROLE,
        "--duration",
        "3600",
        "--mfa-factor",
        "push",
        "--mfa-timeout",
        "30",
        "--timeout",
        "1",
        "--keyring",
        "--no-cache",
    ]
    run = run_without_terminal(
        [arg.replace("idp.example.com", "127.0.0.1:9") for arg in args],
        {**env, "AWSPROCESSCREDS_PASSWORD": PASSWORD},
    )
    assert run.code == 1, run.stderr
    assert "unrecognized" not in run.error_line()


# --- usage errors name the commands -------------------------------------------------------


def test_a_bare_command_names_the_commands(env: dict[str, str]) -> None:
    run = run_without_terminal([], env)
    line = usage_error(run)
    assert "roles, configure, logout, console, status" in line
    assert "{roles,configure,logout,console,status}" in run.stderr.splitlines()[1]


def test_a_misspelt_command_is_named_and_corrected(env: dict[str, str]) -> None:
    line = usage_error(run_without_terminal(["rles", *IDENTITY], env))
    assert "unknown command 'rles'" in line
    assert "did you mean 'roles'?" in line


def test_an_option_before_the_command_says_the_command_comes_first(env: dict[str, str]) -> None:
    line = usage_error(run_without_terminal(["-v", "roles", *IDENTITY], env))
    assert "the command comes first: awsprocesscreds-saml roles" in line


# --- every usage refusal exits 2 ----------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["logout"], "logout needs -e, -u and -p, or --all"),
        (["logout", "--all", "--keyring"], "--keyring needs -e, -u and -p"),
        (["logout", "--keyring"], "--keyring needs -e, -u and -p"),
        (["logout", "--all", "-e", "https://x", "-u", USER], "-e, -u and -p go together"),
        (["logout", "--all", "-a", ROLE], "-a, --duration and --entity-id pick an entry together"),
        (["console", *IDENTITY, "--destination", "s3"], "--destination must be an https://"),
        (["console", *IDENTITY, "-a", "arn:aws:role/Dev"], "is not an IAM role ARN"),
    ],
)
def test_usage_refusals_exit_2(env: dict[str, str], args: list[str], message: str) -> None:
    assert message in usage_error(run_without_terminal(args, env))


# --- console destination --------------------------------------------------------------------


@pytest.mark.parametrize(
    "destination",
    [
        "s3",
        "http://console.aws.amazon.com/s3/",
        "https://evil.example.com/",
        "https://console.aws.amazon.com.evil.example.com/",
        "https://evilconsole.aws.amazon.com/",
        "https://user@console.aws.amazon.com/",
        "https://console.aws.amazon.com:8443/",
        "https://console.amazonaws.cn/",
        "https://console.aws.amazon.com/s3/\nnext",
        "javascript:alert(1)",
    ],
)
def test_console_refuses_a_destination_outside_the_partitions_console(
    tls: TestTls, env: dict[str, str], destination: str
) -> None:
    with AdfsEmulator(tls) as idp:
        run = run_without_terminal(
            ["console", *adfs(idp, "-a", ROLE), "--destination", destination],
            {**env, "AWSPROCESSCREDS_PASSWORD": PASSWORD},
        )
        assert idp.logins == 0
    assert "--destination must be an https:// page of the aws console" in usage_error(run)


# --- roles ------------------------------------------------------------------------------------


def test_a_malformed_role_is_left_out_of_roles(
    tls: TestTls, sts_lite: tuple[StsEmulator, dict[str, str]], tmp_path: Path
) -> None:
    _, env = sts_lite
    with AdfsEmulator(tls, roles=[OPS, BROKEN, DEV]) as idp:
        run = run_cli(["roles", *adfs(idp, "-v")], env, tmp_path, [PASSWORD_PROMPT])
    assert run.code == 0, run.stderr
    assert run.stdout.splitlines() == [
        "Account 123456789012",
        f"  {DEV[0]}",
        "Account 210987654321",
        f"  {OPS[0]}",
    ]
    assert "ignoring a Role value that is not a role ARN" in run.stderr


def test_a_malformed_role_is_left_out_of_the_menu(
    tls: TestTls, sts_lite: tuple[StsEmulator, dict[str, str]], tmp_path: Path
) -> None:
    sts, env = sts_lite
    with AdfsEmulator(tls, roles=[BROKEN, OPS, DEV]) as idp:
        run = run_cli(adfs(idp), env, tmp_path, [PASSWORD_PROMPT, (r"Choose 1-2: ", "1")])
    assert run.code == 0, run.stderr
    assert "Broken" not in run.screen
    assert [call["RoleArn"] for call in sts.calls] == [DEV[0]]
    run.credentials()


def test_a_malformed_role_does_not_stop_choosing_a_good_one(
    tls: TestTls, sts_lite: tuple[StsEmulator, dict[str, str]], tmp_path: Path
) -> None:
    sts, env = sts_lite
    with AdfsEmulator(tls, roles=[BROKEN, OPS, DEV]) as idp:
        run = run_cli(adfs(idp, "-a", OPS[0]), env, tmp_path, [PASSWORD_PROMPT])
    assert run.code == 0, run.stderr
    assert [call["RoleArn"] for call in sts.calls] == [OPS[0]]


def test_roles_groups_by_partition_and_account(
    tls: TestTls, sts_lite: tuple[StsEmulator, dict[str, str]], tmp_path: Path
) -> None:
    _, env = sts_lite
    with AdfsEmulator(tls, roles=[CN_DEV, DEV]) as idp:
        run = run_cli(["roles", *adfs(idp)], env, tmp_path, [PASSWORD_PROMPT])
    assert run.code == 0, run.stderr
    assert run.stdout.splitlines() == [
        "Account 123456789012",
        f"  {DEV[0]}",
        "Account 123456789012 (aws-cn)",
        f"  {CN_DEV[0]}",
    ]


# --- console and the browser -------------------------------------------------------------------

FAKE_BROWSER = """#!{python}
import json, os, sys, urllib.error, urllib.request

class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None

opener = urllib.request.build_opener(NoRedirect, urllib.request.ProxyHandler({{}}))
record = {{"argv": sys.argv[1:], "env": dict(os.environ), "answers": []}}
for attempt in range(2):
    try:
        opener.open(sys.argv[1], timeout=10)
    except urllib.error.HTTPError as answer:
        record["answers"].append([answer.code, answer.headers.get("Location")])
    except urllib.error.URLError:
        record["answers"].append([None, None])  # closed already
with open({record!r}, "w") as out:
    json.dump(record, out)
"""


def test_console_keeps_secrets_from_the_browser(
    tls: TestTls, federation: tuple[FederationEmulator, dict[str, str]], tmp_path: Path
) -> None:
    import json
    import sys
    from urllib.parse import parse_qs, urlsplit

    server, env = federation
    record = tmp_path / "browser.json"
    browser = tmp_path / "browser"
    browser.write_text(FAKE_BROWSER.format(python=sys.executable, record=str(record)))
    browser.chmod(0o755)
    secrets = {"AWSPROCESSCREDS_PASSWORD": PASSWORD, "AWSPROCESSCREDS_MFA_CODE": "246810"}
    with AdfsEmulator(tls) as idp:
        run = run_without_terminal(
            ["console", *adfs(idp), "--destination", "https://console.aws.amazon.com/s3/"],
            {**env, **secrets, "BROWSER": f"{browser} %s"},
        )
    assert run.code == 0, run.stderr
    assert run.stdout == ""
    seen = json.loads(record.read_text())
    # The browser's command line holds a one-time loopback address, not the token.
    assert len(server.tokens) == 1
    assert server.tokens[0] not in " ".join(seen["argv"])
    assert urlsplit(seen["argv"][0]).hostname == "127.0.0.1"
    assert not any(name.startswith("AWSPROCESSCREDS_") for name in seen["env"])
    assert not {PASSWORD, "246810"} & set(seen["env"].values())
    # It answers once, with the sign-in URL; then no more.
    (status, location), (again, _) = seen["answers"]
    assert status == 303
    assert again in (404, None)
    query = parse_qs(urlsplit(location).query)
    assert query["Destination"] == ["https://console.aws.amazon.com/s3/"]
    assert query["SigninToken"] == server.tokens


def test_console_without_a_browser_prints_the_url(
    tls: TestTls, federation: tuple[FederationEmulator, dict[str, str]], tmp_path: Path
) -> None:
    from urllib.parse import parse_qs, urlsplit

    server, env = federation
    browser = tmp_path / "no-browser"
    browser.write_text("#!/bin/sh\nexit 1\n")
    browser.chmod(0o755)
    with AdfsEmulator(tls) as idp:
        run = run_without_terminal(
            ["console", *adfs(idp)],
            {**env, "AWSPROCESSCREDS_PASSWORD": PASSWORD, "BROWSER": f"{browser} %s"},
        )
    assert run.code == 0, run.stderr
    assert parse_qs(urlsplit(run.stdout.strip()).query)["SigninToken"] == server.tokens
    assert "No browser could be opened" in run.stderr
