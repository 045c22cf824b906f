"""JSON bodies of the Okta Classic Authentication API, as pure functions.

Factor objects, transactions (MFA_REQUIRED, MFA_CHALLENGE, ...), SUCCESS and errors are
built here from explicit arguments; the emulator in `okta.py` keeps the state.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from tests.emulators.messages import Response


@dataclass(frozen=True)
class FactorSpec:
    """How one enrolled factor kind looks in `_embedded.factors`."""

    factor_type: str
    provider: str
    id_prefix: str
    profile: tuple[tuple[str, str], ...]  # "{user}" in a value is the user's login


_CREDENTIAL = (("credentialId", "{user}"),)
FACTOR_SPECS: dict[str, FactorSpec] = {
    "push": FactorSpec(
        "push",
        "OKTA",
        "opf",
        (*_CREDENTIAL, ("deviceType", "SmartPhone_IPhone"), ("name", "iPhone")),
    ),
    "push_number": FactorSpec(
        "push",
        "OKTA",
        "opn",
        (*_CREDENTIAL, ("deviceType", "SmartPhone_Android"), ("name", "Pixel")),
    ),
    "totp_okta": FactorSpec("token:software:totp", "OKTA", "ost", _CREDENTIAL),
    "totp_google": FactorSpec("token:software:totp", "GOOGLE", "uft", _CREDENTIAL),
    "sms": FactorSpec("sms", "OKTA", "mbl", (("phoneNumber", "+1 XXX-XXX-1234"),)),
    "call": FactorSpec("call", "OKTA", "clf", (("phoneNumber", "+1 XXX-XXX-5678"),)),
    "email": FactorSpec("email", "OKTA", "emf", (("email", "a...e@example.com"),)),
    "token": FactorSpec("token", "RSA", "rsa", _CREDENTIAL),
    "token:hardware": FactorSpec("token:hardware", "YUBICO", "ykf", _CREDENTIAL),
    "question": FactorSpec(
        "question",
        "OKTA",
        "ufs",
        (("question", "favorite_art_piece"), ("questionText", "What is your favorite art?")),
    ),
    "webauthn": FactorSpec(
        "webauthn", "FIDO", "fwf", (("credentialId", "vdRq3n"), ("authenticatorName", "Touch ID"))
    ),
    "u2f": FactorSpec("u2f", "FIDO", "fuf", (("credentialId", "GAiiLs"), ("version", "U2F_V2"))),
}
ERROR_SUMMARIES = {
    "E0000003": "The request body was not well-formed.",
    "E0000004": "Authentication failed",
    "E0000007": "Not found: Resource not found",
    "E0000011": "Invalid token provided",
    "E0000047": "API call exceeded rate limit due to too many requests.",
    "E0000068": "Invalid Passcode/Answer",
}


def okta_time(moment: datetime) -> str:
    """Okta's timestamp format, e.g. 2026-11-23T13:45:00.000Z."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def factor_id(kind: str, index: int) -> str:
    """A stable 20-character Okta-style id for the `index`th enrolled factor."""
    return f"{FACTOR_SPECS[kind].id_prefix}{index:03d}ExAmPlE0h7x4"[:20]


