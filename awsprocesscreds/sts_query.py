"""AssumeRoleWithSAML over STS's Query API, unsigned, with the standard library.

The call needs no signature and so no credentials: nothing here reads the person's
profile (a client that did, for a profile using credential_process, would run us
again). It is one form POST and one small XML answer, so botocore, whose import and
client set-up cost more than the rest of a refresh, is not needed for it. Retries
follow botocore's standard mode: 3 attempts in all, for connection failures, HTTP
500/502/503/504 and throttling, with jittered exponential back-off.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta, timezone
from typing import Protocol
from urllib.parse import urlencode
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from awsprocesscreds.credentials import Credentials
from awsprocesscreds.errors import NetworkError, StsError, Unreachable
from awsprocesscreds.logs import logger
from awsprocesscreds.saml import Role
from awsprocesscreds.stdhttp import Answer

log = logger(__name__)

API_VERSION = "2011-06-15"
#: An STS answer is a few kilobytes.
MAX_ANSWER_BYTES = 1024 * 1024
_RETRY_STATUSES = frozenset({500, 502, 503, 504})
#: botocore's standard-mode throttling and transient error codes.
_RETRY_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottledException",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "RequestThrottled",
        "SlowDown",
        "PriorRequestNotComplete",
        "RequestTimeout",
        "RequestTimeoutException",
        "IDPCommunicationError",
    }
)
_MAX_BACKOFF = 20.0
_TIMESTAMP = re.compile(
    r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:?\d\d)?"
)


class StsRefusal(StsError):
    """STS answered with an error: ``code`` and ``message`` as it sent them."""

    def __init__(self, code: str, message: str, status: int) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status


class Sender(Protocol):
    """What sends the call: ``stdhttp.Client``, or a test's scripted answers."""

    def send(
        self, method: str, url: str, *, body: bytes | None = None, headers: Mapping[str, str]
    ) -> Answer: ...


class StsClient:
    """AssumeRoleWithSAML at ``url``, sent through ``http``."""

    def __init__(
        self,
        url: str,
        http: Sender,
        *,
        max_attempts: int = 3,
        sleep: Callable[[float], None] = time.sleep,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self.url = url
        self.http = http
        self.max_attempts = max(1, max_attempts)
        self.sleep = sleep
        self.jitter = jitter

    def assume_role_with_saml(self, role: Role, assertion: str, duration: int) -> Credentials:
        """The credentials STS answers. Raises StsRefusal for an STS error, StsError
        for an answer that is not STS's, and NetworkError when STS cannot be reached."""
        body = urlencode(
            {
                "Action": "AssumeRoleWithSAML",
                "Version": API_VERSION,
                "RoleArn": role.role_arn,
                "PrincipalArn": role.principal_arn,
                "SAMLAssertion": assertion,
                "DurationSeconds": str(duration),
            }
        ).encode("ascii")
        headers = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
        for attempt in range(1, self.max_attempts + 1):  # bounded
            try:
                answer = self.http.send("POST", self.url, body=body, headers=headers)
            except Unreachable:
                if attempt == self.max_attempts:
                    raise
                self._back_off(attempt, "STS could not be reached")
                continue
            try:
                return read_answer(answer)
            except StsRefusal as refusal:
                retry = refusal.status in _RETRY_STATUSES or refusal.code in _RETRY_CODES
                if not retry or attempt == self.max_attempts:
                    raise
                self._back_off(attempt, f"STS answered {refusal.code} (HTTP {refusal.status})")
        raise AssertionError("unreachable")  # the loop returns or raises

    def _back_off(self, attempt: int, why: str) -> None:
        pause = min(_MAX_BACKOFF, self.jitter() * 2**attempt)
        log.debug("%s; trying again in %.1f s", why, pause)
        self.sleep(pause)


def read_answer(answer: Answer) -> Credentials:
    """The credentials in an AssumeRoleWithSAML answer. Raises StsRefusal for an
    ErrorResponse (or a bare HTTP error), StsError for anything that is not STS's."""
    root = _parse(answer)
    if answer.status >= 300 or _local(root.tag) == "ErrorResponse":
        error = _child(root, "Error")
        code = _text(error, "Code")
        if not code:
            raise StsRefusal("Unknown", "", answer.status)
        raise StsRefusal(code, _text(error, "Message"), answer.status)
    if _local(root.tag) != "AssumeRoleWithSAMLResponse":
        raise _not_sts()
    credentials = _child(_child(root, "AssumeRoleWithSAMLResult"), "Credentials")
    values = [_text(credentials, name) for name in _CREDENTIAL_FIELDS]
    if not all(values):
        raise StsError("AWS STS answered AssumeRoleWithSAML without complete credentials")
    access_key_id, secret_access_key, session_token, expiration = values
    try:
        return Credentials(
            access_key_id, secret_access_key, session_token, parse_timestamp(expiration)
        )
    except ValueError as exc:
        if "timestamp" in str(exc):
            raise StsError(
                "the STS endpoint answered an Expiration that is not a date we can read; "
                "check AWS_ENDPOINT_URL_STS and your proxy"
            ) from exc
        raise StsError(f"AWS STS answered credentials we cannot pass on: {exc}") from exc


_CREDENTIAL_FIELDS = ("AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration")


def parse_timestamp(text: str) -> datetime:
    """An ISO 8601 time as STS writes it (``2026-12-01T05:00:00Z``, with or without
    fractions or an offset; UTC when it names none). Raises ValueError naming a
    timestamp."""
    match = _TIMESTAMP.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"Invalid timestamp {text[:40]!r}")
    year, month, day, hour, minute, second = (int(part) for part in match.groups()[:6])
    fraction, zone = match.group(7) or "0", match.group(8) or "Z"
    offset = timedelta(0)
    if zone != "Z":
        digits = zone[1:].replace(":", "")
        offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        offset = -offset if zone[0] == "-" else offset
    try:
        moment = datetime(year, month, day, hour, minute, second, int(fraction[:6].ljust(6, "0")))
    except ValueError as exc:
        raise ValueError(f"Invalid timestamp {text[:40]!r}") from exc
    return (moment - offset).replace(tzinfo=timezone.utc)


def _parse(answer: Answer) -> Element:
    try:
        root: Element = SafeET.fromstring(answer.body, forbid_dtd=True)
    except (ParseError, DefusedXmlException, ValueError) as exc:
        if answer.status >= 300:
            raise StsRefusal("Unknown", "", answer.status) from exc
        raise _not_sts() from exc
    return root


def _not_sts() -> StsError:
    return StsError(
        "the STS endpoint answered something that is not an STS response; "
        "check AWS_ENDPOINT_URL_STS and your proxy"
    )


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _child(element: Element | None, name: str) -> Element | None:
    if element is None:
        return None
    return next((child for child in element if _local(child.tag) == name), None)


def _text(element: Element | None, name: str) -> str:
    child = _child(element, name)
    return (child.text or "").strip() if child is not None else ""


def unreachable_error(exc: NetworkError) -> StsError:
    """Our line for an STS that could not be reached at all."""
    return StsError(
        f"cannot reach AWS STS: {exc}; check your network, proxy, AWS_ENDPOINT_URL_STS "
        "and AWS_CA_BUNDLE"
    )
