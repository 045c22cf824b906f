"""The credentials value and its one output form, botocore's credential_process JSON
(rendered by ``process_json.render``, the same code the cache-hit path prints with)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any, NamedTuple

from awsprocesscreds.hotpath import MIN_REMAINING_SECONDS
from awsprocesscreds.process_json import is_plain_value, is_process_document, render

#: botocore re-runs the process when fewer than 15 minutes are left (advisory refresh);
#: credentials handed out inside that window make it re-run us on every API call.
MIN_REMAINING = timedelta(seconds=MIN_REMAINING_SECONDS)


class _Fields(NamedTuple):
    access_key_id: str
    secret_access_key: str
    session_token: str
    expiration: datetime


class Credentials(_Fields):
    """Temporary AWS credentials. ``expiration`` is always timezone-aware (UTC)."""

    __slots__ = ()

    def __new__(
        cls, access_key_id: str, secret_access_key: str, session_token: str, expiration: datetime
    ) -> Credentials:
        if not all(is_plain_value(v) for v in (access_key_id, secret_access_key, session_token)):
            raise ValueError("credential values must be printable ASCII")
        if expiration.tzinfo is None:
            raise ValueError("expiration must carry a timezone")
        return super().__new__(cls, access_key_id, secret_access_key, session_token, expiration)

    def __repr__(self) -> str:
        # Never let a secret reach a log line or a traceback through repr().
        return f"Credentials(access_key_id={self.access_key_id!r}, expiration={self.expiration})"

    def to_process_json(self) -> str:
        """Render the credential_process document botocore expects (Version 1)."""
        return render(
            {
                "AccessKeyId": self.access_key_id,
                "SecretAccessKey": self.secret_access_key,
                "SessionToken": self.session_token,
                "Expiration": format_expiration(self.expiration),
            }
        )

    def remaining(self, now: datetime) -> timedelta:
        """Time left before expiry at ``now`` (aware)."""
        return self.expiration - now

    def is_fresh(self, now: datetime, min_remaining: timedelta = MIN_REMAINING) -> bool:
        """True when these credentials may still be handed to botocore at ``now``."""
        return self.remaining(now) >= min_remaining


def format_expiration(moment: datetime) -> str:
    """ISO 8601 in UTC with a ``Z`` suffix, e.g. ``2026-11-23T13:45:00Z``."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_expiration(text: str) -> datetime:
    """Parse an ISO 8601 timestamp that carries a timezone; raise ValueError otherwise."""
    # Python 3.10's fromisoformat does not accept a trailing "Z".
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError("timestamp has no timezone")
    return moment.astimezone(timezone.utc)


def from_process_json(document: Any) -> Credentials:
    """Read a credential_process document back; raise ValueError unless it is exactly
    one we could have written (``process_json.is_process_document``: the rules the
    cache-hit path applies, so both paths take and refuse the same entries)."""
    if not isinstance(document, dict) or not is_process_document(document):
        raise ValueError("not a credential_process document")
    return Credentials(
        access_key_id=document["AccessKeyId"],
        secret_access_key=document["SecretAccessKey"],
        session_token=document["SessionToken"],
        expiration=parse_expiration(document["Expiration"]),
    )
