"""The cache-hit path's own parsing: arguments, the entry format, key agreement."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from awsprocesscreds.arguments import build_parser
from awsprocesscreds.cache import FileCache, cache_directory
from awsprocesscreds.credentials import (
    MIN_REMAINING,
    Credentials,
    format_expiration,
    from_process_json,
)
from awsprocesscreds.hotpath import (
    cache_key,
    expiration_after,
    parse_plain_args,
    read_entry,
    serve,
)
from awsprocesscreds.process_json import is_expiration_text, parse_flat_object
from awsprocesscreds.request import CredentialRequest

URL = "https://adfs.example.com/adfs/ls/IdpInitiatedSignOn.aspx?loginToRp=urn:amazon:webservices"
BASE = ["-e", URL, "-u", "alice", "-p", "ADFS"]
ENTRA = ["-e", "https://login.microsoftonline.com/contoso/saml2", "-u", "alice", "-p", "entra"]


def full_cli_parts(argv: list[str]) -> dict[str, str | int | None]:
    """The key parts the full CLI (argparse) derives from the same arguments."""
    return CredentialRequest.from_options(vars(build_parser().parse_args(argv))).key_parts()


@pytest.mark.parametrize(
    "argv",
    [
        BASE,
        [*BASE, "-a", "arn:aws:iam::1:role/Dev"],
        ["--endpoint", URL, "--username=alice", "--provider", "adfs", "--role-arn=arn:x"],
        [*BASE, "--duration", "7200", "--mfa-factor", "push", "--mfa-timeout", "30"],
        [*BASE, "--timeout=5", "--duration=900"],
        ["-p", "okta", "-u", "bob", "-e", "https://org.okta.com/home/amazon_aws/0oa/272"],
        [*ENTRA, "--entity-id", "https://signin.aws.amazon.com/saml#2"],
        [*ENTRA, "--entity-id=urn:amazon:webservices", "-a", "arn:aws:iam::1:role/Dev"],
        ENTRA,
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


def test_the_entity_id_picks_its_own_entry_and_leaves_older_keys_alone() -> None:
    plain = parse_plain_args(ENTRA)
    second = parse_plain_args([*ENTRA, "--entity-id", "https://signin.aws.amazon.com/saml#2"])
    third = parse_plain_args([*ENTRA, "--entity-id", "https://signin.aws.amazon.com/saml#3"])
    assert plain is not None
    assert second is not None
    assert third is not None
    assert "entity_id" not in plain  # every key made before --entity-id is unchanged
    assert len({cache_key(plain), cache_key(second), cache_key(third)}) == 3


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


# --- the calendar, and agreement with the full parser --------------------------------


def _real_moment(text: str) -> bool:
    try:
        datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("year", [1900, 2000, 2023, 2024, 2100])
def test_expiration_dates_are_the_calendars(year: int) -> None:
    """Every month 0-13 and day 0-32 of common and leap years (and the century rules),
    checked against datetime's calendar."""
    for month in range(14):
        for day in range(33):
            text = f"{year:04d}-{month:02d}-{day:02d}T12:00:00Z"
            assert is_expiration_text(text) is _real_moment(text), text


@pytest.mark.parametrize(
    "clock",
    ["00:00:00", "23:59:59", "24:00:00", "12:60:00", "12:00:60", "99:99:99", "12:00:59"],
)
def test_expiration_times_are_the_clocks(clock: str) -> None:
    text = f"2026-11-23T{clock}Z"
    assert is_expiration_text(text) is _real_moment(text)


def test_year_zero_is_no_date() -> None:
    assert is_expiration_text("0000-01-01T00:00:00Z") is False
    assert is_expiration_text("0001-01-01T00:00:00Z") is True


GOOD = (
    '{"Version": 1, "AccessKeyId": "AKIA", "SecretAccessKey": "s/k+", '
    '"SessionToken": "t==", "Expiration": "2099-01-01T00:00:00Z"}'
)


def _document(**changes: str) -> str:
    """GOOD with some members' JSON values replaced (raw JSON text)."""
    text = GOOD
    for name, value in changes.items():
        start = text.index(f'"{name}": ') + len(name) + 4
        end = text.index(",", start) if name != "Expiration" else text.index("}", start)
        text = text[:start] + value + text[end:]
    return text