def factor_json(
    kind: str, fid: str, user: str, base_url: str, challenge: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The factor object as listed in MFA_REQUIRED and echoed in MFA_CHALLENGE.

    `challenge`, when given, goes to `_embedded.challenge` (push number matching,
    WebAuthn nonce).
    """
    spec = FACTOR_SPECS[kind]
    factor: dict[str, Any] = {
        "id": fid,
        "factorType": spec.factor_type,
        "provider": spec.provider,
        "vendorName": spec.provider,
        "profile": {key: value.replace("{user}", user) for key, value in spec.profile},
        "_links": {"verify": {"href": verify_url(base_url, fid), "hints": {"allow": ["POST"]}}},
    }
    if challenge is not None:
        factor["_embedded"] = {"challenge": challenge}
    return factor


def user_json(user: str) -> dict[str, Any]:
    """`_embedded.user` of an authn transaction."""
    return {
        "id": "00ub0oNGTSWTBKOLGLNR",
        "passwordChanged": "2025-01-01T00:00:00.000Z",
        "profile": {
            "login": user,
            "firstName": "Alice",
            "lastName": "Example",
            "locale": "en",
            "timeZone": "America/Los_Angeles",
        },
    }


def okta_error(
    status: int, code: str, causes: tuple[str, ...] = (), summary: str | None = None
) -> Response:
    """An Okta API error body: errorCode, errorSummary (the code's usual one unless
    `summary` is given), errorLink, errorId, errorCauses."""
    return Response.json(
        {
            "errorCode": code,
            "errorSummary": ERROR_SUMMARIES[code] if summary is None else summary,
            "errorLink": code,
            "errorId": f"oae{secrets.token_urlsafe(16)}",
            "errorCauses": [{"errorSummary": cause} for cause in causes],
        },
        status,
    )


def rate_limited(reset: int, limit: int = 600) -> Response:
    """429 E0000047 with the X-Rate-Limit-* headers; `reset` is in epoch seconds."""
    return (
        okta_error(429, "E0000047")
        .with_header("X-Rate-Limit-Limit", str(limit))
        .with_header("X-Rate-Limit-Remaining", "0")
        .with_header("X-Rate-Limit-Reset", str(reset))
    )


def verify_url(base_url: str, fid: str) -> str:
    """Absolute verify (and poll) URL of factor `fid`."""
    return f"{base_url}/api/v1/authn/factors/{fid}/verify"


def links(base_url: str, next_name: str | None = None, next_href: str = "") -> dict[str, Any]:
    """`_links` of a transaction: always `cancel`, plus `next` when `next_name` is given."""
    post = {"allow": ["POST"]}
    answer: dict[str, Any] = {"cancel": {"href": f"{base_url}/api/v1/authn/cancel", "hints": post}}
    if next_name is not None:
        answer["next"] = {"name": next_name, "href": next_href, "hints": post}
    return answer


def transaction_json(
    base_url: str,
    token: str,
    expires: float,
    *,
    status: str,
    user: str,
    factors: list[dict[str, Any]] | None = None,
    factors_key: str = "factors",
) -> dict[str, Any]:
    """A transaction answer (MFA_REQUIRED, MFA_ENROLL, PASSWORD_EXPIRED): stateToken,
    expiresAt, status, `_embedded.user` and, when `factors` is given, the factor list
    under `_embedded[factors_key]` (real orgs say "factors", newer docs "factor").
    """
    embedded: dict[str, Any] = {"user": user_json(user)}
    if factors is not None:
        embedded[factors_key] = factors
    return {
        "stateToken": token,
        "expiresAt": okta_time(datetime.fromtimestamp(expires, timezone.utc)),
        "status": status,
        "_embedded": embedded,
        "_links": links(base_url),
    }


def challenge_json(
    base_url: str,
    token: str,
    expires: float,
    *,
    user: str,
    factor: dict[str, Any],
    result: str | None = None,
) -> dict[str, Any]:
    """An MFA_CHALLENGE answer for `factor`; `result` is the factorResult, if any.

    The `next` link is named "poll" while the result is WAITING, else "verify".
    """
    name = "poll" if result == "WAITING" else "verify"
    answer: dict[str, Any] = {
        "stateToken": token,
        "expiresAt": okta_time(datetime.fromtimestamp(expires, timezone.utc)),
        "status": "MFA_CHALLENGE",
        "_embedded": {"user": user_json(user), "factor": factor},
        "_links": links(base_url, name, factor["_links"]["verify"]["href"]),
    }
    if result is not None:
        answer["factorResult"] = result
    return answer


def success_json(session_token: str, user: str) -> dict[str, Any]:
    """The SUCCESS answer carrying a (single-use) sessionToken."""
    expires = datetime.now(timezone.utc) + timedelta(minutes=5)
    return {
        "expiresAt": okta_time(expires),
        "status": "SUCCESS",
        "sessionToken": session_token,
        "_embedded": {"user": user_json(user)},
    }
