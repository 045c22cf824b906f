"""Shared fixtures: a throw-away CA, moto's STS on loopback, a private HOME, and the
environment the CLI runs with (nothing from the developer's own AWS set-up)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
import requests

from tests.emulators import MotoSts, TestTls, make_tls
from tests.emulators.service import Service

S = TypeVar("S", bound=Service)

ROLE_ARN = "arn:aws:iam::123456789012:role/Dev"
PASSWORD = "correct horse"
USER = "alice@example.com"

#: Variables of the developer's machine that must not leak into a test run.
_SCRUBBED_PREFIXES = ("AWS_", "AWSPROCESSCREDS_", "REQUESTS_", "CURL_", "SSL_CERT")
_SCRUBBED = {
    "XDG_RUNTIME_DIR",
    "HTTPS_PROXY",
    "HTTP_PROXY",
    "ALL_PROXY",
    "https_proxy",
    "http_proxy",
    "all_proxy",
}


@pytest.fixture(scope="session")
def tls(tmp_path_factory: pytest.TempPathFactory) -> TestTls:
    return make_tls(tmp_path_factory.mktemp("tls"))


@pytest.fixture(scope="session")
def other_tls(tmp_path_factory: pytest.TempPathFactory) -> TestTls:
    return make_tls(tmp_path_factory.mktemp("tls-other"), name="other")


@pytest.fixture(scope="session")
def sts() -> Iterator[MotoSts]:
    with MotoSts() as server:
        yield server


class Starter:
    """Starts emulators of one kind for a test (``starter(**options)``); the fixture
    stops them all at the test's end."""

    def __init__(self) -> None:
        self.started: list[Service] = []

    def __call__(self, kind: Callable[..., S], tls: TestTls, **options: Any) -> S:
        emulator = kind(tls, **options)
        emulator.start()
        self.started.append(emulator)
        return emulator


@pytest.fixture
def starter() -> Iterator[Starter]:
    started = Starter()
    try:
        yield started
    finally:
        for emulator in started.started:
            emulator.stop()


@pytest.fixture
def http(tls: TestTls) -> Iterator[requests.Session]:
    """A plain requests session that trusts the test CA, for the emulators' self-tests."""
    with requests.Session() as session:
        session.trust_env = False  # else REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE override verify
        session.verify = str(tls.ca_file)
        yield session


@pytest.fixture
def home(tmp_path: Path) -> Path:
    path = tmp_path / "home"
    path.mkdir()
    return path


@pytest.fixture
def env(home: Path, tls: TestTls, sts: MotoSts) -> dict[str, str]:
    """The CLI's environment: private HOME, our CA, moto as STS, no proxies."""
    base = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(_SCRUBBED_PREFIXES) and key not in _SCRUBBED
    }
    base.update(
        HOME=str(home),
        REQUESTS_CA_BUNDLE=str(tls.ca_file),
        AWS_ENDPOINT_URL_STS=sts.url,
        AWS_CONFIG_FILE=str(home / "aws-config"),
        AWS_SHARED_CREDENTIALS_FILE=str(home / "aws-credentials"),
        AWS_EC2_METADATA_DISABLED="true",
        NO_PROXY="127.0.0.1,localhost",
        TERM="dumb",
    )
    return base


def as_sdk_environment(monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> None:
    """Make ``env`` this process's environment for botocore (which passes it on to the
    credential_process), nothing of the developer's AWS set-up kept, and the password
    supplied for automation."""
    for key in list(os.environ):
        if key.startswith(_SCRUBBED_PREFIXES):
            monkeypatch.delenv(key)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("AWSPROCESSCREDS_PASSWORD", PASSWORD)


def cache_files(home: Path) -> list[Path]:
    directory = home / ".aws" / "awsprocesscreds" / "cache"
    return sorted(directory.glob("*.json")) if directory.exists() else []
