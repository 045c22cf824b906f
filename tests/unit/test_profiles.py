"""Setting up a profile: the checks before writing, and the locked read-edit-write."""

from __future__ import annotations

import os
import re
import shlex
from pathlib import Path

import pytest
from botocore.configloader import load_config

from awsprocesscreds.errors import ConfigurationError
from awsprocesscreds.profiles import (
    check_login,
    check_one_line,
    check_profile_name,
    check_region,
    command_line,
    configure_profile,
    write_config,
)
from awsprocesscreds.request import CredentialRequest

CMD = {"credential_process": "CMD"}
ARN = "arn:aws:iam::123456789012:role/Dev"


def test_command_line_quotes_for_shlex() -> None:
    args = ["-e", "https://h/?a=1&b=2", "-u", "EXAMPLE\\alice", "-p", "adfs"]
    assert shlex.split(command_line(args))[1:] == args


def test_write_config_through_a_symlink(tmp_path: Path) -> None:
    real = tmp_path / "dotfiles" / "config"
    real.parent.mkdir()
    real.write_text("[default]\n")
    real.chmod(0o644)
    link = tmp_path / "config"
    link.symlink_to(real)
    write_config(link, "[default]\nregion = x\n")
    assert link.is_symlink()
    assert real.read_text() == "[default]\nregion = x\n"
    assert oct(real.stat().st_mode & 0o777) == "0o644"


@pytest.mark.parametrize(
    ("provider", "factor", "message"),
    [
        ("okta", "push", None),
        ("okta", None, None),
        ("adfs", None, None),
        ("adfs", "push", "--mfa-factor push does not apply to the adfs provider"),
        ("ADFS", "totp", "--mfa-factor totp does not apply to the adfs provider"),
    ],
)
def test_check_login_refuses_a_factor_the_provider_ignores(
    provider: str, factor: str | None, message: str | None
) -> None:
    request = _request("https://idp.example.com/", provider, mfa_factor=factor)
    if message is None:
        check_login(request)
    else:
        with pytest.raises(ConfigurationError, match=re.escape(message)):
            check_login(request)


@pytest.mark.parametrize(
    ("provider", "endpoint", "message"),
    [
        ("entra", "https://login.microsoftonline.com/contoso.example/saml2", None),
        ("entra", "https://login.microsoftonline.com/contoso.example/saml2/", None),
        ("adfs", "https://idp.example.com/", "--entity-id does not apply to the adfs provider"),
        ("okta", "https://idp.example.com/", "--entity-id does not apply to the okta provider"),
        (
            "entra",
            "https://launcher.myapps.microsoft.com/api/signin/app?tenantId=t",
            "--entity-id goes with the tenant's SAML endpoint",
        ),
    ],
)
def test_check_login_takes_an_entity_id_for_entra_saml2_endpoints_only(
    provider: str, endpoint: str, message: str | None
) -> None:
    request = _request(endpoint, provider, entity_id="https://signin.aws.amazon.com/saml#2")
    if message is None:
        check_login(request)
    else:
        with pytest.raises(ConfigurationError, match=re.escape(message)):
            check_login(request)


def _request(
    endpoint: str, provider: str, role_arn: str | None = None, **more: str | None
) -> CredentialRequest:
    options = {"endpoint": endpoint, "provider": provider, "username": "u", "role_arn": role_arn}
    return CredentialRequest.from_options({**options, **more})


@pytest.mark.parametrize("name", ["dev", "dev-1", "team.prod_2", "default", "prod@corp", "ünïcode"])
def test_profile_names_botocore_reads(name: str, tmp_path: Path) -> None:
    check_profile_name(name)
    path = tmp_path / "config"
    configure_profile(path, name, CMD)
    assert load_config(str(path))["profiles"][name] == CMD


@pytest.mark.parametrize(
    "name",
    ["", "my dev", "my'dev", 'a"b', "a]b", "a[b", "a\\b", "a\nb", "a\tb", "a\x1bb", "a\u2028b"],
)
def test_profile_names_botocore_ignores_are_refused(name: str) -> None:
    with pytest.raises(ConfigurationError, match="botocore would ignore a profile named"):
        check_profile_name(name)


