"""The Entra ID emulators of the benchmark, and a request log shared by two emulators.

Contract: :func:`entra_args` are the login arguments of ``-p entra``; :func:`start_entra`
starts, on ``stack`` (which stops them), the three Entra ID
sign-ins ``make bench`` measures: a managed user with no second factor (``plain``), a
managed user with a Microsoft Authenticator push with number matching that the emulated
phone approves at the first poll (``push``), and a federated user who signs in at an
AD FS emulator over WS-Federation (``federated``, with ``adfs``). The federated pair
writes every request, in the order received, into one ``journal``: a login's requests
cross both hosts, and only one log shared by both keeps their order.
"""

from __future__ import annotations

import threading
from contextlib import ExitStack
from dataclasses import dataclass, field

from benchmarks.tools import PASSWORD, USER, tool_args
from tests.emulators.adfs import AdfsEmulator
from tests.emulators.entra import EntraEmulator
from tests.emulators.messages import Request, Response
from tests.emulators.server import EmulatorServer
from tests.emulators.tls import TestTls

PUSH = "PhoneAppNotification"
#: The client's shortest wait between two polls of a push (entra_pages.MIN_POLL_INTERVAL):
#: the emulator asks for it, so a push costs one such wait and one poll.
PUSH_POLL_SECONDS = 0.5
FEDERATED_DOMAIN = "corp.example.com"
FEDERATED_USER = f"bob@{FEDERATED_DOMAIN}"


@dataclass
class Journal:
    """(method, path without query) of every request the emulators sharing it received."""

    entries: list[tuple[str, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, request: Request) -> None:
        with self.lock:
            self.entries.append((request.method, request.path))

    def seen(self) -> list[tuple[str, str]]:
        with self.lock:
            return list(self.entries)


class _Journaled(EmulatorServer):
    """An emulator that also writes each request into ``journal`` (when set)."""

    journal: Journal | None = None

    def handle(self, request: Request) -> Response:
        if self.journal is not None:
            self.journal.add(request)
        return super().handle(request)


class JournaledAdfs(_Journaled, AdfsEmulator):
    """AD FS, writing its requests into the shared journal."""


class JournaledEntra(_Journaled, EntraEmulator):
    """Entra ID, writing its requests into the shared journal."""


@dataclass(frozen=True)
class EntraIdps:
    """The running Entra ID emulators (see the module's contract)."""

    plain: EntraEmulator
    push: EntraEmulator
    federated: EntraEmulator
    adfs: AdfsEmulator
    journal: Journal


def start_entra(stack: ExitStack, tls: TestTls) -> EntraIdps:
    """Start the Entra ID emulators (and the federated user's AD FS) on ``stack``."""
    users = {USER: PASSWORD}
    plain = stack.enter_context(EntraEmulator(tls, users=users))
    push = stack.enter_context(
        EntraEmulator(
            tls, users=users, mfa=[PUSH], mfa_approve_after=0, poll_interval=PUSH_POLL_SECONDS
        )
    )
    journal = Journal()
    adfs = JournaledAdfs(tls, users={FEDERATED_USER: PASSWORD})
    federated = JournaledEntra(tls, adfs=adfs, federated_domains=[FEDERATED_DOMAIN])
    adfs.journal = federated.journal = journal
    stack.enter_context(adfs)
    stack.enter_context(federated)
    return EntraIdps(plain, push, federated, adfs, journal)


def entra_args(idp: EntraEmulator, *extra: str, user: str = USER) -> list[str]:
    """The login arguments of ``-p entra`` at the tenant SAML endpoint of ``idp``."""
    return tool_args(idp.tenant_saml_url, "entra", *extra, user=user)
