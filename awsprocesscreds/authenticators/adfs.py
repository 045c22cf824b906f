"""AD FS: the forms sign-in of AD FS 2.0 to 2022, with Azure MFA and one-time codes.

One HTTP session carries the cookies AD FS sets on the first GET through the whole
login. Each answer is classified (``adfs_pages``) and the flow reacts: a login form
gets the username and password, a one-time-code page gets a code, an Azure MFA page
is re-posted until the person approves, and the SAMLResponse page ends the login.

``AdfsSignIn`` is that walk on its own, from any AD FS page: Entra ID sends the users
of federated domains to their AD FS, which ends its part with a WS-Federation form
posting back to Entra instead of a SAMLResponse.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from awsprocesscreds.authenticators.adfs_pages import (
    AdfsPage,
    CodePage,
    LoginPage,
    OtherMfaPage,
    WaitPage,
    classify,
)
from awsprocesscreds.authenticators.base import Authenticator, LoginContext
from awsprocesscreds.bodies import text_body
from awsprocesscreds.errors import AuthenticationError, IdpResponseError, MfaError
from awsprocesscreds.forms import AutoPostPage, Form, Page, SamlPage, UnknownPage
from awsprocesscreds.interaction import MFA_CODE, PASSWORD, Flow, Notify, Prompt, Wait, polls_within
from awsprocesscreds.urls import redact_url, require_https

if TYPE_CHECKING:
    import requests

log = logging.getLogger(__name__)

#: Seconds between re-posts while Azure MFA waits for the person's approval.
POLL_INTERVAL = 3.0
MAX_CODE_ATTEMPTS = 3
#: Pages one login may go through, not counting Azure MFA's re-posts while it waits
#: for the person: those are bounded by --mfa-timeout alone (``polls_within``).
MAX_PAGES = 50


#: What an unknown page at the IdP-initiated entry point suggests checking.
ENTRY_HINT = (
    "check the endpoint URL (-e), which should end in "
    "IdpInitiatedSignOn.aspx?loginToRp=urn:amazon:webservices"
)


class AdfsAuthenticator(Authenticator):
    """Microsoft AD FS forms-based sign-in (IdP-initiated entry URL)."""

    description = "Microsoft AD FS forms sign-in, Azure MFA and one-time-code adapters"
    # No --mfa-factor: the AD FS adapter (Azure MFA, RSA...) picks the method, and its
    # pages offer no choice a client could make.

    def authenticate(self) -> Flow[str]:
        require_https(self.context.endpoint)
        sign_in = AdfsSignIn(self.context, ENTRY_HINT)
        end, page = yield from sign_in.run(sign_in.fetch("GET", self.context.endpoint, None))
        if isinstance(end, AutoPostPage):
            raise _unknown(UnknownPage(page.title()), page, True, ENTRY_HINT)
        if not end.assertion:
            raise AuthenticationError(
                "AD FS answered without a SAMLResponse: the login did not succeed"
            )
        log.debug("AD FS returned the SAMLResponse")
        return end.assertion


class AdfsSignIn:
    """One walk through AD FS's pages, from whichever page it served first, until it
    hands back a SAMLResponse or a form posting back to the service that sent us."""

    def __init__(self, context: LoginContext, hint: str) -> None:
        """``hint`` ends the error for a page that is not understood: what to check."""
        self.context = context
        self.hint = hint

    def run(self, page: Page) -> Flow[tuple[SamlPage | AutoPostPage, Page]]:
        """Sign in from ``page``; return the final page and what it is. Raises
        AuthenticationError, MfaError or IdpResponseError as the login fails."""
        context = self.context
        password_posted = False
        code_attempts = 0
        deadline: float | None = None
        seen = _PageCount(context.mfa_timeout)
        while True:  # bounded by _PageCount
            state = seen.count(classify(page))
            if isinstance(state, SamlPage | AutoPostPage):
                return state, page
            if isinstance(state, LoginPage):
                if password_posted and (code_attempts or deadline is not None):
                    # AD FS answers a refused second factor with its login page.
                    raise MfaError(
                        "the second factor did not approve the login: "
                        + (state.error or "AD FS asked for the password again")
                    )
                if password_posted:
                    raise AuthenticationError(
                        f"AD FS refused the login: {state.error}"
                        if state.error
                        else "AD FS refused the login (incorrect username or password?); "
                        "check the username (-u) and the password"
                    )
                log.debug("login form %s picked", state.form.id or state.form.name or "(unnamed)")
                password = yield Prompt(f"Password for {context.username}: ", kind=PASSWORD)
                values = {state.password_field: str(password)}
                if state.username_field:
                    values[state.username_field] = context.username
                page = self.submit(state.form, state.form.submission(values))
                password_posted = True
            elif isinstance(state, CodePage):
                if code_attempts >= MAX_CODE_ATTEMPTS:
                    raise MfaError(
                        f"the one-time code was refused {code_attempts} times"
                        + (f" ({state.error})" if state.error else "")
                    )
                if code_attempts and state.error:
                    yield Notify(state.error)
                code_attempts += 1
                log.debug("one-time code asked by %s", state.auth_method or "AD FS")
                code = yield Prompt(
                    "Verification code: ", kind=MFA_CODE, secret=False, attempt=code_attempts
                )
                page = self.submit(
                    state.form, state.form.submission({state.code_field: str(code).strip()})
                )
            elif isinstance(state, WaitPage):
                if state.error:
                    raise MfaError(f"{state.auth_method} did not approve the login: {state.error}")
                now = context.monotonic()
                if deadline is None:
                    deadline = now + context.mfa_timeout
                    log.debug("%s is waiting for approval", state.auth_method)
                    yield Notify(
                        state.instructions or "Approve the sign-in request on your phone.",
                        highlight=state.number,
                    )
                elif now >= deadline:
                    raise _mfa_timeout(state, context.mfa_timeout)
                yield Wait(POLL_INTERVAL)
                page = self.submit(state.form, _wait_fields(state))
            elif isinstance(state, OtherMfaPage):
                raise MfaError(
                    f"AD FS asks for a second factor through the {state.auth_method!r} "
                    "adapter, which is not supported; supported: AzureMfaAuthentication, "
                    "AzureMfaServerAuthentication and one-time-code adapters"
                )
            else:
                raise _unknown(state, page, password_posted, self.hint)

    def submit(self, form: Form, values: Mapping[str, str]) -> Page:
        """Send ``form`` with ``values`` as a browser would."""
        if form.method == "GET":
            return self.fetch("GET", form.action, None, params=values)
        return self.fetch("POST", form.action, values)

    def fetch(
        self,
        method: str,
        url: str,
        data: Mapping[str, str] | None,
        params: Mapping[str, str] | None = None,
    ) -> Page:
        """The page at ``url``. Raises IdpResponseError for an HTTP error status."""
        response: requests.Response = self.context.session.request(
            method, url, data=data, params=params
        )
        if response.status_code >= 400:
            page = Page(text_body(response), response.url)
            detail = page.text_by_id("errorText") or page.title() or "no details"
            raise IdpResponseError(
                f"AD FS answered HTTP {response.status_code} at {redact_url(response.url)}: "
                f"{detail}"
            )
        return Page(text_body(response), response.url)


@dataclass
class _PageCount:
    """The loop guard of one login: pages that do not wait for the person count
    against MAX_PAGES, Azure MFA's re-posts against what fits in --mfa-timeout."""

    mfa_timeout: float
    pages: int = 0
    polls: int = 0

    def count(self, state: AdfsPage) -> AdfsPage:
        """Count and return ``state``; raise IdpResponseError or MfaError past the
        bounds."""
        if isinstance(state, WaitPage):
            self.polls += 1
            if self.polls > polls_within(self.mfa_timeout, POLL_INTERVAL):
                raise _mfa_timeout(state, self.mfa_timeout)
            return state
        self.pages += 1
        if self.pages > MAX_PAGES:
            raise IdpResponseError(f"AD FS sent more than {MAX_PAGES} pages without finishing")
        return state


def _mfa_timeout(state: WaitPage, timeout: float) -> MfaError:
    return MfaError(
        f"the {state.auth_method} approval did not arrive within {timeout:g} s; "
        "try again, or raise --mfa-timeout"
    )


def _wait_fields(state: WaitPage) -> dict[str, str]:
    # Azure MFA polls by re-posting only the adapter name and its opaque Context.
    fields = {"AuthMethod": state.auth_method}
    if state.context is not None:
        fields["Context"] = state.context
    return fields


def _unknown(state: UnknownPage, page: Page, password_posted: bool, hint: str) -> Exception:
    if state.error and password_posted:
        return AuthenticationError(f"AD FS refused the login: {state.error}")
    title = f" titled {state.title!r}" if state.title else ""
    return IdpResponseError(
        f"the AD FS page at {redact_url(page.url)}{title} was not understood: expected a "
        f"login form with a password field, a second-factor page or a SAMLResponse; {hint}"
    )
