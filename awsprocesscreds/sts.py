"""AssumeRoleWithSAML through an unsigned botocore client.

The client never loads the person's profile or credentials: creating a client for a
profile that uses credential_process would run us again, recursively. The call needs
no signature, only the assertion. Partition and regional endpoint follow the role ARN.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Protocol, cast

from awsprocesscreds.credentials import Credentials, format_expiration
from awsprocesscreds.errors import ConfigurationError, StsError
from awsprocesscreds.saml import Role, SamlAssertion

if TYPE_CHECKING:
    from mypy_boto3_sts.client import STSClient

log = logging.getLogger(__name__)

DEFAULT_DURATION = 3600
_PARTITION_DEFAULT_REGION = {
    "aws": "us-east-1",
    "aws-cn": "cn-north-1",
    "aws-us-gov": "us-gov-west-1",
}


@dataclass(frozen=True)
class StsSettings:
    """Where and how to reach STS, read from the environment at the CLI edge."""

    endpoint_url: str | None = None
    ca_bundle: str | None = None
    region: str | None = None
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    max_attempts: int = 3

    @classmethod
    def from_env(cls, env: Mapping[str, str], timeout: float | None = None) -> StsSettings:
        """Honour AWS_ENDPOINT_URL_STS (then AWS_ENDPOINT_URL), AWS_CA_BUNDLE and
        AWS_REGION / AWS_DEFAULT_REGION as botocore does."""
        return cls(
            endpoint_url=env.get("AWS_ENDPOINT_URL_STS") or env.get("AWS_ENDPOINT_URL") or None,
            ca_bundle=env.get("AWS_CA_BUNDLE") or None,
            region=env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or None,
            read_timeout=cls.read_timeout if timeout is None else timeout,
        )


def region_partition(region: str) -> str:
    """The partition a region belongs to."""
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def sts_region(partition: str, preferred: str | None) -> str:
    """The region whose STS endpoint serves ``partition``: ``preferred`` when it belongs
    to that partition, else the partition's usual one."""
    if partition not in _PARTITION_DEFAULT_REGION:
        raise ConfigurationError(
            f"unknown AWS partition {partition!r} in the role ARN; supported: "
            + ", ".join(_PARTITION_DEFAULT_REGION)
        )
    if preferred and region_partition(preferred) == partition:
        return preferred
    return _PARTITION_DEFAULT_REGION[partition]


def make_client(settings: StsSettings, partition: str) -> STSClient:
    """An unsigned STS client for ``partition`` that reads no profile or credentials."""
    import botocore.session
    from botocore import UNSIGNED
    from botocore.config import Config

    session = botocore.session.Session(
        session_vars={
            # (config name, env var, default, converter): None/None stops botocore
            # from following AWS_PROFILE or reading the person's config files.
            "profile": (None, None, None, None),
            "config_file": (None, None, os.devnull, None),
            "credentials_file": (None, None, os.devnull, None),
        }
    )
    config = Config(
        signature_version=UNSIGNED,
        connect_timeout=settings.connect_timeout,
        read_timeout=settings.read_timeout,
        retries={"max_attempts": settings.max_attempts, "mode": "standard"},
    )
    region = sts_region(partition, settings.region)
    log.debug("STS region %s%s", region, " (endpoint overridden)" if settings.endpoint_url else "")
    client = session.create_client(
        "sts",
        region_name=region,
        endpoint_url=settings.endpoint_url,
        verify=settings.ca_bundle,
        config=config,
    )
    return cast("STSClient", client)


class DurationMemory(Protocol):
    """Where the session length a role accepted instead of the asked one is kept
    (``cache.FileCache``; see ``durations``)."""

    def accepted_duration(self, role_arn: str, asked: int) -> int | None: ...

    def remember_duration(self, role_arn: str, asked: int, accepted: int) -> None: ...


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


