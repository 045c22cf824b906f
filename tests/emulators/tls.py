"""Throw-away certificate authorities for the HTTPS emulators.

Contract: `make_tls(directory)` creates a fresh CA, writes its certificate (PEM) into
`directory` and issues a server certificate valid for "127.0.0.1" and "localhost".
Point `REQUESTS_CA_BUNDLE` / `AWS_CA_BUNDLE` (or `verify=`) at `TestTls.ca_file` to trust
it. Two calls give two unrelated CAs, so a test can check that a certificate signed by
an untrusted CA is refused.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

import trustme

SERVER_NAMES = ("127.0.0.1", "localhost")


@dataclass(frozen=True)
class TestTls:
    """One CA plus one server certificate issued by it.

    `ca_file` is the CA certificate in PEM form; `server_context()` builds a new server
    side `ssl.SSLContext` holding the leaf certificate and key (kept in memory only).
    """

    # A class named Test* would otherwise be collected by pytest.
    __test__: ClassVar[bool] = False

    ca_file: Path
    _leaf: trustme.LeafCert = field(repr=False)

    def server_context(self) -> ssl.SSLContext:
        """Return a new server-side TLS context presenting the leaf certificate."""
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self._leaf.configure_cert(context)
        return context


def make_tls(directory: Path, name: str = "test") -> TestTls:
    """Create a CA named `name`, write `<directory>/<name>-ca.pem`, issue a server cert.

    `directory` must exist. Raises OSError if the CA file cannot be written.
    """
    authority = trustme.CA(organization_name=f"awsprocesscreds {name} CA")
    leaf = authority.issue_cert(*SERVER_NAMES)
    ca_file = directory / f"{name}-ca.pem"
    authority.cert_pem.write_to_path(str(ca_file))
    return TestTls(ca_file=ca_file, _leaf=leaf)
