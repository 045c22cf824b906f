"""Kept IdP sessions: the IdP's session cookies after a sign-in, so that the next
cold login for the same provider, IdP host and user (another role, another profile,
the hourly refresh) is one request with those cookies instead of a password and a
second factor.

A kept session is worth to an attacker what the browser's cookie is: it signs in to
the IdP, for other applications too, until it expires. So it is stored like the
credential cache: one file per provider, IdP host and user under
``~/.aws/awsprocesscreds/sessions/``, mode 0600 in a 0700 directory, written
atomically, read only when it is a regular file we own, and used for at most
MAX_AGE seconds after the sign-in that made it (less when the IdP's cookies expire
sooner). Anything unreadable, corrupt, foreign or expired is simply no session.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import time
from collections.abc import Callable, Iterator, Mapping
from http.cookiejar import Cookie, CookieJar
from pathlib import Path
from typing import Any, NamedTuple

from awsprocesscreds import locks
from awsprocesscreds.files import (
    ensure_private_directory,
    home_directory,
    read_own_text,
    write_atomic,
)
from awsprocesscreds.hotpath import cache_key
from awsprocesscreds.logs import logger

log = logger(__name__)

#: How long a kept session is used after the sign-in that made it: a working day.
MAX_AGE = 12 * 3600.0
#: A session file holds a few cookies; anything much larger is not ours.
MAX_BYTES = 256 * 1024
MAX_COOKIES = 100
_NAME = re.compile(r"[0-9a-f]{64}\.session")
_COOKIE_FIELDS = ("name", "value", "domain", "path")


class KeptSession(NamedTuple):
    """What ``status`` shows of a kept session (never its cookies)."""

    provider: str
    host: str
    username: str
    usable_until: float


def sessions_directory(home: Path) -> Path:
    """Where the kept sessions live for a home directory:
    ``~/.aws/awsprocesscreds/sessions``."""
    return home / ".aws" / "awsprocesscreds" / "sessions"


def session_key(provider: str, host: str, username: str) -> str:
    """The file name stem of a provider's session for ``username`` at ``host``."""
    return cache_key({"v": 1, "provider": provider.lower(), "host": host.lower(), "user": username})