def assume_role(
    client: STSClient,
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
    from botocore.exceptions import ClientError

    asked = duration or assertion.session_duration or DEFAULT_DURATION
    length = asked
    known = memory.accepted_duration(role.role_arn, asked) if memory is not None else None
    if known is not None:
        log.debug("this role lately accepted %d s, not %d s; asking for that", known, asked)
        length = known
    try:
        answer = _call(client, assertion, role, length)
    except ClientError as exc:
        _, message = _client_error(exc)
        if length == DEFAULT_DURATION or "MaxSessionDuration" not in message:
            raise _sts_error(exc) from exc
        log.debug(
            "a %d s session exceeds the role's MaxSessionDuration; retrying with %d s",
            length,
            DEFAULT_DURATION,
        )
        length = DEFAULT_DURATION
        try:
            answer = _call(client, assertion, role, length)
        except ClientError as retry_exc:
            raise _sts_error(retry_exc) from retry_exc
        if memory is not None:
            memory.remember_duration(role.role_arn, asked, length)
    credentials = _credentials(answer)
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


def _call(
    client: STSClient, assertion: SamlAssertion, role: Role, duration: int
) -> Mapping[str, Any]:
    from botocore.exceptions import BotoCoreError
    from botocore.parsers import ResponseParserError

    log.debug("AssumeRoleWithSAML %s for %d s", role.role_arn, duration)
    try:
        answer: Mapping[str, Any] = client.assume_role_with_saml(
            RoleArn=role.role_arn,
            PrincipalArn=role.principal_arn,
            SAMLAssertion=assertion.encoded,
            DurationSeconds=duration,
        )
    except ValueError as exc:
        # botocore's parser raises it for a field it cannot convert, in practice a
        # timestamp ("Invalid timestamp ..."): never a secret, but not for the person.
        what = "an Expiration that is not a date" if "timestamp" in str(exc) else "a value"
        raise StsError(
            f"the STS endpoint answered {what} we cannot read; "
            "check AWS_ENDPOINT_URL_STS and your proxy"
        ) from exc
    except ResponseParserError as exc:
        raise StsError(
            "the STS endpoint answered something that is not an STS response; "
            "check AWS_ENDPOINT_URL_STS and your proxy"
        ) from exc
    except BotoCoreError as exc:
        raise StsError(
            f"cannot reach AWS STS: {type(exc).__name__}; check your network, proxy, "
            "AWS_ENDPOINT_URL_STS and AWS_CA_BUNDLE"
        ) from exc
    return answer


def _client_error(exc: Exception) -> tuple[str, str]:
    error = getattr(exc, "response", {}).get("Error", {})
    return str(error.get("Code") or "Unknown"), str(error.get("Message") or "").strip()


def _sts_error(exc: Exception) -> StsError:
    code, message = _client_error(exc)
    if code == "Unknown" and not message:
        status = getattr(exc, "response", {}).get("ResponseMetadata", {}).get("HTTPStatusCode")
        return StsError(
            f"the STS endpoint answered HTTP {status} without an STS error; "
            "check AWS_ENDPOINT_URL_STS and your proxy"
        )
    hint = _HINTS.get(code, "")
    return StsError(f"AWS STS refused AssumeRoleWithSAML: {code}: {message}{hint}")


_HINTS = {
    "ExpiredTokenException": " (the SAML assertion is only valid for minutes; check the clock)",
    "InvalidIdentityToken": " (check the role and SAML provider ARNs in your IdP's claim rules)",
    "AccessDenied": " (the role's trust policy does not allow this SAML provider)",
    "RegionDisabledException": " (activate STS in that region, or set AWS_REGION to another)",
}


def _credentials(answer: Mapping[str, Any]) -> Credentials:
    raw = answer.get("Credentials") or {}
    expiration = raw.get("Expiration")
    values = (raw.get("AccessKeyId"), raw.get("SecretAccessKey"), raw.get("SessionToken"))
    if not all(isinstance(v, str) and v for v in values) or not isinstance(expiration, datetime):
        raise StsError("AWS STS answered AssumeRoleWithSAML without complete credentials")
    if expiration.tzinfo is None:
        expiration = expiration.replace(tzinfo=timezone.utc)
    access_key_id, secret_access_key, session_token = (str(v) for v in values)
    try:
        return Credentials(access_key_id, secret_access_key, session_token, expiration)
    except ValueError as exc:
        raise StsError(f"AWS STS answered credentials we cannot pass on: {exc}") from exc