@pytest.mark.parametrize("value", ["x\n[profile evil]", "x\r", "x\x00", "x\x85y", "x\u2029"])
def test_line_breaks_and_control_characters_are_refused(value: str) -> None:
    with pytest.raises(ConfigurationError, match=r"^--region contains a line break"):
        check_one_line("--region", value)


@pytest.mark.parametrize(
    ("endpoint", "provider", "role_arn", "message"),
    [
        ("https://idp.example.com/adfs/ls/idpinitiatedsignon", "adfs", ARN, None),
        ("HTTPS://idp.example.com/x", "OKTA", None, None),
        ("http://idp.example.com/x", "adfs", None, "https:// URL"),
        ("idp.example.com", "adfs", None, "https:// URL"),
        ("https:///path", "adfs", None, "https:// URL"),
        ("https://[::1/x", "adfs", None, "https:// URL"),
        (
            "https://idp.example.com/",
            "nosuch",
            None,
            "unknown provider 'nosuch'; choose one of: adfs",
        ),
        ("https://idp.example.com/", "okta", "arn:aws:iam::123:role/Dev", "not an IAM role ARN"),
        ("https://idp.example.com/", "okta", "Dev", "not an IAM role ARN"),
    ],
)
def test_check_login(
    endpoint: str, provider: str, role_arn: str | None, message: str | None
) -> None:
    if message is None:
        check_login(_request(endpoint, provider, role_arn))
    else:
        with pytest.raises(ConfigurationError, match=re.escape(message)):
            check_login(_request(endpoint, provider, role_arn))


@pytest.mark.parametrize(
    ("region", "valid"),
    [
        ("us-east-1", True),
        ("eu-central-2", True),
        ("us-gov-west-1", True),
        ("cn-northwest-1", True),
        ("us-isob-east-1", True),
        ("eusc-de-east-1", True),
        ("US-EAST-1", False),
        ("us-east", False),
        ("useast1", False),
        ("us-east-1 ", False),
        ("", False),
    ],
)
def test_check_region(region: str, valid: bool) -> None:
    if valid:
        check_region(region)
    else:
        with pytest.raises(ConfigurationError, match="is not an AWS region name"):
            check_region(region)


def test_a_crlf_file_stays_crlf(tmp_path: Path) -> None:
    path = tmp_path / "config"
    path.write_bytes(b"[default]\r\nregion = x\r\n")
    configure_profile(path, "dev", CMD)
    assert path.read_bytes() == (
        b"[default]\r\nregion = x\r\n\r\n[profile dev]\r\ncredential_process = CMD\r\n"
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"[default]\nregion = caf\xe9\n", "is not UTF-8 text (at byte 23)"),
        (b"[profile dev]\nregion = a\nregion = b\n", "botocore cannot read this file (line 3"),
    ],
)
def test_an_unreadable_file_is_left_untouched(content: bytes, message: str, tmp_path: Path) -> None:
    path = tmp_path / "config"
    path.write_bytes(content)
    with pytest.raises(ConfigurationError, match=re.escape(message)):
        configure_profile(path, "dev", CMD)
    assert path.read_bytes() == content


def test_a_fifo_at_the_config_path_is_refused_without_waiting(tmp_path: Path) -> None:
    path = tmp_path / "config"
    os.mkfifo(path)
    with pytest.raises(ConfigurationError, match="not a regular file you own"):
        configure_profile(path, "dev", CMD)
    assert path.is_fifo()


def test_configure_through_a_symlink_edits_the_target(tmp_path: Path) -> None:
    real = tmp_path / "dotfiles" / "config"
    real.parent.mkdir()
    real.write_text("[default]\nregion = x\n")
    link = tmp_path / "aws" / "config"
    link.parent.mkdir()
    link.symlink_to(real)
    configure_profile(link, "dev", CMD)
    assert link.is_symlink()
    assert load_config(str(link))["profiles"] == {"default": {"region": "x"}, "dev": CMD}


def test_a_symlink_loop_is_a_clear_error(tmp_path: Path) -> None:
    link = tmp_path / "config"
    link.symlink_to(link)
    with pytest.raises(ConfigurationError, match="cannot follow"):
        configure_profile(link, "dev", CMD)
    assert link.is_symlink()
