"""The cache-hit path's own parsing: arguments, the entry format, key agreement."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from awsprocesscreds.arguments import build_parser
from awsprocesscreds.cache import FileCache, cache_directory
from awsprocesscreds.credentials import Credentials
from awsprocesscreds.hotpath import (
    cache_key,
    expiration_after,
    is_expiration_text,
    parse_flat_object,
    parse_plain_args,
    read_entry,
    serve,
)
from awsprocesscreds.request import CredentialRequest

URL = "https://adfs.example.com/adfs/ls/IdpInitiatedSignOn.aspx?loginToRp=urn:amazon:webservices"
BASE = ["-e", URL, "-u", "alice", "-p", "ADFS"]


def full_cli_parts(argv: list[str]) -> dict[str, str | int | None]:
    """The key parts the full CLI (argparse) derives from the same arguments."""
    args = build_parser().parse_args(argv)
    request = CredentialRequest(
        args.provider.lower(), args.endpoint, args.username, args.role_arn, args.duration
    )
    return request.key_parts()


@pytest.mark.parametrize(
    "argv",
    [
        BASE,
        [*BASE, "-a", "arn:aws:iam::1:role/Dev"],
        ["--endpoint", URL, "--username=alice", "--provider", "adfs", "--role-arn=arn:x"],
        [*BASE, "--duration", "7200", "--mfa-factor", "push", "--mfa-timeout", "30"],
        [*BASE, "--timeout=5", "--duration=900"],
        ["-p", "okta", "-u", "bob", "-e", "https://org.okta.com/home/amazon_aws/0oa/272"],
    ],
)
def test_plain_invocations_match_the_full_cli(argv: list[str]) -> None:
    assert parse_plain_args(argv) == full_cli_parts(argv)


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["--help"],
        ["--version"],
        [*BASE, "-v"],
        [*BASE, "--no-cache"],
        ["--end", URL, "-u", "alice", "-p", "adfs"],  # abbreviation: argparse decides
        ["-e", URL, "-ualice", "-p", "adfs"],
        ["-e", URL, "-u", "alice"],
        [*BASE, "-a"],
        [*BASE, "--duration", "60"],
        [*BASE, "--duration", "1h"],
        [*BASE, "-u", "-x"],
        ["-e=" + URL, "-u", "alice", "-p", "adfs"],
        [*BASE, "extra"],
    ],
)
def test_anything_else_goes_to_the_full_cli(argv: list[str]) -> None:
    assert parse_plain_args(argv) is None


def test_key_separates_values_that_a_naive_join_would_merge() -> None:
    a = {"provider": "ad", "endpoint": "fs|x", "username": None}
    b = {"provider": "ad|fs", "endpoint": "x", "username": None}
    c = {"provider": "ad", "endpoint": "fs|x", "username": "None"}
    assert len({cache_key(a), cache_key(b), cache_key(c)}) == 3
    assert cache_key({"duration": 900}) != cache_key({"duration": "900"})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"Version": 1, "A": "x"}', {"Version": 1, "A": "x"}),
        ('  {"A":"x\\u00e9\\n"}\n', {"A": "xé\n"}),
        ("{}", {}),
        ('{"A": "x", "A": "y"}', None),
        ('{"A": 1.5}', None),
        ('{"A": -1}', None),
        ('{"A": true}', None),
        ('{"A": {"B": "c"}}', None),
        ('{"A": ["x"]}', None),
        ('{"A": "x",}', None),
        ('{"A": "x"} trailing', None),
        ('{"A": "x"', None),
        ('["A"]', None),
        ("", None),
    ],
)
def test_flat_object_parser(text: str, expected: dict[str, object] | None) -> None:
    try:
        got = parse_flat_object(text)
    except ValueError:
        got = None
    assert got == expected
    if expected is not None:
        assert json.loads(text) == expected


def test_flat_parser_refuses_broken_strings() -> None:
    with pytest.raises(ValueError, match="Unterminated"):
        parse_flat_object('{"A": "x')


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("2026-11-23T12:00:00Z", True),
        ("2026-11-23T12:00:00+00:00", False),
        ("2026-11-23 12:00:00Z", False),
        ("2026-11-23T12:00:0Z", False),
        ("\uff12026-11-23T12:00:00Z", False),  # a full-width digit two
    ],
)
def test_expiration_shape(text: str, ok: bool) -> None:
    assert is_expiration_text(text) is ok


def test_expiration_after_uses_the_fixed_format() -> None:
    assert expiration_after(60, clock=lambda: 0) == "1970-01-01T00:01:00Z"


def test_hit_path_and_full_cache_agree(tmp_path: Path) -> None:
    request = CredentialRequest("adfs", URL, "alice")
    directory = cache_directory(tmp_path)
    credentials = Credentials(
        "ASIAEXAMPLE", "se/cr+et=", "to/ken+=", datetime.now(timezone.utc) + timedelta(hours=1)
    )
    FileCache(directory).put(cache_key(request.key_parts()), credentials)
    served = serve(BASE, {"HOME": str(tmp_path)})
    assert served == credentials.to_process_json()
    assert json.loads(served or "")["SecretAccessKey"] == "se/cr+et="
    assert serve(BASE, {"HOME": str(tmp_path / "elsewhere")}) is None


@pytest.mark.parametrize(
    "value",
    ['quote"d', "back\\slash", "new\nline", "é", ""],
)
def test_entries_with_values_we_would_not_print_are_misses(tmp_path: Path, value: str) -> None:
    entry = tmp_path / "k.json"
    document = {
        "Version": 1,
        "AccessKeyId": "A",
        "SecretAccessKey": value,
        "SessionToken": "T",
        "Expiration": "2999-01-01T00:00:00Z",
    }
    entry.write_text(json.dumps(document))
    assert read_entry(str(entry), "2026-01-01T00:00:00Z") is None
    document["SecretAccessKey"] = "S"
    entry.write_text(json.dumps(document))
    assert read_entry(str(entry), "2026-01-01T00:00:00Z") == document


def test_credentials_refuse_values_that_cannot_be_printed_as_they_are() -> None:
    with pytest.raises(ValueError, match="printable ASCII"):
        Credentials("A", 'x"y', "T", datetime.now(timezone.utc))
    with pytest.raises(ValueError, match="timezone"):
        Credentials("A", "S", "T", datetime(2026, 1, 1))
