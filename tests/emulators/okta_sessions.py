"""Okta's browser session, shared by both engines' emulators: the `sid` cookie and
`GET /api/v1/sessions/me`, which reports the session (and its expiresAt) to a client.

Kept apart from okta_core.py so that the Identity Engine emulator does not import
pyotp through it.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from tests.emulators.messages import Response
from tests.emulators.okta_json import okta_error, okta_time, user_json
from tests.emulators.sessions import IdpSession

SESSION_LIFETIME = 2 * 3600.0  # Okta's default maximum session lifetime: 2 hours


def session_json(
    base_url: str, sid: str, user: str, created: float, expires: float | None, *, mfa: bool
) -> dict[str, Any]:
    """The answer of `GET /api/v1/sessions/me`: the session its `sid` cookie names, with
    the `expiresAt` a client may keep (null when the emulator sets no expiry)."""

    def when(moment: float) -> str:
        return okta_time(datetime.fromtimestamp(moment, timezone.utc))

    me = f"{base_url}/api/v1/sessions/me"
    return {
        "id": sid,
        "userId": user_json(user)["id"],
        "login": user,
        "createdAt": when(created),
        "expiresAt": None if expires is None else when(expires),
        "status": "ACTIVE",
        "lastPasswordVerification": when(created),
        "lastFactorVerification": when(created) if mfa else None,
        "amr": ["pwd", "mfa"] if mfa else ["pwd"],
        "idp": {"id": "00o1b2c3d4EXAMPLE", "type": "OKTA"},
        "mfaActive": mfa,
        "_links": {
            "self": {"href": me, "hints": {"allow": ["GET", "DELETE"]}},
            "refresh": {"href": f"{me}/lifecycle/refresh", "hints": {"allow": ["POST"]}},
            "user": {"name": user, "href": f"{base_url}/api/v1/users/me"},
        },
    }


def with_sid(response: Response, session: IdpSession) -> Response:
    """`response` setting the `sid` cookie of `session`, expiring with it."""
    return response.set_cookie("sid", session.value, expires=session.expires_at)


def session_me(base_url: str, session: IdpSession | None) -> Response:
    """The answer of `GET /api/v1/sessions/me` (404 E0000007 without a live session)."""
    if session is None:
        return okta_error(404, "E0000007")
    return Response.json(
        session_json(
            base_url,
            session.value,
            session.user,
            session.issued_at,
            session.expires_at,
            mfa=session.strong,
        )
    )
