"""Okta's device-authorization flow (``--okta-client-id``): the person signs in in a
browser, on any device, with whatever the org's policy demands (FastPass, WebAuthn,
device trust), and we turn that sign-in into the AWS app's SAML assertion.

1. ``/oauth2/v1/device/authorize`` gives a user code and the address to sign in at;
   we show both on the terminal and open the browser (unless ``--no-browser``).
2. ``/oauth2/v1/token`` is polled with the device code until the person approves.
3. The ID and access tokens are exchanged for a Web SSO token for the AWS app, which
   ``/login/token/sso`` turns into the app's SAML form.

It needs an OIDC native app created once by the Okta administrator (docs/okta.md).
The tokens are secrets: never logged, never kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from awsprocesscreds.answers import text
from awsprocesscreds.authenticators.base import LoginContext
from awsprocesscreds.bodies import json_body, text_body
from awsprocesscreds.errors import (
    AccessPolicyError,
    ConfigurationError,
    IdpResponseError,
    MfaError,
)
from awsprocesscreds.forms import Page
from awsprocesscreds.interaction import Flow, Notify, Wait, polls_within
from awsprocesscreds.logs import logger
from awsprocesscreds.urls import redact_url

log = logger(__name__)

SCOPE = "openid okta.apps.sso"
_DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
_EXCHANGE_GRANT = "urn:ietf:params:oauth:grant-type:token-exchange"
_WEB_SSO = "urn:okta:oauth:token-type:web_sso_token"
#: Seconds between polls when Okta names none, the range we accept, and what a
#: ``slow_down`` adds (RFC 8628).
DEFAULT_INTERVAL = 5.0
MIN_INTERVAL, MAX_INTERVAL = 1.0, 60.0
SLOW_DOWN = 5.0


def app_id(endpoint: str) -> str | None:
    """The AWS app's ID in its Okta link (``/home/amazon_aws/APP_ID/272`` or
    ``/app/amazon_aws/APP_ID/sso/saml``)."""
    segments = [segment for segment in urlsplit(endpoint).path.split("/") if segment]
    for index, segment in enumerate(segments[:-1]):
        if segment == "amazon_aws":
            return segments[index + 1]
    return None


def device_sign_in(context: LoginContext, origin: str, client_id: str) -> Flow[str]:
    """Sign in through the browser and return the SAMLResponse. Raises
    ConfigurationError (unknown client, no app ID in -e), MfaError (denied, expired,
    not approved in time), AccessPolicyError (the app's policy refuses the token)."""
    application = app_id(context.endpoint)
    if application is None:
        raise ConfigurationError(
            "--okta-client-id needs -e to be the AWS app's embed link, "
            "https://ORG.okta.com/home/amazon_aws/APP_ID/272"
        )
    session = context.session
    grant = _json(
        session.post(
            f"{origin}/oauth2/v1/device/authorize", data={"client_id": client_id, "scope": SCOPE}
        ),
        "device authorization",
    )
    device_code, user_code = text(grant.get("device_code")), text(grant.get("user_code"))
    address = text(grant.get("verification_uri_complete")) or text(grant.get("verification_uri"))
    if not (device_code and user_code and address):
        raise IdpResponseError("Okta's device authorization answer lacks its code or address")
    yield Notify(
        f"Sign in to Okta in a browser at {address} and check that it shows this code:",
        highlight=user_code,
    )
    opened = context.open_browser is not None and context.open_browser(address)
    log.debug("browser %s", "started" if opened else "not started")
    if not opened:
        yield Notify("Open that address in a browser, on this or any other device.")
    tokens = yield from _wait_for_approval(context, origin, client_id, device_code, grant)
    exchanged = _json(
        session.post(
            f"{origin}/oauth2/v1/token",
            data={
                "client_id": client_id,
                "grant_type": _EXCHANGE_GRANT,
                "actor_token": tokens["access_token"],
                "actor_token_type": "urn:ietf:params:oauth:token-type:access_token",
                "subject_token": tokens["id_token"],
                "subject_token_type": "urn:ietf:params:oauth:token-type:id_token",
                "requested_token_type": _WEB_SSO,
                "audience": f"urn:okta:apps:{application}",
            },
        ),
        "token exchange",
    )
    web_sso = text(exchanged.get("access_token"))
    if not web_sso:
        raise IdpResponseError("Okta's token exchange answered no Web SSO token")
    response = session.post(
        f"{origin}/login/token/sso", data={"token": web_sso}, headers={"Accept": "text/html"}
    )
    page = Page(text_body(response), response.url)
    assertion = (page.input_value("SAMLResponse") or "").strip()
    if response.status_code >= 400 or not assertion:
        raise IdpResponseError(
            f"Okta answered HTTP {response.status_code} at {redact_url(response.url)} without "
            "the AWS app's SAML form; is the native app an allowed Web SSO client of the AWS app?"
        )
    log.debug("Okta returned the SAMLResponse")
    return assertion


def _wait_for_approval(
    context: LoginContext,
    origin: str,
    client_id: str,
    device_code: str,
    grant: Mapping[str, Any],
) -> Flow[dict[str, str]]:
    interval = _seconds(grant.get("interval"), DEFAULT_INTERVAL)
    timeout = context.mfa_timeout
    deadline = context.monotonic() + timeout
    log.debug("waiting for the browser sign-in")
    # Each slow_down adds SLOW_DOWN seconds, so the count of polls that fit shrinks;
    # the bound below is the one of the shortest interval.
    for _ in range(polls_within(timeout, interval)):
        if context.monotonic() >= deadline:
            break
        yield Wait(interval)
        response = context.session.post(
            f"{origin}/oauth2/v1/token",
            data={"client_id": client_id, "device_code": device_code, "grant_type": _DEVICE_GRANT},
        )
        answer = json_body(response)
        access, identity = text(answer.get("access_token")), text(answer.get("id_token"))
        if response.status_code < 400 and access and identity:
            return {"access_token": access, "id_token": identity}
        error = text(answer.get("error")) or f"HTTP {response.status_code}"
        if error == "authorization_pending":
            continue
        if error == "slow_down":
            interval = min(interval + SLOW_DOWN, MAX_INTERVAL)
            continue
        raise _token_error(error, answer)
    raise MfaError(
        f"the browser sign-in was not completed within {timeout:g} s; "
        "run again, or raise --mfa-timeout (for example --mfa-timeout 300)"
    )


def _token_error(error: str, answer: Mapping[str, Any]) -> Exception:
    if error == "access_denied":
        return MfaError("the sign-in was denied in the browser")
    if error == "expired_token":
        return MfaError(
            "the sign-in code expired before the browser sign-in was completed; run again"
        )
    return _oauth_error(error, answer, "token")


def _json(response: Any, step: str) -> Mapping[str, Any]:
    answer = json_body(response)
    if response.status_code >= 400:
        raise _oauth_error(
            text(answer.get("error")) or f"HTTP {response.status_code}", answer, step
        )
    return answer


def _oauth_error(error: str, answer: Mapping[str, Any], step: str) -> Exception:
    description = " ".join((text(answer.get("error_description")) or "").split())[:200]
    if error == "invalid_client":
        return ConfigurationError(
            "Okta does not know the client ID given with --okta-client-id "
            f"({description or error}); check it against the native app's Client ID"
        )
    if error == "invalid_grant" and "assurance" in description.lower():
        return AccessPolicyError(
            "the AWS app's authentication policy in Okta does not accept this browser sign-in "
            f"({description}); the administrator must let the app accept the Okta session "
            "(for example re-authentication after some hours, not at every sign-in)"
        )
    return IdpResponseError(
        f"Okta refused the {step} ({error}" + (f": {description})" if description else ")")
    )


def _seconds(value: object, default: float) -> float:
    if not isinstance(value, int | float) or isinstance(value, bool):
        return default
    return min(max(float(value), MIN_INTERVAL), MAX_INTERVAL)
