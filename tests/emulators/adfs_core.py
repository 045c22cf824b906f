"""The state of the AD FS emulator: options, MFA contexts, SSO sessions and final forms.

`AdfsCore` owns the options (documented on `AdfsEmulator`), renders the login and MFA
pages, and completes a sign-in: the SSO session's cookies and the final form (SAML for
AWS, or a WS-Fed token for Entra ID). adfs.py adds the routes and the sign-in steps.
"""

from __future__ import annotations

import base64
import secrets
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from tests.emulators import adfs_pages as pages
from tests.emulators.messages import Response
from tests.emulators.options import check_option
from tests.emulators.server import Count
from tests.emulators.sessions import IdpSession, SessionIdp, SessionOptions
from tests.emulators.tls import TestTls

if TYPE_CHECKING:
    from typing_extensions import Unpack

ENTRY_PATH = "/adfs/ls/IdpInitiatedSignOn.aspx"
LOGIN_PATH = "/adfs/ls/"
RELYING_PARTY = "urn:amazon:webservices"
COOKIE = "MSISSamlRequest"
AUTH_COOKIE = "MSISAuth"  # the SSO session; MSISAuthenticated holds the sign-in time
SSO_LIFETIME = 8 * 3600.0  # AD FS WebSsoLifetime: 480 minutes
KMSI_LIFETIME = 24 * 3600.0  # AD FS KmsiLifetimeMins: 1440
VARIANTS = ("modern", "adfs2")
FINAL_PAGES = ("saml", "empty_saml", "unknown")
MFA_OUTCOMES = ("approve", "deny", "never")
POLLED_KINDS = ("azure", "azure_number")
WSFED_REALM = "urn:federation:MicrosoftOnline"


@dataclass
class MfaState:
    user: str
    kind: str
    cookie: str
    polls: int = 0


class AdfsCore(SessionIdp):
    """Options, state, pages and the end of a sign-in; `AdfsEmulator` documents them."""

    default_session_lifetime = SSO_LIFETIME

    password_posts = Count()
    mfa_polls = Count()
    otp_attempts = Count()
    gets = Count()
    wsfed_signins = Count()

    def __init__(
        self,
        tls: TestTls,
        *,
        pair_order: str = "role,provider",
        variant: str = "modern",
        kerberos_sso: bool = False,
        final_page: str = "saml",
        locked_users: frozenset[str] | set[str] = frozenset(),
        mfa: str | None = None,
        mfa_approve_after: int = 2,
        mfa_outcome: str = "approve",
        entropy_number: int | str = 42,
        otp_code: str = "123456",
        error_text: str = pages.INCORRECT,
        instructions: str | None = None,
        wsfed_reply: str | None = None,
        kmsi: bool = False,
        **session: Unpack[SessionOptions],
    ) -> None:
        """Raises ValueError on an unknown variant, final_page, mfa or mfa_outcome.

        `error_text` is the errorText shown for a refused password and `instructions`
        replaces the Azure MFA instructions: a test may put hostile text in either.
        `wsfed_reply` is where WS-Fed sign-ins post their token (None: WS-Fed refused).
        `kmsi`: the person ticks "Keep me signed in" (a persistent `MSISAuth`).
        `session_lifetime`: seconds an SSO session lives (None: until revoked); `clock`
        tells the time for it. Raises ValueError if it is not positive."""
        check_option("variant", [variant], VARIANTS)
        check_option("final_page", [final_page], FINAL_PAGES)
        check_option("mfa", [mfa], (None, *pages.MFA_METHODS))
        check_option("mfa_outcome", [mfa_outcome], MFA_OUTCOMES)
        super().__init__(tls, **session)
        self.kmsi = kmsi
        self.pair_order = pair_order
        self.variant = variant
        self.kerberos_sso = kerberos_sso
        self.final_page = final_page
        self.locked_users = frozenset(locked_users)
        self.mfa = mfa
        self.mfa_approve_after = mfa_approve_after
        self.mfa_outcome = mfa_outcome
        self.entropy_number = entropy_number
        self.otp_code = otp_code
        self.error_text = error_text
        self.instructions = instructions
        self._cookies: set[str] = set()
        self._request_ids: set[str] = set()
        self._contexts: dict[str, MfaState] = {}
        self.wsfed_reply = wsfed_reply
        self._wsfed_wctx: dict[str, str] = {}  # sign-in cookie -> wctx
        self._wsfed_tokens: dict[str, str] = {}  # token -> user, until redeemed

    @property
    def entry_url(self) -> str:
        """The URL users give: IdpInitiatedSignOn.aspx?loginToRp=urn:amazon:webservices."""
        return f"{self.url}{ENTRY_PATH}?{urlencode({'loginToRp': RELYING_PARTY})}"

    def redeem_wsfed_token(self, token: str) -> str | None:
        """The user a WS-Fed token was issued for, once; None if unknown or redeemed."""
        with self._lock:
            return self._wsfed_tokens.pop(token, None)

    def _login_page(self, action: str, error: str | None = None, username: str = "") -> str:
        render = pages.login_page if self.variant == "modern" else pages.adfs2_login_page
        return render(action, error, username)

    def _mfa_page(self, kind: str, action: str, context: str, error: str | None = None) -> str:
        entropy = self.entropy_number if kind == "azure_number" else None
        return pages.mfa_page(
            kind, action, context, entropy=entropy, error=error, instructions=self.instructions
        )

    def _signed_in(self, user: str, cookie: str) -> Response:
        """The final form of a full sign-in, with the SSO session's cookies."""
        session = self._sign_in(user)
        expires = None
        if self.kmsi:
            expires = session.expires_at or session.issued_at + KMSI_LIFETIME
        when = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(session.issued_at))
        stamp = base64.b64encode(when.encode()).decode()
        return (
            self._final(user, cookie, session)
            .set_cookie(AUTH_COOKIE, session.value, "/adfs", expires=expires)
            .set_cookie("MSISAuthenticated", stamp, "/adfs")
        )

    def _final(self, user: str, cookie: str = "", session: IdpSession | None = None) -> Response:
        """The final form (SAML, or WS-Fed for a WS-Fed sign-in) for `user`, served under
        `session` when one stands behind it."""
        if session is not None:
            self._served(session)
        with self._lock:
            wctx = self._wsfed_wctx.pop(cookie, None)
        if wctx is not None and self.wsfed_reply is not None:
            self._bump("wsfed_signins")
            token = secrets.token_urlsafe(24)
            with self._lock:
                self._wsfed_tokens[token] = user
            wresult = pages.wsfed_result(token, user)
            return Response.html(pages.wsfed_form(self.wsfed_reply, wresult, wctx))
        self._bump("logins")
        if self.final_page == "unknown":
            return Response.html(pages.signed_in_page())
        saml = ""
        if self.final_page == "saml":
            saml = self._saml_for(
                user,
                pair_order=self.pair_order,
            )
        return Response.html(pages.final_page(saml))
