"""The main command's plain lines, read without argparse, read as argparse reads them."""

from __future__ import annotations

import itertools

import pytest

from awsprocesscreds.arguments import parse
from awsprocesscreds.plain_line import parse_plain

URL = "https://adfs.example.com/adfs/ls/IdpInitiatedSignOn.aspx?loginToRp=urn:amazon:webservices"
BASE = ["-e", URL, "-u", "alice@example.com", "-p", "adfs"]
#: Options a profile's line may add, each spelled as argparse accepts it.
EXTRAS = [
    ["-a", "arn:aws:iam::123456789012:role/Dev"],
    ["--role-arn=arn:aws:iam::123456789012:role/Ops"],
    ["--duration", "7200"],
    ["--duration=900"],
    ["--mfa-factor", "push"],
    ["--mfa-timeout", "90"],
    ["--timeout=12.5"],
    ["--keyring"],
    ["--no-idp-session"],
    ["--no-cache"],
    ["-v"],
    ["--entity-id", "urn:amazon:webservices"],
    ["--okta-client-id=0oa1b2c3", "--no-browser"],
    ["-a", ""],
]


def lines() -> list[list[str]]:
    """BASE with every pair of extras, in both orders, and the identity reordered."""
    found = [BASE, ["--provider", "okta", "--username=bob", "--endpoint", URL]]
    for first, second in itertools.permutations(EXTRAS, 2):
        found.append([*BASE, *first, *second])
    return found


@pytest.mark.parametrize("argv", lines())
def test_a_plain_line_reads_as_argparse_reads_it(argv: list[str]) -> None:
    plain = parse_plain(argv)
    assert plain is not None
    assert vars(plain) == vars(parse(argv))


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["--help"],
        ["--version"],
        ["roles", *BASE],
        ["status"],
        ["--end", URL, "-u", "alice", "-p", "adfs"],  # an abbreviation
        ["-e", URL, "-ualice", "-p", "adfs"],  # a value stuck to its flag
        ["-e=" + URL, "-u", "alice", "-p", "adfs"],
        ["-e", URL, "-u", "alice"],  # -p missing
        ["-e", "", "-u", "alice", "-p", "adfs"],
        [*BASE, "-a"],  # a value missing at the end
        [*BASE, "-a", "-v"],  # an option where the value should be
        [*BASE, "--duration", "60"],
        [*BASE, "--duration", "1h"],
        [*BASE, "--mfa-factor", "carrier-pigeon"],
        [*BASE, "--timeout", "0"],
        [*BASE, "--entity-id", "two\nlines"],
        [*BASE, "--keyring=yes"],
        [*BASE, "extra"],
        [*BASE, "--", "-v"],
    ],
)
def test_anything_else_is_left_to_argparse(argv: list[str]) -> None:
    assert parse_plain(argv) is None
