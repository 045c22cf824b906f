"""Okta second factors: choosing one of the enrolled factors and verifying it.

Supported: Okta Verify push (with number matching), TOTP (Okta Verify, Google
Authenticator), SMS, voice call, email, and hardware/RSA one-time tokens.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from awsprocesscreds.answers import dig, text
from awsprocesscreds.authenticators.okta_api import OktaApi, OktaApiError
from awsprocesscreds.errors import IdpResponseError, MfaError
from awsprocesscreds.interaction import (
    MAX_CODE_ATTEMPTS,
    MFA_CODE,
    SENT_CODE,
    Choose,
    Flow,
    Notify,
    Prompt,
    Wait,
    polls_within,
)
from awsprocesscreds.logs import logger

log = logger(__name__)

#: Our short factor names (``--mfa-factor``) for Okta's factorType values.
FACTOR_KINDS = {
    "push": "push",
    "token:software:totp": "totp",
    "sms": "sms",
    "call": "call",
    "email": "email",
    "token": "token",
    "token:hardware": "token",
}
_TOKEN_NAMES = {"RSA": "RSA SecurID", "SYMANTEC": "Symantec VIP", "YUBICO": "YubiKey"}
#: Factors that are sent a code first (a first POST without passCode).
_CHALLENGED = ("sms", "call", "email")
_SENT_BY = {"sms": "SMS", "call": "voice call", "email": "email"}
POLL_INTERVAL = 2.0


@dataclass(frozen=True)
class Factor:
    """One enrolled factor from an MFA_REQUIRED answer."""

    id: str
    factor_type: str
    provider: str
    verify_url: str
    detail: str

    @property
    def kind(self) -> str | None:
        """Our short name for it, or None when it is not supported."""
        return FACTOR_KINDS.get(self.factor_type)

    @property
    def label(self) -> str:
        labels = {
            "push": "Okta Verify push",
            "totp": ("Google Authenticator" if self.provider == "GOOGLE" else "Okta Verify")
            + " code",
            "sms": "SMS code",
            "call": "voice call code",
            "email": "email code",
            "token": f"{_TOKEN_NAMES.get(self.provider, self.provider or 'hardware')} code",
        }
        name = labels.get(self.kind or "", f"{self.factor_type} ({self.provider})")
        return f"{name} ({self.detail})" if self.detail else name


def read_factors(body: Mapping[str, Any]) -> list[Factor]:
    """The factors of an MFA_REQUIRED answer (key ``factors``, or ``factor`` as in
    newer documentation examples); malformed entries are skipped."""
    raw = dig(body, "_embedded", "factors") or dig(body, "_embedded", "factor") or []
    if isinstance(raw, Mapping):
        raw = [raw]
    factors = []
    for item in raw if isinstance(raw, list) else []:
        verify = text(dig(item, "_links", "verify", "href"))
        factor_type = text(dig(item, "factorType"))
        detail = next(
            (
                found
                for key in ("phoneNumber", "email", "name")
                if (found := text(dig(item, "profile", key)))
            ),
            "",
        )
        if verify and factor_type:
            factors.append(
                Factor(
                    id=text(dig(item, "id")) or "",
                    factor_type=factor_type,
                    provider=text(dig(item, "provider")) or "",
                    verify_url=verify,
                    detail=detail,
                )
            )
    return factors


def candidates(factors: Sequence[Factor], wanted: str | None) -> list[Factor]:
    """The supported factors that match ``wanted`` (all supported ones when None).

    Raises MfaError naming what could be chosen when nothing fits."""
    supported = [factor for factor in factors if factor.kind is not None]
    if not supported:
        offered = ", ".join(sorted({f.factor_type for f in factors})) or "none"
        raise MfaError(
            f"Okta asks for a second factor, but none of the enrolled ones is supported "
            f"(enrolled: {offered}); enroll Okta Verify, an authenticator app or SMS"
        )
    if wanted is None:
        return supported
    matching = [factor for factor in supported if factor.kind == wanted]
    if not matching:
        available = ", ".join(sorted({str(f.kind) for f in supported}))
        raise MfaError(
            f"the factor {wanted!r} is not enrolled for this user; choose --mfa-factor "
            f"from: {available}"
        )
    return matching


def verify(api: OktaApi, factor: Factor, state_token: str, timeout: float) -> Flow[str]:
    """Verify ``factor`` and return the session token."""
    log.debug("verifying the %s factor", factor.kind)
    if factor.kind == "push":
        return (yield from _push(api, factor, state_token, timeout))
    if factor.kind in _CHALLENGED:
        body = yield from api.post(factor.verify_url, {"stateToken": state_token})
        if text(body.get("status")) not in ("MFA_CHALLENGE", "SUCCESS"):
            raise IdpResponseError(f"Okta did not send the {factor.kind} code")
        where = f" to {factor.detail}" if factor.detail else ""
        yield Notify(f"Okta sent a code by {_SENT_BY[str(factor.kind)]}{where}.")
    return (yield from _codes(api, factor, state_token))


def _codes(api: OktaApi, factor: Factor, state_token: str) -> Flow[str]:
    kind = SENT_CODE if factor.kind in _CHALLENGED else MFA_CODE
    for attempt in range(1, MAX_CODE_ATTEMPTS + 1):
        code = yield Prompt(f"{factor.label}: ", kind=kind, secret=False, attempt=attempt)
        try:
            body = yield from api.post(
                factor.verify_url, {"stateToken": state_token, "passCode": str(code).strip()}
            )
        except OktaApiError as exc:
            if exc.code != "E0000068":
                raise
            if attempt < MAX_CODE_ATTEMPTS:
                yield Notify("That code was not accepted; try again.")
            continue
        return _session_token(body)
    raise MfaError(f"Okta refused the one-time code {MAX_CODE_ATTEMPTS} times; run again")


def _push(api: OktaApi, factor: Factor, state_token: str, timeout: float) -> Flow[str]:
    deadline = api.context.monotonic() + timeout
    body = yield from api.post(factor.verify_url, {"stateToken": state_token})
    yield Notify("Approve the Okta Verify push on your phone.")
    number_shown = False
    for _ in range(polls_within(timeout, POLL_INTERVAL)):
        if text(body.get("status")) == "SUCCESS":
            return _session_token(body)
        result = text(body.get("factorResult"))
        if result == "REJECTED":
            raise MfaError("the Okta Verify push was rejected on the phone")
        if result == "TIMEOUT":
            raise MfaError("the Okta Verify push expired before it was approved; run again")
        number = _correct_answer(body)
        if number is not None and not number_shown:
            yield Notify("On your phone, tap this number:", highlight=number)
            number_shown = True
        if api.context.monotonic() >= deadline:
            break
        yield Wait(POLL_INTERVAL)
        poll = text(dig(body, "_links", "next", "href")) or factor.verify_url
        body = yield from api.post(poll, {"stateToken": state_token})
    raise MfaError(
        f"the Okta Verify push was not approved within {timeout:g} s; "
        "try again, or raise --mfa-timeout"
    )


def _correct_answer(body: Mapping[str, Any]) -> str | None:
    return text(dig(body, "_embedded", "factor", "_embedded", "challenge", "correctAnswer"))


def _session_token(body: Mapping[str, Any]) -> str:
    token = text(body.get("sessionToken"))
    status = text(body.get("status"))
    if status != "SUCCESS" or not token:
        raise IdpResponseError(
            f"Okta answered status {status!r} where a completed login was expected"
        )
    return token


def choose(factors: Sequence[Factor]) -> Flow[Factor]:
    """Pick a factor: the only one, or the person's choice from a menu."""
    if len(factors) == 1:
        return factors[0]
    index = yield Choose("Okta asks for a second factor:", tuple(f.label for f in factors))
    if not isinstance(index, int) or not 0 <= index < len(factors):
        raise MfaError("no second factor was chosen")
    return factors[index]
