"""Okta Identity Engine: the sign-in Okta's own sign-in page makes (the IDX API).

The AWS app link answers, without a session, Okta's sign-in page, whose script holds a
``stateToken``. ``/idp/idx/introspect`` turns it into the first IDX document; from
there each document lists the steps it accepts (``remediation``) and we take the one
that moves the sign-in on: the user name, the password, the choice of a second factor,
its code or its push. At ``success`` its address leads to the AWS app's SAML form.

This needs nothing from the Okta administrator, and it asks for what the AWS app's
own authentication policy demands, which the Classic API cannot satisfy on these orgs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from awsprocesscreds.authenticators import okta_idx_doc as idx
from awsprocesscreds.authenticators.base import LoginContext
from awsprocesscreds.authenticators.okta_idx_doc import DEVICE_FLOW, Choice, Remediation
from awsprocesscreds.authenticators.okta_idx_errors import has_captcha, step_error, wrong_code
from awsprocesscreds.bodies import json_body, text_body
from awsprocesscreds.errors import (
    AuthenticationError,
    IdpResponseError,
    MfaError,
)
from awsprocesscreds.forms import Page
from awsprocesscreds.interaction import (
    MAX_CODE_ATTEMPTS,
    MFA_CODE,
    PASSWORD,
    SENT_CODE,
    Flow,
    Notify,
    Prompt,
    Wait,
    polls_within,
)
from awsprocesscreds.logs import logger
from awsprocesscreds.urls import redact_url, site_of

log = logger(__name__)

_IDX = "application/ion+json; okta-version=1.0.0"
_HEADERS = {"Accept": _IDX, "Content-Type": _IDX}
#: Documents one sign-in may go through, polls of a push not counted.
MAX_STEPS = 30
#: Seconds between push polls when the document names none, and the range we accept.
DEFAULT_REFRESH = 4.0
MIN_REFRESH, MAX_REFRESH = 1.0, 15.0
#: Steps only a browser can take; the line names them and points to the device flow.
_BROWSER_ONLY_STEPS = {
    "select-enroll-profile": "registering a new profile",
    "enroll-profile": "registering a new profile",
    "select-authenticator-enroll": "enrolling a new authenticator",
    "enroll-authenticator": "enrolling a new authenticator",
    "redirect-idp": "signing in through another identity provider",
    "launch-authenticator": "Okta FastPass",
    "device-challenge-poll": "Okta FastPass",
    "challenge-webauthn-autofillui-authenticator": "a security key or biometric",
}
#: Codes sent during the run: never answered from AWSPROCESSCREDS_MFA_CODE.
_SENT_TYPES = frozenset({"phone", "email"})
#: Authenticator types whose challenge only a browser can answer.
_BROWSER_ONLY_TYPES = {
    "security_key": "a security key or biometric",
    "signed_nonce": "Okta FastPass",
}


class IdxSignIn:
    """One Identity Engine sign-in, from the AWS app link to its SAML form."""

    def __init__(self, context: LoginContext) -> None:
        self.context = context
        self.session = context.session
        self.password_sent = False
        self.chosen: Choice | None = None

    def run(self) -> Flow[str]:
        """Sign in and return the SAMLResponse. Raises AuthenticationError (refused
        password, locked account), MfaError, IdpResponseError."""
        page = self._page(self.session.get(self.context.endpoint))
        assertion = (page.input_value("SAMLResponse") or "").strip()
        if assertion:
            return assertion  # a session already signed in
        token = idx.state_token(page.scripts)
        if token is None:
            raise IdpResponseError(
                f"Okta's sign-in page at {redact_url(page.url)} holds no stateToken; -e must "
                "be the AWS app's embed link, e.g. https://ORG.okta.com/home/amazon_aws/0oa.../272"
            )
        origin = site_of(page.url)
        document = self._post(f"{origin}/idp/idx/introspect", {"stateToken": token}, "")
        for _ in range(MAX_STEPS):
            href = idx.success_href(document)
            if href is not None:
                return self._assertion(href)
            document = yield from self._step(document)
        raise IdpResponseError(f"Okta's sign-in took more than {MAX_STEPS} steps without finishing")

    def _step(self, document: Mapping[str, Any]) -> Flow[Mapping[str, Any]]:
        offered = {step.name: step for step in idx.remediations(document)}
        handle = idx.state_handle(document) or ""
        log.debug("Okta offers: %s", ", ".join(offered) or "nothing")
        if has_captcha(document):
            raise MfaError(
                "Okta asks for a CAPTCHA (captcha), which cannot be done from a terminal; "
                + DEVICE_FLOW
            )
        # A lone authenticator is challenged without a choice: its poll is ours too.
        if "challenge-poll" in offered and (self.chosen is None or self._chose("push")):
            return (yield from self._poll(offered["challenge-poll"], document, handle))
        if "challenge-authenticator" in offered:
            step = offered["challenge-authenticator"]
            if idx.current_type(document) == "password":
                return (yield from self._password(step, handle))
            return (yield from self._code(step, document, handle))
        if "identify" in offered:
            return (yield from self._identify(offered["identify"], handle))
        if "select-authenticator-authenticate" in offered:
            step = offered["select-authenticator-authenticate"]
            return (yield from self._select(step, document, handle))
        if "reenroll-authenticator" in offered:
            raise AuthenticationError(
                "Okta says your password has expired; change it in the Okta web sign-in, "
                "then try again"
            )
        blocked = next((name for name in offered if name in _BROWSER_ONLY_STEPS), None)
        if blocked is not None:
            raise MfaError(
                f"Okta asks for {_BROWSER_ONLY_STEPS[blocked]} ({blocked}), which cannot be "
                f"done from a terminal; {DEVICE_FLOW}"
            )
        raise IdpResponseError(
            "Okta's sign-in offered no step this tool can take ("
            + (", ".join(offered) or "none")
            + f"); {DEVICE_FLOW}"
        )

    def _identify(self, step: Remediation, handle: str) -> Flow[Mapping[str, Any]]:
        body: dict[str, Any] = {"identifier": self.context.username, "stateHandle": handle}
        if step.asks_password():
            password = yield Prompt(f"Okta password for {self.context.username}: ", kind=PASSWORD)
            body["credentials"] = {"passcode": str(password)}
            self.password_sent = True
        return self._post(step.href, body, "password" if step.asks_password() else "")

    def _password(self, step: Remediation, handle: str) -> Flow[Mapping[str, Any]]:
        if self.password_sent:
            raise AuthenticationError(
                "Okta asked for the password again; check -u and the password"
            )
        password = yield Prompt(f"Okta password for {self.context.username}: ", kind=PASSWORD)
        self.password_sent = True
        body = {"credentials": {"passcode": str(password)}, "stateHandle": handle}
        return self._post(step.href, body, "password")

    def _select(
        self, step: Remediation, document: Mapping[str, Any], handle: str
    ) -> Flow[Mapping[str, Any]]:
        if self.chosen is not None:
            raise MfaError(
                f"Okta did not accept the {self.chosen.label} factor and asks for another; "
                "choose one with --mfa-factor"
            )
        choice = yield from idx.choose_factor(idx.choices(document, step), self.context.mfa_factor)
        self.chosen = choice
        log.debug("second factor: %s (%s)", choice.label, choice.method_type)
        body = {"authenticator": dict(choice.selection), "stateHandle": handle}
        return self._post(step.href, body, "")

    def _code(
        self, step: Remediation, document: Mapping[str, Any], handle: str
    ) -> Flow[Mapping[str, Any]]:
        kind = idx.current_type(document)
        if kind in _BROWSER_ONLY_TYPES:
            raise MfaError(
                f"Okta asks for {_BROWSER_ONLY_TYPES[kind]}, which cannot be done from a "
                f"terminal; {DEVICE_FLOW}"
            )
        name = idx.current_name(document)
        for attempt in range(1, MAX_CODE_ATTEMPTS + 1):
            code = yield Prompt(
                f"{name} code: ",
                kind=SENT_CODE if kind in _SENT_TYPES else MFA_CODE,
                secret=False,
                attempt=attempt,
            )
            body = {"credentials": {"passcode": str(code).strip()}, "stateHandle": handle}
            status, answer = self._send(step.href, body)
            if status < 400:
                return answer
            if not wrong_code(answer):
                raise step_error(status, answer, "code")
            if attempt < MAX_CODE_ATTEMPTS:
                yield Notify("That code was not accepted; try again.")
            handle = idx.state_handle(answer) or handle
        raise MfaError(f"Okta refused the one-time code {MAX_CODE_ATTEMPTS} times; run again")

    def _poll(
        self, step: Remediation, document: Mapping[str, Any], handle: str
    ) -> Flow[Mapping[str, Any]]:
        timeout = self.context.mfa_timeout
        refresh = min(max(step.refresh or DEFAULT_REFRESH, MIN_REFRESH), MAX_REFRESH)
        deadline = self.context.monotonic() + timeout
        shown = False
        yield Notify("Approve the Okta Verify push on your phone.")
        for _ in range(polls_within(timeout, refresh)):
            number = idx.number_challenge(document)
            if number is not None and not shown:
                yield Notify("On your phone, tap this number:", highlight=number)
                shown = True
            if self.context.monotonic() >= deadline:
                break
            yield Wait(refresh)
            document = self._post(step.href, {"stateHandle": handle}, "push")
            if "challenge-poll" not in {s.name for s in idx.remediations(document)}:
                return document
            handle = idx.state_handle(document) or handle
        raise MfaError(
            f"the Okta Verify push was not approved within {timeout:g} s; "
            "try again, or raise --mfa-timeout"
        )

    def _chose(self, factor: str) -> bool:
        return self.chosen is not None and self.chosen.factor == factor

    def _post(self, url: str, body: Mapping[str, Any], sending: str) -> Mapping[str, Any]:
        """POST an IDX step; the next document. ``sending`` (``password``, ``code``,
        ``push`` or "") says what an error answer refuses."""
        status, document = self._send(url, body)
        if status >= 400:
            raise step_error(status, document, sending)
        return document

    def _send(self, url: str, body: Mapping[str, Any]) -> tuple[int, Mapping[str, Any]]:
        response = self.session.post(url, json=dict(body), headers=_HEADERS)
        if response.status_code == 429:
            raise IdpResponseError(
                "Okta's rate limit stopped the sign-in; wait a minute and run again"
            )
        return response.status_code, json_body(response)

    def _assertion(self, href: str) -> str:
        page = self._page(self.session.get(href))
        assertion = (page.input_value("SAMLResponse") or "").strip()
        if not assertion:
            raise IdpResponseError(
                f"Okta's sign-in succeeded but {redact_url(page.url)} holds no SAMLResponse"
            )
        log.debug("Okta returned the SAMLResponse")
        return assertion

    @staticmethod
    def _page(response: Any) -> Page:
        if response.status_code >= 400:
            raise IdpResponseError(
                f"Okta answered HTTP {response.status_code} at {redact_url(response.url)}"
            )
        return Page(text_body(response), response.url)
