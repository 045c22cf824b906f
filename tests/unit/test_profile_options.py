"""Reading a profile's credential_process line as botocore does (pure parts)."""

from __future__ import annotations

import pytest

from awsprocesscreds.errors import ConfigurationError, UsageError
from awsprocesscreds.profile_options import credential_process, line_options, our_arguments

LINE = "awsprocesscreds-saml -e https://idp.example.com/adfs -u bob -p adfs"


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (["awsprocesscreds-saml", "-e", "x"], ["-e", "x"]),
        (["/opt/venv/bin/awsprocesscreds-saml"], []),
        (["C:/Tools/awsprocesscreds-saml.exe", "-u", "bob"], ["-u", "bob"]),
        (["/usr/bin/python3", "-m", "awsprocesscreds", "-u", "b"], ["-u", "b"]),
        (["python3.12", "-m", "awsprocesscreds"], []),
        (["python", "-m", "awscli"], None),
        (["python3", "/tmp/awsprocesscreds"], None),
        (["aws-vault", "exec", "corp"], None),
        (["awsprocesscreds-saml-old"], None),
        (["/bin/sh", "-c", "awsprocesscreds-saml -e x"], None),
        ([], None),
    ],
)
def test_our_arguments(words: list[str], expected: list[str] | None) -> None:
    assert our_arguments(words) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"[profile corp]\ncredential_process = {LINE}\n", LINE),
        (f"[default]\ncredential_process = {LINE}\n", None),  # not 'corp'
        ("[profile corp]\nregion = eu-west-1\n", None),
        (f"[profile corp]\nCredential_Process: {LINE}\n", LINE),  # keys are case-blind
        # Of two sections for one profile, botocore keeps the later.
        (
            "[profile corp]\ncredential_process = old\n"
            f"[profile 'corp']\ncredential_process = {LINE}",
            LINE,
        ),
        (f"[profile corp]\ncredential_process =\n  {LINE}\n", LINE),
    ],
)
def test_credential_process(text: str, expected: str | None) -> None:
    if "[default]" in text:
        with pytest.raises(UsageError, match="there is no profile 'corp' in the AWS config file"):
            credential_process("corp", text)
        assert credential_process("default", text) == LINE
        return
    assert credential_process("corp", text) == expected


@pytest.mark.parametrize(
    "text", ["", "[Profile corp]\ncredential_process = x\n", "[ profile corp ]\nk = v\n"]
)
def test_sections_botocore_ignores_are_no_profile(text: str) -> None:
    with pytest.raises(UsageError, match="there is no profile 'corp'"):
        credential_process("corp", text)


def test_a_config_botocore_cannot_read_is_refused_without_its_content() -> None:
    with pytest.raises(ConfigurationError, match="line 3") as caught:
        credential_process("corp", "[profile corp]\nsecret = hunter2\nsecret = hunter3\n")
    assert "hunter" not in str(caught.value)


def test_line_options_are_the_main_commands() -> None:
    options = line_options(
        "corp", f"{LINE} -a arn:aws:iam::1:role/A --duration 900 --no-idp-session"
    )
    assert options["endpoint"] == "https://idp.example.com/adfs"
    assert options["username"] == "bob"
    assert options["provider"] == "adfs"
    assert options["role_arn"] == "arn:aws:iam::1:role/A"
    assert options["duration"] == 900
    assert options["no_idp_session"] is True
    assert options["timeout"] == 30.0


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("aws-vault exec corp", "runs 'aws-vault', not awsprocesscreds-saml"),
        ("awsprocesscreds-saml 'unclosed", "does not split"),
        (f"{LINE} --bogus", "unrecognized arguments: --bogus"),
        (f"{LINE} --duration 12", "--duration: must be between 900 and 43200 seconds"),
        (f"{LINE} --help", "it asks for --help or --version"),
        ("awsprocesscreds-saml roles -e https://x -u b -p adfs", "unrecognized arguments: roles"),
        ("awsprocesscreds-saml -u bob -p adfs", "required: -e/--endpoint"),
    ],
)
def test_lines_we_cannot_use(line: str, expected: str) -> None:
    with pytest.raises(UsageError) as caught:
        line_options("corp", line)
    assert str(caught.value).startswith("profile 'corp': ")
    assert expected in str(caught.value)


@pytest.mark.parametrize(
    ("argv", "typed"),
    [
        (["roles", "--profile", "p"], []),
        (["roles", "--profile", "p", "-v"], []),
        (["roles", "--profile", "p", "--timeout", "30"], ["--timeout"]),  # even the default
        (["console", "--profile", "p", "--print", "--destination", "https://x"], []),
        (["console", "--profile", "p", "--no-cache", "-a", "arn"], ["-a/--role-arn", "--no-cache"]),
        (["logout", "--profile", "p", "--keyring"], []),
        (["logout", "--profile", "p", "--all", "-e", "https://x"], ["--all", "-e/--endpoint"]),
        (["roles", "--profile", "p", "--keyring"], ["--keyring"]),
    ],
)
def test_options_typed_beside_profile(argv: list[str], typed: list[str]) -> None:
    from awsprocesscreds.arguments import build_subcommand_parsers
    from awsprocesscreds.profile_options import typed_beside_profile

    _, parsers = build_subcommand_parsers()
    assert typed_beside_profile(parsers[argv[0]], argv[0], argv[1:]) == typed
