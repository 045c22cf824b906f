"""Servers the end-to-end tests of several modules share."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.emulators import TestTls
from tests.emulators.aws import FederationEmulator, StsEmulator


@pytest.fixture
def sts_lite(tls: TestTls, env: dict[str, str]) -> Iterator[tuple[StsEmulator, dict[str, str]]]:
    """Our own STS emulator over HTTPS (moto cannot take multi-role assertions)."""
    with StsEmulator(tls, max_session_duration=3600) as sts:
        yield sts, {**env, "AWS_ENDPOINT_URL_STS": sts.url, "AWS_CA_BUNDLE": str(tls.ca_file)}


@pytest.fixture
def federation(
    tls: TestTls, env: dict[str, str]
) -> Iterator[tuple[FederationEmulator, dict[str, str]]]:
    """The AWS federation endpoint's emulator, and the environment that points to it."""
    with FederationEmulator(tls) as server:
        yield server, {**env, "AWSPROCESSCREDS_FEDERATION_URL": server.federation_url}
