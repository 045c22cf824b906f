"""The parsed request: built from any command's options, below both ``cli`` and
``commands`` in the import graph."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import awsprocesscreds
from awsprocesscreds.arguments import parse
from awsprocesscreds.request import CredentialRequest

IDENTITY = ["-e", "https://idp.example.com/", "-u", "alice", "-p", "ADFS"]
EVERYTHING = ["-a", "arn:aws:iam::123456789012:role/Dev", "--duration", "900"]
EVERYTHING += ["--mfa-factor", "push", "--mfa-timeout", "5", "--timeout", "7"]
EVERYTHING += ["--keyring", "--no-cache"]


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (IDENTITY, CredentialRequest("adfs", "https://idp.example.com/", "alice")),
        (
            [*IDENTITY, *EVERYTHING],
            CredentialRequest(
                "adfs",
                "https://idp.example.com/",
                "alice",
                "arn:aws:iam::123456789012:role/Dev",
                900,
                "push",
                5.0,
                7.0,
                use_cache=False,
                keyring=True,
            ),
        ),
        # `roles` has no -a, --duration or --no-cache: the defaults.
        (
            ["roles", *IDENTITY, "--keyring"],
            CredentialRequest("adfs", "https://idp.example.com/", "alice", keyring=True),
        ),
        # `logout --all` has no identity at all.
        (["logout", "--all"], CredentialRequest("", "", "")),
    ],
)
def test_from_options_of_every_command(argv: list[str], expected: CredentialRequest) -> None:
    assert CredentialRequest.from_options(vars(parse(argv))) == expected


def test_no_module_imports_back_from_cli() -> None:
    """``cli`` sits on top: nothing of ours imports it (``hotpath`` hands over to it
    by name, at run time, which is the one way in)."""
    package = Path(awsprocesscreds.__file__).parent
    importers = []
    for path in sorted(package.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "awsprocesscreds.cli":
                importers.append(path.name)
    assert importers == ["hotpath.py"]
