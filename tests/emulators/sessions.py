"""IdP sessions in the emulators: what a browser keeps after a sign-in, and its revocation.

A real IdP answers a sign-in with a session cookie (AD FS `MSISAuth`, Okta `sid`, Entra
`ESTSAUTH`); a later request that carries it is answered without a password. The
emulators keep their sessions in a `SessionTable` and share the counters and
`revoke_sessions()` of `SessionIdp`. A session ends when revoked or, with a lifetime,
when the clock passes its expiry (absolute, counted from the sign-in): either way the
cookie then gets the sign-in page, as after a server-side sign-out.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, TypedDict

from tests.emulators.options import DEFAULT_PASSWORD, DEFAULT_USER
from tests.emulators.saml import DEFAULT_ROLE, build_saml_response
from tests.emulators.server import Count, EmulatorServer
from tests.emulators.tls import TestTls

if TYPE_CHECKING:
    from typing_extensions import Unpack

Clock = Callable[[], float]


class ManualClock:
    """A `Clock` the test moves by hand (`clock.now += 3600`). It starts at the real time,
    so that a client's cookie jar, which keeps real time, still sends the cookies."""

    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


@dataclass
class IdpSession:
    """One session: its cookie value, user, expiry (epoch seconds, None: none) and
    `strong` (it passed a second factor or an app's sign-on policy). `forms` counts the
    assertion forms served under it: the first one ends the sign-in, later ones are
    session reuses."""

    value: str
    user: str
    issued_at: float
    expires_at: float | None
    strong: bool = True
    forms: int = 0


class SessionTable:
    """Sessions by cookie value, guarded by the emulator's lock (its threads share it)."""

    def __init__(self, lock: threading.RLock, lifetime: float | None, clock: Clock) -> None:
        """`lifetime`: seconds from the sign-in to the server-side expiry (None: none).
        Raises ValueError when it is not positive."""
        if lifetime is not None and not lifetime > 0:
            raise ValueError(f"session_lifetime: must be positive seconds or None: {lifetime!r}")
        self._lock = lock
        self.lifetime = lifetime
        self._clock = clock
        self._sessions: dict[str, IdpSession] = {}

    def issue(self, user: str, *, strong: bool = True) -> IdpSession:
        """A new live session for `user`, under a fresh random cookie value."""
        now = self._clock()
        expires = None if self.lifetime is None else now + self.lifetime
        session = IdpSession(secrets.token_urlsafe(32), user, now, expires, strong)
        with self._lock:
            self._sessions[session.value] = session
        return session

    def find(self, value: str | None) -> IdpSession | None:
        """The live session a cookie value names; None if unknown, revoked or expired."""
        if not value:
            return None
        with self._lock:
            session = self._sessions.get(value)
            if session is None:
                return None
            if session.expires_at is not None and self._clock() >= session.expires_at:
                del self._sessions[value]
                return None
            return session

    def served(self, session: IdpSession) -> bool:
        """Record an assertion form served under `session`; True if it is a reuse (not
        the first form, which ends the sign-in that made the session)."""
        with self._lock:
            session.forms += 1
            return session.forms > 1

    def revoke_all(self) -> int:
        """End every session issued so far; return how many were live."""
        with self._lock:
            count = len(self._sessions)
            self._sessions.clear()
            return count


class SessionOptions(TypedDict, total=False):
    """What every emulator that keeps sessions takes, as keyword arguments: its
    directory (`users`, name -> password, None: the default user; the `roles` its
    assertions grant; their `session_duration`, None: no SessionDuration attribute),
    `session_lifetime` (seconds a session lives after its sign-in; None: until revoked),
    the `clock` that times it (default: the real time) and `hang`."""

    users: Mapping[str, str] | None
    roles: Sequence[tuple[str, str]]
    session_duration: int | None
    session_lifetime: float | None
    clock: Clock | None
    hang: bool


class SessionIdp(EmulatorServer):
    """An identity-provider emulator that keeps sessions.

    Counters: `sign_ins` (sessions made by a full sign-in: password accepted, the
    second factor included when one was asked; failed sign-ins do not count) and
    `session_reuses` (assertion forms served thanks to a session cookie, without a
    password). Subclasses call `_sign_in(user)` when a sign-in completes, `_session(value)`
    where a cookie may stand in for the sign-in and `_served(session)` for each form.
    """

    sign_ins = Count()
    session_reuses = Count()

    #: How long a session lives when the test does not say (None: until revoked).
    default_session_lifetime: ClassVar[float | None] = None

    def __init__(self, tls: TestTls, **options: Unpack[SessionOptions]) -> None:
        """The options every session-keeping emulator takes (``SessionOptions``);
        ``session_lifetime`` defaults to the emulator's ``default_session_lifetime``.
        Raises ValueError for a lifetime that is not positive."""
        super().__init__(tls, hang=options.get("hang", False))
        users = options.get("users")
        self.users = dict(users if users is not None else {DEFAULT_USER: DEFAULT_PASSWORD})
        self.roles = list(options.get("roles", (DEFAULT_ROLE,)))
        self.session_duration = options.get("session_duration")
        lifetime = options.get("session_lifetime", self.default_session_lifetime)
        clock = options.get("clock") or time.time
        self._session_table = SessionTable(self._lock, lifetime, clock)

    @property
    def session_lifetime(self) -> float | None:
        """Seconds a session lives after its sign-in (None: until revoked)."""
        return self._session_table.lifetime

    def revoke_sessions(self) -> None:
        """End every session issued so far: their cookies get the sign-in page again."""
        self._session_table.revoke_all()

    def _saml_for(self, user: str, **style: Any) -> str:
        """The base64 SAMLResponse for `user` with the directory's roles and session
        duration; `style` is the product's (issuer, prefixes, pair order)."""
        return build_saml_response(
            self.roles, session_name=user, session_duration=self.session_duration, **style
        )

    def _sign_in(self, user: str, *, strong: bool = True) -> IdpSession:
        """A full sign-in of `user` completed: count it and make its session."""
        self._bump("sign_ins")
        return self._session_table.issue(user, strong=strong)

    def _session(self, value: str | None) -> IdpSession | None:
        """The live session a cookie value names, or None."""
        return self._session_table.find(value)

    def _served(self, session: IdpSession) -> None:
        """An assertion form is served under `session`: count a reuse unless it is the
        form that ends the session's own sign-in."""
        if self._session_table.served(session):
            self._bump("session_reuses")
