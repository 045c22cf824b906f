"""The cache-hit path imports none of the login machinery (checked with -X importtime)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from awsprocesscreds.registry import RESUMED_AT_ENTRY
from tests.cli_runner import CLI, run_without_terminal
from tests.conftest import PASSWORD, USER
from tests.emulators import AdfsEmulator, OktaEmulator, TestTls
from tests.emulators.entra import EntraEmulator
from tests.emulators.keycloak import KeycloakEmulator
from tests.emulators.okta_idx import OktaIdxEmulator
from tests.emulators.pingfed import PingFedEmulator

HEAVY = ("boto3", "botocore", "requests", "urllib3", "bs4", "keyring", "defusedxml")
#: Standard-library modules the hit path avoids too: each costs milliseconds.
AVOIDED = ("argparse", "json", "logging", "dataclasses", "typing", "datetime", "pathlib", "hashlib")
#: Entry-point scanning (importlib.metadata) is login-only too.
SCANNING = ("importlib.metadata", "pkg_resources")


def imported_modules(stderr: str) -> set[str]:
    names = set()
    for line in stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            names.add(line.rsplit("|", 1)[1].strip())
    return names


def test_cache_hit_imports_only_what_it_needs(tls: TestTls, env: dict[str, str]) -> None:
    with AdfsEmulator(tls) as idp:
        args = ["-e", idp.entry_url, "-u", USER, "-p", "adfs"]
        seeded = run_without_terminal(args, {**env, "AWSPROCESSCREDS_PASSWORD": PASSWORD})
        assert seeded.code == 0, seeded.stderr
        hit = _with_importtime(args, env)
        assert idp.logins == 1
    assert hit.returncode == 0, hit.stderr
    assert hit.stdout == seeded.stdout
    modules = imported_modules(hit.stderr)
    ours = {m for m in modules if m.split(".")[0] == "awsprocesscreds"}
    assert ours == {"awsprocesscreds", "awsprocesscreds.hotpath", "awsprocesscreds.process_json"}
    leaked = {m for m in modules if m.split(".")[0] in HEAVY + AVOIDED or m in SCANNING}
    assert leaked == set()


def test_full_cli_serves_the_same_entry(tls: TestTls, env: dict[str, str]) -> None:
    """Invocations the hit path leaves to argparse (-v, abbreviations) hit the same entry."""
    with AdfsEmulator(tls) as idp:
        args = ["-e", idp.entry_url, "-u", USER, "-p", "adfs"]
        seeded = run_without_terminal(args, {**env, "AWSPROCESSCREDS_PASSWORD": PASSWORD})
        verbose = run_without_terminal([*args, "-v"], env)
        abbreviated = run_without_terminal(
            ["--end", idp.entry_url, "--user", USER, "-p", "ADFS"], env
        )
        assert idp.logins == 1
    assert verbose.stdout == abbreviated.stdout == seeded.stdout
    assert "cache hit" in verbose.stderr


def _with_importtime(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-X", "importtime", CLI, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        stdin=subprocess.DEVNULL,
    )


#: provider -> (its -p name, its emulator, the entry URL of the emulator)
REFRESHES: dict[str, tuple[str, Callable[[TestTls], Any], Callable[[Any], str]]] = {
    "adfs": ("adfs", AdfsEmulator, lambda idp: idp.entry_url),
    "okta": ("okta", OktaEmulator, lambda idp: idp.app_url),
    "okta-identity-engine": ("okta", OktaIdxEmulator, lambda idp: idp.app_url),
    "entra": ("entra", EntraEmulator, lambda idp: idp.tenant_saml_url),
    "keycloak": ("keycloak", KeycloakEmulator, lambda idp: idp.entry_url),
    "pingfed": ("pingfed", PingFedEmulator, lambda idp: idp.entry_url),
}


@pytest.mark.parametrize("kind", sorted(REFRESHES))
def test_an_hourly_refresh_imports_neither_requests_nor_botocore(
    tls: TestTls, env: dict[str, str], home: Path, kind: str
) -> None:
    """A refresh on a kept IdP session is one GET and one STS call, both sent with the
    standard library; a sign-in needs requests, and nothing needs botocore."""
    provider, emulator, entry = REFRESHES[kind]
    with emulator(tls) as idp:
        args = ["-e", entry(idp), "-u", USER, "-p", provider]
        first = _with_importtime(args, {**env, "AWSPROCESSCREDS_PASSWORD": PASSWORD})
        assert first.returncode == 0, first.stderr
        shutil.rmtree(home / ".aws" / "awsprocesscreds" / "cache")  # an hour later
        refresh = _with_importtime(args, env)
        assert refresh.returncode == 0, refresh.stderr
        assert (idp.sign_ins, idp.session_reuses) == (1, 1)
    signed_in = imported_modules(first.stderr)
    assert "requests" in signed_in
    assert {m for m in signed_in if m.split(".")[0] in ("boto3", "botocore")} == set()
    refreshed = imported_modules(refresh.stderr)
    heavy = ("boto3", "botocore", "requests", "urllib3", "keyring", "charset_normalizer")
    assert {m for m in refreshed if m.split(".")[0] in heavy} == set()
    assert "awsprocesscreds.http" not in refreshed
    # A built-in provider is found without reading every package's metadata (which
    # requests reads anyway, for a sign-in).
    assert "importlib.metadata" not in refreshed
    # A plain line is read without argparse, and a run that writes no log line does
    # not load logging.
    assert {"argparse", "logging"} & refreshed == set()
    if provider in RESUMED_AT_ENTRY:
        # The GET goes before the provider is loaded, and nothing asks the person.
        sign_in_only = {"dataclasses", "awsprocesscreds.interaction", "awsprocesscreds.terminal"}
        assert sign_in_only & refreshed == set()
        assert {m for m in refreshed if m.startswith("awsprocesscreds.authenticators")} == set()
