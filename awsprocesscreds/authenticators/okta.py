"""Okta: which flow signs in, and the Classic Engine's (the Authentication API).

``-e`` is the AWS app's embed link (``https://ORG.okta.com/home/amazon_aws/ID/272``);
the APIs live on the same host. Each login asks the org which engine it runs
(``/.well-known/okta-organization``): Identity Engine orgs sign in as Okta's own
sign-in page does (``okta_idx``), or with ``--okta-client-id`` in a browser
(``okta_device``); Classic orgs, and orgs that do not say, use the Classic flow here.

Classic: primary authentication yields a session token (after a second factor when the
org asks for one), which is single use: it is exchanged for a session cookie through
``/login/sessionCookieRedirect``, which lands on the app page holding the SAMLResponse.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from awsprocesscreds.answers import dig, text
from awsprocesscreds.authenticators import okta_mfa
from awsprocesscreds.authenticators.base import Authenticator
from awsprocesscreds.authenticators.okta_api import OktaApi
from awsprocesscreds.authenticators.okta_device import device_sign_in
from awsprocesscreds.authenticators.okta_idx import IdxSignIn
from awsprocesscreds.bodies import json_body, text_body
from awsprocesscreds.errors import (
    AccountLocked,
    AuthenticationError,
    ConfigurationError,
    IdpResponseError,
    MfaError,
)
from awsprocesscreds.forms import Page
from awsprocesscreds.interaction import PASSWORD, Flow, Prompt
from awsprocesscreds.logs import logger
from awsprocesscreds.request import CredentialRequest
from awsprocesscreds.urls import redact_url, require_https, site_of

log = logger(__name__)

#: Statuses of /login/sessionCookieRedirect meaning "not offered here": the token was
#: not consumed, so the older ``?onetimetoken=`` path may still use it.
_REDIRECT_UNAVAILABLE = (400, 404, 405, 501)


class OktaAuthenticator(Authenticator):
    """Okta, Classic or Identity Engine, the AWS app's SAML form at the end."""

    description = (
        "Okta Classic and Identity Engine with push, TOTP, SMS, call, email; "
        "browser sign-in with --okta-client-id"
    )
    mfa_factors = frozenset(okta_mfa.FACTOR_KINDS.values())
    options = frozenset({"okta_client_id", "no_browser"})

    @classmethod
    def check_request(cls, request: CredentialRequest) -> None:
        super().check_request(request)
        if request.no_browser and not request.okta_client_id:
            raise ConfigurationError(
                "--no-browser goes with --okta-client-id: without it no browser is opened"
            )

    def authenticate(self) -> Flow[str]:
        context = self.context
        require_https(context.endpoint)
        origin = site_of(context.endpoint)
        if context.okta_client_id:
            log.debug("Okta: device authorization flow (sign-in in a browser)")
            return (yield from device_sign_in(context, origin, context.okta_client_id))
        pipeline = self._pipeline(origin)
        if pipeline == "idx":
            log.debug("Okta Identity Engine flow")
            return (yield from IdxSignIn(context).run())
        log.debug("Okta Classic Engine flow")
        return (yield from self._classic(origin))

    def _pipeline(self, origin: str) -> str | None:
        """``v1`` (Classic) or ``idx`` (Identity Engine), as the org says; None when
        its answer cannot be read (the Classic flow then runs)."""
        response = self.context.session.get(f"{origin}/.well-known/okta-organization")
        try:
            pipeline = text(json_body(response).get("pipeline")) if response.ok else None
        except IdpResponseError:
            pipeline = None
        if pipeline is None:
            log.debug(
                "cannot read the org's engine (HTTP %s); using the Classic flow",
                response.status_code,
            )
        return pipeline

    def _classic(self, origin: str) -> Flow[str]:
        context = self.context
        api = OktaApi(context)
        password = yield Prompt(f"Okta password for {context.username}: ", kind=PASSWORD)
        body = yield from api.post(
            f"{origin}/api/v1/authn", {"username": context.username, "password": str(password)}
        )
        token = yield from self._session_token(api, body)
        return self._assertion(origin, token)

    def _session_token(self, api: OktaApi, body: Mapping[str, Any]) -> Flow[str]:
        status = text(body.get("status"))
        log.debug("Okta primary authentication: %s", status)
        if status == "PASSWORD_WARN":
            skip = text(dig(body, "_links", "skip", "href"))
            if skip is not None:
                body = yield from api.post(skip, {"stateToken": text(body.get("stateToken"))})
                status = text(body.get("status"))
        if status == "SUCCESS":
            token = text(body.get("sessionToken"))
            if token:
                return token
            raise IdpResponseError("Okta reported SUCCESS without a session token")
        if status == "MFA_REQUIRED":
            state_token = text(body.get("stateToken"))
            if not state_token:
                raise IdpResponseError("Okta asked for a second factor without a state token")
            enrolled = okta_mfa.read_factors(body)
            if not enrolled:
                raise IdpResponseError(
                    "Okta asked for a second factor but its answer lists no factor that "
                    "can be verified (no factor with a type and a verify link)"
                )
            factors = okta_mfa.candidates(enrolled, self.context.mfa_factor)
            factor = yield from okta_mfa.choose(factors)
            return (yield from okta_mfa.verify(api, factor, state_token, self.context.mfa_timeout))
        if status == "LOCKED_OUT":
            raise AccountLocked(
                "Okta says the account is locked out; unlock it (or ask your administrator), "
                "then try again"
            )
        if status == "PASSWORD_EXPIRED":
            raise AuthenticationError(
                "Okta says your password has expired; change it in the Okta web sign-in, "
                "then try again"
            )
        if status == "MFA_ENROLL":
            raise MfaError(
                "Okta requires you to enroll a second factor first; do that in the Okta web "
                "sign-in, then try again"
            )
        raise IdpResponseError(
            f"Okta answered the unsupported login status {status!r}"
            if status
            else "Okta answered without a login status; is -e an Okta app link?"
        )

    def _assertion(self, origin: str, token: str) -> str:
        session = self.context.session
        endpoint = self.context.endpoint
        response = session.get(
            f"{origin}/login/sessionCookieRedirect",
            params={"checkAccountSetupComplete": "true", "token": token, "redirectUrl": endpoint},
        )
        if response.status_code in _REDIRECT_UNAVAILABLE:
            log.debug("sessionCookieRedirect unavailable; using the app link's onetimetoken")
            # ``params`` appends properly even when the link already has a query.
            response = session.get(endpoint, params={"onetimetoken": token})
        if response.status_code >= 400:
            raise IdpResponseError(
                f"Okta answered HTTP {response.status_code} at {redact_url(response.url)} "
                "instead of the AWS app's SAML form; check the app link (-e)"
            )
        page = Page(text_body(response), response.url)
        assertion = (page.input_value("SAMLResponse") or "").strip()
        if assertion:
            log.debug("Okta returned the SAMLResponse")
            return assertion
        if (
            any(form.field_of_type("password") for form in page.forms)
            or "/login" in urlsplit(response.url).path
        ):
            raise AuthenticationError(
                "Okta answered its sign-in page instead of the SAML assertion: the session "
                "was not accepted; check that -e is the AWS app's embed link"
            )
        raise IdpResponseError(
            f"the page at {redact_url(response.url)} holds no SAMLResponse; -e must be the "
            "AWS app's embed link, e.g. https://ORG.okta.com/home/amazon_aws/0oa.../272"
        )
