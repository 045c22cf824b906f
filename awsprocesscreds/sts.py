"""AssumeRoleWithSAML: the session length asked for, the one retry STS's answer
calls for, and STS's errors as one line each.

The call itself (``sts_query``) is unsigned and reads no profile or credentials:
creating a client for a profile that uses credential_process would run us again,
recursively. Partition and regional endpoint follow the role ARN (``sts_endpoint``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import Protocol

from awsprocesscreds.credentials import Credentials, format_expiration
from awsprocesscreds.errors import NetworkError, StsError
from awsprocesscreds.logs import logger
from awsprocesscreds.saml import Role, SamlAssertion
from awsprocesscreds.stdhttp import Client
from awsprocesscreds.sts_endpoint import CA_BUNDLE_VARIABLES, StsSettings
from awsprocesscreds.sts_query import MAX_ANSWER_BYTES, StsClient, StsRefusal, unreachable_error

log = logger(__name__)

DEFAULT_DURATION = 3600


def make_client(settings: StsSettings, partition: str, env: Mapping[str, str]) -> StsClient:
    """An unsigned STS client for ``partition``, reaching it through the CA bundle
    and proxies ``env`` names."""
    url = settings.url_for(partition)
    log.debug("STS at %s", "the AWS_ENDPOINT_URL_STS endpoint" if settings.endpoint_url else url)
    http = Client(
        env, CA_BUNDLE_VARIABLES, timeout=settings.read_timeout, max_body=MAX_ANSWER_BYTES
    )
    return StsClient(url, http, max_attempts=settings.max_attempts)


class DurationMemory(Protocol):
    """Where the session length a role accepted instead of the asked one is kept
    (``cache.FileCache``; see ``durations``)."""

    def accepted_duration(self, role_arn: str, asked: int) -> int | None: ...

    def remember_duration(self, role_arn: str, asked: int, accepted: int) -> None: ...


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


def assume_role(
    client: StsClient,
    assertion: SamlAssertion,
    role: Role,
    duration: int | None,
    memory: DurationMemory | None = None,
    *,
    now: Callable[[], datetime] = _utc_now,
) -> Credentials:
    """Exchange the assertion for credentials of ``role``. ``duration`` None means the
    assertion's SessionDuration, else 3600; an asked-for length above the role's
    maximum is retried once with 3600, and ``memory`` (when given) keeps that answer
    so the next login asks for 3600 directly. Raise StsError with STS's code and
    message, or when the answer cannot be used (an unreadable Expiration, or
    credentials that expired before they arrived: a wrong clock)."""
    asked = duration or assertion.session_duration or DEFAULT_DURATION
    length = asked
    known = memory.accepted_duration(role.role_arn, asked) if memory is not None else None
    if known is not None:
        log.debug("this role lately accepted %d s, not %d s; asking for that", known, asked)
        length = known
    try:
        credentials = _call(client, assertion, role, length)
    except StsRefusal as refusal:
        if length == DEFAULT_DURATION or "MaxSessionDuration" not in refusal.message:
            raise _sts_error(refusal) from refusal
        log.debug(
            "a %d s session exceeds the role's MaxSessionDuration; retrying with %d s",
            length,
            DEFAULT_DURATION,
        )
        length = DEFAULT_DURATION
        try:
            credentials = _call(client, assertion, role, length)
        except StsRefusal as retry_refusal:
            raise _sts_error(retry_refusal) from retry_refusal
        if memory is not None:
            memory.remember_duration(role.role_arn, asked, length)
    _refuse_expired(credentials, length, now())
    return credentials


def _refuse_expired(credentials: Credentials, length: int, now: datetime) -> None:
    """Credentials already expired on arrival mean this computer's clock is ahead of
    AWS's (or the endpoint is broken): every AWS call would fail with them."""
    late = (now - credentials.expiration).total_seconds()
    if late < 0:
        return
    # STS set Expiration to its own time plus the length we asked for.
    skew = late + length
    raise StsError(
        f"AWS STS answered credentials that expire at {format_expiration(credentials.expiration)}, "
        f"{_span(late)} before this computer's time: this computer's clock is about "
        f"{_span(skew)} ahead of AWS's (or the STS endpoint is broken); set the clock "
        "right and try again"
    )


def _span(seconds: float) -> str:
    """A length of time for a person: "45 s", "12 min", "3 h 20 min", "2 days"."""
    whole = round(seconds)
    if whole < 120:
        return f"{whole} s"
    if whole < 2 * 3600:
        return f"{whole // 60} min"
    if whole < 2 * 86400:
        hours, minutes = divmod(whole // 60, 60)
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{whole // 86400} days"


def _call(client: StsClient, assertion: SamlAssertion, role: Role, duration: int) -> Credentials:
    log.debug("AssumeRoleWithSAML %s for %d s", role.role_arn, duration)
    try:
        return client.assume_role_with_saml(role, assertion.encoded, duration)
    except NetworkError as exc:
        raise unreachable_error(exc) from exc


def _sts_error(refusal: StsRefusal) -> StsError:
    if refusal.code == "Unknown" and not refusal.message:
        return StsError(
            f"the STS endpoint answered HTTP {refusal.status} without an STS error; "
            "check AWS_ENDPOINT_URL_STS and your proxy"
        )
    hint = _HINTS.get(refusal.code, "")
    return StsError(f"AWS STS refused AssumeRoleWithSAML: {refusal.code}: {refusal.message}{hint}")


_HINTS = {
    "ExpiredTokenException": " (the SAML assertion is only valid for minutes; check the clock)",
    "InvalidIdentityToken": " (check the role and SAML provider ARNs in your IdP's claim rules)",
    "AccessDenied": " (the role's trust policy does not allow this SAML provider)",
    "RegionDisabledException": " (activate STS in that region, or set AWS_REGION to another)",
}
