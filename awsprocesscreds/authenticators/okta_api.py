"""Talking JSON to Okta's Authentication API: one POST helper with Okta's error and
rate-limit rules, shared by primary authentication and factor verification. Okta's
JSON is read through ``answers.dig`` and ``answers.text``."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from awsprocesscreds.answers import text
from awsprocesscreds.authenticators.base import LoginContext
from awsprocesscreds.bodies import json_body
from awsprocesscreds.errors import AuthenticationError, IdpResponseError, MfaError
from awsprocesscreds.interaction import Flow, Wait
from awsprocesscreds.logs import logger
from awsprocesscreds.urls import redact_url

log = logger(__name__)

#: Longest we sleep, in total, for Okta's rate limit (429) before giving up.
RATE_LIMIT_MAX_WAIT = 60.0
MAX_RATE_LIMIT_RETRIES = 5
_HEADERS = {"Accept": "application/json", "Content-Type": "application/json"}


class OktaApiError(IdpResponseError):
    """An Okta error answer the caller may want to handle (e.g. a wrong code)."""

    def __init__(self, message: str, status: int, code: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code


class OktaApi:
    """POSTs JSON to Okta, waiting out 429s within a bound."""

    def __init__(self, context: LoginContext) -> None:
        self.context = context
        self._waited = 0.0

    def post(self, url: str, payload: Mapping[str, Any]) -> Flow[Mapping[str, Any]]:
        """POST ``payload`` and return the JSON answer of a 2xx.

        Raises AuthenticationError for bad credentials (E0000004), MfaError for an
        expired state token (E0000011), OktaApiError for any other error answer.
        """
        for _ in range(MAX_RATE_LIMIT_RETRIES + 1):
            response = self.context.session.post(url, json=dict(payload), headers=_HEADERS)
            if response.status_code != 429:
                break
            delay = self._rate_limit_delay(response.headers.get("X-Rate-Limit-Reset"))
            if self._waited + delay > RATE_LIMIT_MAX_WAIT:
                break
            log.debug("Okta rate limit reached; waiting %.0f s", delay)
            self._waited += delay
            yield Wait(delay)
        body = json_body(response)
        status = response.status_code
        if status < 400:
            return body
        code = text(body.get("errorCode")) or ""
        summary = text(body.get("errorSummary")) or "no details"
        if status == 429:
            raise IdpResponseError(
                f"Okta's rate limit ({code or 'HTTP 429'}) did not lift within "
                f"{RATE_LIMIT_MAX_WAIT:g} s; wait a minute and try again"
            )
        if code == "E0000004" or status == 401:
            raise AuthenticationError(
                f"Okta refused the login ({summary}); check the username (-u) and password"
            )
        if code == "E0000011":
            raise MfaError("the Okta login expired before it was completed; run the command again")
        raise OktaApiError(
            f"Okta answered HTTP {status} {code} at {redact_url(url)}: {summary}", status, code
        )

    def _rate_limit_delay(self, reset: str | None) -> float:
        """Seconds until ``X-Rate-Limit-Reset`` (epoch seconds), within [1, max];
        1 when the header is missing or not a finite number (``nan``, ``inf``)."""
        try:
            delay = float(reset or "") - self.context.wall_clock()
        except ValueError:
            delay = 1.0
        if not math.isfinite(delay):
            delay = 1.0
        return min(max(delay, 1.0), RATE_LIMIT_MAX_WAIT)