class SessionStore:
    """The directory of kept sessions, one file per provider, IdP host and user."""

    def __init__(self, directory: Path, clock: Callable[[], float] = time.time) -> None:
        self.directory = directory
        self._clock = clock

    @classmethod
    def of_home(cls) -> SessionStore | None:
        """The person's kept sessions (``~/.aws/awsprocesscreds/sessions``), or None
        when HOME is unknown or relative (as for the credential cache)."""
        home, _ = home_directory()
        return None if home is None else cls(sessions_directory(home))

    def load(self, provider: str, host: str, username: str, jar: CookieJar) -> bool:
        """Put the kept session's cookies into ``jar``; False (nothing added) when there
        is none that is still usable. An expired one is removed."""
        path = self.path(provider, host, username)
        document = self._read(path)
        if document is None:
            return False
        if self._usable_until(document) is None or not _same(document, provider, host, username):
            self._remove(path)
            return False
        now = self._clock()
        added = 0
        for entry in document.get("cookies", [])[:MAX_COOKIES]:
            cookie = _cookie(entry, now)
            if cookie is not None:
                jar.set_cookie(cookie)
                added += 1
        return added > 0

    def save(self, provider: str, host: str, username: str, jar: CookieJar) -> None:
        """Keep the cookies of ``jar`` (a session that just signed in); a failure to
        write costs only the kept session, and is logged."""
        now = self._clock()
        cookies = [_entry(cookie) for cookie in list(jar)[:MAX_COOKIES]]
        expiries = [c.expires for c in jar if c.expires is not None and c.expires > now]
        usable_until = min([now + MAX_AGE, *expiries]) if expiries else now + MAX_AGE
        document = {
            "v": 1,
            "provider": provider.lower(),
            "host": host.lower(),
            "username": username,
            "saved_at": now,
            "usable_until": usable_until,
            "cookies": cookies,
        }
        try:
            ensure_private_directory(self.directory)
            write_atomic(self.path(provider, host, username), json.dumps(document), 0o600)
        except OSError as exc:
            log.warning("could not keep the IdP session (%s); the next login asks again", exc)
            return
        log.debug("IdP session kept for %.0f minutes", (usable_until - now) / 60)

    def delete(self, provider: str, host: str, username: str) -> bool:
        """Forget one kept session; True when there was one."""
        return self._remove(self.path(provider, host, username))

    def clear(self) -> int:
        """Forget every kept session; returns how many there were."""
        return sum(self._remove(self.directory / name) for name in self._names())

    def entries(self) -> list[KeptSession]:
        """The usable kept sessions, for ``status``."""
        found = []
        for name in sorted(self._names()):
            document = self._read(self.directory / name)
            until = None if document is None else self._usable_until(document)
            if document is None or until is None:
                continue
            found.append(
                KeptSession(
                    str(document.get("provider")),
                    str(document.get("host")),
                    str(document.get("username")),
                    until,
                )
            )
        return found

    @contextlib.contextmanager
    def lock(self, provider: str, host: str, username: str, timeout: float) -> Iterator[bool]:
        """Hold the sign-in lock of one IdP session: runs for other roles or profiles
        of the same user at the same IdP wait here, then use the session the first
        one kept. Yields True when another run held it first."""
        ensure_private_directory(self.directory)
        path = self.directory / f"{session_key(provider, host, username)}.lock"
        description = "another awsprocesscreds-saml sign-in at the same IdP"
        waiting = "another run is signing in at the same IdP; waiting to use its session"
        with locks.hold(path, timeout, description, lambda: log.debug(waiting)) as held:
            yield held.contended

    def path(self, provider: str, host: str, username: str) -> Path:
        """The file that keeps a provider's session for ``username`` at ``host``."""
        return self.directory / f"{session_key(provider, host, username)}.session"

    def _read(self, path: Path) -> dict[str, Any] | None:
        found = read_own_text(path, MAX_BYTES)
        if found is None:
            return None
        try:
            document = json.loads(found[0])
        except ValueError:
            return None
        if not isinstance(document, dict) or document.get("v") != 1:
            return None
        if not isinstance(document.get("cookies"), list):
            return None
        return document

    def _usable_until(self, document: Mapping[str, Any]) -> float | None:
        """When a kept session stops being usable (its cookies' end, at most MAX_AGE
        after its sign-in); None when it is not usable now."""
        saved, until = document.get("saved_at"), document.get("usable_until")
        if not isinstance(saved, int | float) or not isinstance(until, int | float):
            return None
        end = min(float(until), float(saved) + MAX_AGE)
        return end if float(saved) <= self._clock() < end else None

    def _remove(self, path: Path) -> bool:
        try:
            os.unlink(path)
        except OSError:
            return False
        return True

    def _names(self) -> list[str]:
        try:
            return [name for name in os.listdir(self.directory) if _NAME.fullmatch(name)]
        except OSError:
            return []


def _same(document: Mapping[str, Any], provider: str, host: str, username: str) -> bool:
    return (document.get("provider"), document.get("host"), document.get("username")) == (
        provider.lower(),
        host.lower(),
        username,
    )


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _entry(cookie: Cookie) -> dict[str, Any]:
    return {
        "name": cookie.name,
        "value": cookie.value or "",
        "domain": cookie.domain,
        "path": cookie.path,
        "secure": cookie.secure,
        "expires": cookie.expires,
        "http_only": cookie.has_nonstandard_attr("HttpOnly"),
    }


def _cookie(entry: object, now: float) -> Cookie | None:
    """A cookie of a kept session, or None for an entry not of our shape or expired."""
    if not isinstance(entry, dict) or not all(
        isinstance(entry.get(f), str) for f in _COOKIE_FIELDS
    ):
        return None
    expires = entry.get("expires")
    if expires is not None and (not _number(expires) or expires <= now):
        return None
    domain, path = entry["domain"], entry["path"]
    return Cookie(
        version=0,
        name=entry["name"],
        value=entry["value"],
        port=None,
        port_specified=False,
        domain=domain,
        domain_specified=domain.startswith("."),
        domain_initial_dot=domain.startswith("."),
        path=path,
        path_specified=True,
        secure=entry.get("secure") is True,
        expires=int(expires) if expires is not None else None,
        discard=expires is None,
        comment=None,
        comment_url=None,
        rest={"HttpOnly": ""} if entry.get("http_only") else {},
    )
