"""``status``: what is kept for the person, one line each, never a secret.

Cached credential sets are listed from their entries (for the expiry) and the
description written beside each one (``K.about``: provider, IdP host, user, role;
see ``describe``); kept IdP sessions from ``idp_sessions``. Entries written before
descriptions existed are listed with their expiry only. Expired sets and sessions
are not listed: nothing would use them again.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timezone
from typing import NamedTuple
from urllib.parse import urlsplit

from awsprocesscreds.cache import FileCache
from awsprocesscreds.credentials import format_expiration, parse_expiration
from awsprocesscreds.hotpath import MIN_REMAINING_SECONDS, read_entry
from awsprocesscreds.idp_sessions import KeptSession
from awsprocesscreds.request import CredentialRequest

OLDER = "(unknown: written by an older version)"
_ABOUT_FIELDS = ("provider", "host", "username", "role_arn", "duration", "entity_id")


class CachedSet(NamedTuple):
    """A cached credential set as ``status`` shows it: ``about`` None when the entry
    has no (readable) description."""

    expires_at: float
    about: tuple[str, str, str, str] | None  # provider, host, user, role


def describe(request: CredentialRequest, role_arn: str | None = None) -> str:
    """The description kept beside a cache entry, never a secret: what picked it, and
    ``role_arn``, the role assumed (the same as -a, or the one picked without it)."""
    fields = {
        "provider": request.provider,
        "host": urlsplit(request.endpoint).hostname or "",
        "username": request.username,
        "role_arn": role_arn or request.role_arn,
        "duration": request.duration,
        "entity_id": request.entity_id,
    }
    return json.dumps(fields, sort_keys=True)


def read_about(text: str | None) -> tuple[str, str, str, str] | None:
    """Provider, host, user and role of a description (role "" when none was
    recorded); None when ``text`` is not one of ours."""
    try:
        document = json.loads(text) if text is not None else None
    except ValueError:
        return None
    if not isinstance(document, dict) or set(document) != set(_ABOUT_FIELDS):
        return None
    values = [document.get(name) for name in ("provider", "host", "username", "role_arn")]
    if not all(isinstance(value, str) for value in values[:3]):
        return None
    role = values[3]
    if role is not None and not isinstance(role, str):
        return None
    return (str(values[0]), str(values[1]), str(values[2]), role or "")


def cached_sets(cache: FileCache, now: float, keys: Iterable[str] | None = None) -> list[CachedSet]:
    """The unexpired credential sets in ``cache`` (only ``keys``' when given)."""
    found = []
    not_expired = format_expiration(datetime.fromtimestamp(now, timezone.utc))
    for key in cache.keys() if keys is None else keys:
        document = read_entry(str(cache.path_for(key)), not_expired)
        if document is None:
            continue
        expires_at = parse_expiration(str(document["Expiration"])).timestamp()
        found.append(CachedSet(expires_at, read_about(cache.about(key))))
    return found


def in_words(seconds: float) -> str:
    """A span for people: "under a minute", "47 min", "5 h 12 min"."""
    minutes = int(seconds // 60)
    if minutes < 1:
        return "under a minute"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if hours else f"{minutes} min"


def lines(
    cached: Sequence[CachedSet],
    sessions: Sequence[KeptSession],
    now: float,
    clock_time: Callable[[float], str] = lambda moment: time.strftime(
        "%H:%M", time.localtime(moment)
    ),
) -> list[str]:
    """The listing, sorted: credential sets, then IdP sessions, one line each.
    ``clock_time`` writes a moment as local time of day."""
    rows = []
    for item in cached:
        left = item.expires_at - now
        when = f"expires in {in_words(left)}"
        if left < MIN_REMAINING_SECONDS:
            when += " (renewed at the next use)"
        if item.about is None:
            rows.append((1, ("", "", "", "", item.expires_at), f"credentials  {OLDER}  {when}"))
            continue
        provider, host, user, role = item.about
        shown = role or "(role not recorded)"
        order = (provider, host, user, role, item.expires_at)
        rows.append((0, order, f"credentials  {provider}  {host}  {user}  {shown}  {when}"))
    for session in sessions:
        left = session.usable_until - now
        until = f"usable for {in_words(left)}, until {clock_time(session.usable_until)}"
        order = (session.provider, session.host, session.username, "", session.usable_until)
        line = f"idp-session  {session.provider}  {session.host}  {session.username}  {until}"
        rows.append((2, order, line))
    return [line for _, _, line in sorted(rows)]