AGREEMENT = [
    GOOD,
    _document(Expiration='"2099-13-45T99:99:99Z"'),
    _document(Expiration='"2099-02-29T00:00:00Z"'),
    _document(Expiration='"2096-02-29T00:00:00Z"'),
    _document(Expiration='"2099-04-31T00:00:00Z"'),
    _document(Expiration='"2099-01-01T24:00:00Z"'),
    _document(Expiration='"2099-01-01T23:59:60Z"'),
    _document(Expiration='"2099-01-01T00:00:00+00:00"'),
    _document(Expiration='"2099-01-01T00:00:00.5Z"'),
    _document(Expiration='"2099-01-01t00:00:00z"'),
    _document(Expiration='"20990101T000000Z"'),
    _document(Expiration='"2099-01-01"'),
    _document(Expiration='"0000-01-01T00:00:00Z"'),
    _document(Expiration='"2020-01-01T00:00:00Z"'),  # expired
    _document(Expiration="4070908800"),
    _document(Version="01"),
    _document(Version="1.0"),
    _document(Version="1e0"),
    _document(Version="true"),
    _document(Version='"1"'),
    _document(Version="2"),
    _document(Version="-1"),
    _document(AccessKeyId='"AK\\u0049A"'),
    _document(AccessKeyId='""'),
    _document(AccessKeyId="null"),
    _document(SecretAccessKey='"s\\"k"'),
    _document(SecretAccessKey='"caf\\u00e9"'),
    _document(SessionToken="7"),
    GOOD[:-1] + ', "Extra": "x", "Count": 0}',
    GOOD[:-1] + ', "Count": 00}',
    GOOD[:-1] + ', "Count": -3}',
    GOOD[:-1] + ', "Count": 1.5}',
    GOOD[:-1] + ', "Nested": {"a": "b"}}',
    GOOD[:-1] + ', "List": []}',
    GOOD[:-1] + ', "Nothing": null}',
    GOOD[:-1] + ', "Flag": false}',
    GOOD + " ",
    GOOD + "x",
    GOOD[:-1],
    "[" + GOOD + "]",
    "\ufeff" + GOOD,
    "",
]


@pytest.mark.parametrize("text", AGREEMENT)
def test_hit_path_and_full_parser_agree(tmp_path: Path, text: str) -> None:
    """``hotpath.read_entry`` and the full path (json.loads, then
    ``credentials.from_process_json`` and the freshness rule) take the same entries
    and read the same values from them."""
    now = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)
    entry = tmp_path / "k.json"
    entry.write_bytes(text.encode("utf-8"))
    hot = read_entry(str(entry), format_expiration(now + MIN_REMAINING))
    try:
        full: Credentials | None = from_process_json(json.loads(text))
    except ValueError:
        full = None
    if full is not None and not full.is_fresh(now):
        full = None
    assert (hot is not None) is (full is not None)
    if hot is not None and full is not None:
        assert from_process_json(hot) == full


def test_leading_zeros_are_not_json_numbers() -> None:
    assert parse_flat_object('{"A": 01}') is None
    assert parse_flat_object('{"A": 00}') is None
    assert parse_flat_object('{"A": 0, "B": 10}') == {"A": 0, "B": 10}


@pytest.mark.parametrize("value", ["\u00b2", "\u0663\u0666\u0660\u0660", "\uff13600"])
def test_non_ascii_digits_go_to_the_full_cli(value: str) -> None:
    assert parse_plain_args([*BASE, "--duration", value]) is None


@pytest.mark.parametrize("home", ["relative/home", ".", "~"])
def test_a_relative_home_is_a_miss(
    tmp_path: Path, home: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    request = CredentialRequest("adfs", URL, "alice")
    directory = cache_directory(Path(home))
    monkeypatch.chdir(tmp_path)
    credentials = Credentials(
        "ASIAEXAMPLE", "secret", "token", datetime.now(timezone.utc) + timedelta(hours=1)
    )
    FileCache(directory).put(cache_key(request.key_parts()), credentials)
    assert serve(BASE, {"HOME": home}) is None
