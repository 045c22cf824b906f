"""Cold logins and hourly refreshes with a kept IdP session, interleaved round by round.

Contract: :func:`measure_logins` runs each :class:`Login` ``runs`` times (one more round
first as warm-up), rotating the order from round to round so that the commands share
the machine's slow moments. A full sign-in (``kept_session`` False) starts with the
whole ``$HOME/.aws`` emptied: no credentials, no kept IdP session; it must sign in at
the IdP once and call STS once. A refresh (``kept_session`` True) starts with only the
credential cache emptied, as when the cached credentials of the hour have expired: it
must not sign in (the emulator's ``sign_ins`` stays put), must be served by the kept
session (``session_reuses`` moves by one), must send the IdP nothing but one GET of the
entry URL and the redirects the IdP answers it with (no POST: no password, no second
factor), and must call STS once. Anything else raises :class:`BenchError`: the refresh
measured would not be the refresh the issue asks for. Returns the runs per command and,
per refresh command, the IdP requests of its last run.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from awsprocesscreds.hotpath import cache_directory
from benchmarks.processes import BenchError, Command, Run, Spawner
from benchmarks.tools import check_credentials, clear_cache, describe
from tests.emulators.server import EmulatorServer
from tests.emulators.sessions import SessionIdp

_T = TypeVar("_T")


@dataclass(frozen=True)
class Login:
    """One command measured at login: ``idp`` is where it signs in, ``entry_path`` the
    path of its entry URL; with ``kept_session`` it refreshes on a kept IdP session."""

    tool: Command
    idp: EmulatorServer
    entry_path: str = ""
    kept_session: bool = False
    #: A refresh on the session kept by the Login before it (same HOME): no first
    #: sign-in of its own (``floor_refresh.py`` cannot sign in).
    borrows_session: bool = False


def expire_credentials(tool: Command) -> None:
    """Empty our credential cache but keep the IdP sessions beside it: an hour later."""
    shutil.rmtree(cache_directory(tool.env["HOME"]), ignore_errors=True)


def measure_logins(
    spawner: Spawner, logins: Sequence[Login], runs: int
) -> tuple[dict[str, list[Run]], dict[str, list[str]]]:
    """``runs`` logins per command after one warm-up round, interleaved (see above)."""
    for login in logins:
        if login.kept_session and not login.borrows_session:
            # The session the refreshes live on: one full sign-in, as in the morning.
            clear_cache(login.tool)
            check_credentials(spawner.one(login.tool), f"first sign-in of {_name(login)}")
    results: dict[str, list[Run]] = {login.tool.name: [] for login in logins}
    requests: dict[str, list[str]] = {}
    for round_ in range(runs + 1):
        for login in rotated(logins, round_):
            run, seen = _one(spawner, login)
            if login.kept_session:
                requests[login.tool.name] = seen
            if round_ > 0:
                results[login.tool.name].append(run)
    return results, requests


def _one(spawner: Spawner, login: Login) -> tuple[Run, list[str]]:
    idp, what = login.idp, _name(login)
    (expire_credentials if login.kept_session else clear_cache)(login.tool)
    logins, calls, seen = idp.logins, sts_calls(), len(idp.requests_seen)
    sign_ins, reuses = _sessions(idp) if login.kept_session else (0, 0)
    run = spawner.one(login.tool)
    check_credentials(run, what)
    requests = [f"{method} {path}" for method, path in idp.requests_seen[seen:]]
    if delta(sts_calls(), calls) not in (1, None):
        raise BenchError(f"{what} did not call the local STS once")
    if not login.kept_session:
        if idp.logins != logins + 1:
            raise BenchError(f"{what}: {idp.logins - logins} IdP logins, not 1")
        return run, requests
    after_sign_ins, after_reuses = _sessions(idp)
    if after_sign_ins != sign_ins or after_reuses != reuses + 1:
        raise BenchError(
            f"{what}: {after_sign_ins - sign_ins} sign-ins and {after_reuses - reuses} "
            "session reuses at the IdP, not 0 and 1"
        )
    problem = check_refresh_requests(requests, login.entry_path)
    if problem is not None:
        raise BenchError(f"{what}: {problem}")
    return run, requests


def check_refresh_requests(requests: Sequence[str], entry_path: str) -> str | None:
    """None when ``requests`` (``"METHOD /path"``) are one round trip on a kept session:
    the entry URL fetched once, first, then only GETs (the IdP's redirects); else what
    is wrong with them."""
    if not requests or requests[0] != f"GET {entry_path}":
        return f"the refresh did not start with GET {entry_path}: {list(requests)}"
    if requests.count(requests[0]) != 1 or any(not r.startswith("GET ") for r in requests):
        return f"the refresh sent more than one GET of the entry URL and its redirects: {requests}"
    return None


def _name(login: Login) -> str:
    kind = "refresh with a kept IdP session" if login.kept_session else "cold login"
    return f"{kind} of {describe(login.tool.name)}"


def _sessions(idp: EmulatorServer) -> tuple[int, int]:
    if not isinstance(idp, SessionIdp):
        raise BenchError(f"{type(idp).__name__} keeps no IdP sessions to count")
    return idp.sign_ins, idp.session_reuses


def rotated(items: Sequence[_T], round_: int) -> list[_T]:
    shift = round_ % len(items)
    return [*items[shift:], *items[:shift]]


def sts_calls() -> int | None:
    """AssumeRoleWithSAML calls moto has served so far (its state is process-wide), or
    None if this moto keeps them elsewhere."""
    try:
        from moto.sts.models import sts_backends

        return sum(
            len(backend.assumed_roles)
            for per_account in sts_backends.values()
            for backend in per_account.values()
        )
    except Exception:
        return None


def delta(after: int | None, before: int | None) -> int | None:
    return None if after is None or before is None else after - before
