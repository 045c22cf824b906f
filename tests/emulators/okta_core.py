"""The state of the Okta Classic emulator: options, transactions, sessions, the app link.

`OktaCore` owns the options (documented on `OktaEmulator`) and the session half of
the org: a session token becomes a `sid` session (`/login/sessionCookieRedirect`, or a
`onetimetoken` on the app link), the app link answers the SAMLResponse page under a
live `sid`, and `/api/v1/sessions/me` reports the session. okta.py adds the routes and
the Authentication API.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pyotp

from tests.emulators import okta_hostile
from tests.emulators import okta_json as api
from tests.emulators import okta_pages as pages
from tests.emulators.messages import Request, Response
from tests.emulators.okta_sessions import SESSION_LIFETIME, session_me, with_sid
from tests.emulators.options import check_option
from tests.emulators.sessions import SessionIdp, SessionOptions
from tests.emulators.tls import TestTls

if TYPE_CHECKING:
    from typing_extensions import Unpack

DEFAULT_APP_PATH = "/home/amazon_aws/0oa1b2c3d4EXAMPLE/272"
DEFAULT_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
USER_STATUSES = ("LOCKED_OUT", "PASSWORD_EXPIRED", "MFA_ENROLL")
PUSH_OUTCOMES = ("approve", "reject", "timeout", "never")
TRANSACTION_SECONDS = 300


@dataclass
class Transaction:
    user: str
    expires: float
    push_factor: str | None = None
    push_polls: int = 0


class OktaCore(SessionIdp):
    """Options, transactions, sessions and the app link; `OktaEmulator` documents them."""

    default_session_lifetime = SESSION_LIFETIME

    def __init__(
        self,
        tls: TestTls,
        *,
        app_path: str = DEFAULT_APP_PATH,
        user_status: Mapping[str, str] | None = None,
        rate_limit: int = 0,
        session_cookie_redirect: bool = True,
        factors: Sequence[str] = (),
        factors_key: str = "factors",
        push_approve_after: int = 2,
        push_outcome: str = "approve",
        correct_answer: int | str = 37,
        totp_secret: str = DEFAULT_TOTP_SECRET,
        otp_code: str = "123456",
        sms_code: str = "654321",
        question_answer: str = "blue",
        app_page: str = "saml",
        hostile: str | None = None,
        charset: str = "utf-8",
        error_summary: str | None = None,
        factor_profiles: Mapping[str, Mapping[str, str]] | None = None,
        well_known: bool = True,
        **session: Unpack[SessionOptions],
    ) -> None:
        """Raises ValueError on an unknown factor, user status, outcome or option.

        ``hostile`` bends the answers into one of ``okta_hostile.SHAPES``; ``charset``
        is named in every answer's Content-Type (the bodies stay UTF-8).
        ``error_summary`` replaces the errorSummary of a refused login and
        ``factor_profiles`` adds to (or replaces) the profile fields of a factor kind:
        a test may put hostile text in either. ``session_lifetime``: seconds a `sid`
        session lives (None: until revoked); ``clock`` tells the time for it and for
        transactions."""
        check_option("factors", factors, tuple(api.FACTOR_SPECS))
        check_option("user_status", list((user_status or {}).values()), USER_STATUSES)
        check_option("push_outcome", [push_outcome], PUSH_OUTCOMES)
        check_option("factors_key", [factors_key], ("factors", "factor"))
        check_option("app_page", [app_page], ("saml", "login"))
        check_option("hostile", [hostile], (None, *okta_hostile.SHAPES))
        super().__init__(tls, **session)
        self.app_path = app_path
        self.user_status = dict(user_status or {})
        self.rate_limit = rate_limit
        self.session_cookie_redirect = session_cookie_redirect
        self.factors = list(factors)
        self.factors_key = factors_key
        self.push_approve_after = push_approve_after
        self.push_outcome = push_outcome
        self.correct_answer = correct_answer
        self.totp_secret = totp_secret
        self.otp_code = otp_code
        self.sms_code = sms_code
        self.question_answer = question_answer
        self.app_page = app_page
        self.hostile = hostile
        self.charset = charset
        self.error_summary = error_summary
        self.factor_profiles = {k: dict(v) for k, v in (factor_profiles or {}).items()}
        self.well_known = well_known
        self._factor_kinds = {api.factor_id(k, i): k for i, k in enumerate(self.factors)}
        self._transactions: dict[str, Transaction] = {}
        self._session_tokens: dict[str, str] = {}

    @property
    def app_url(self) -> str:
        """The app embed link users give as `-e`."""
        return f"{self.url}{self.app_path}"

    def totp_now(self) -> str:
        """The TOTP code currently valid for the totp_okta / totp_google factors."""
        return pyotp.TOTP(self.totp_secret).now()

    def _cookie_redirect(self, request: Request) -> Response:
        target = request.arg("redirectUrl") or ""
        if not (target.startswith(f"{self.url}/") or re.match(r"^/(?!/)", target)):
            return Response.html(pages.not_found_page("redirectUrl is not trusted"), 400)
        user = self._take_token(request.arg("token"))
        if user is None:
            return Response.redirect(f"{self.url}/login/default")
        return with_sid(Response.redirect(target), self._sign_in(user, strong=bool(self.factors)))

    def _app(self, request: Request) -> Response:
        """The app link: the SAMLResponse page under a session, else the sign-in page."""
        token = request.arg("onetimetoken") or request.arg("sessionToken")
        fresh = None
        if token is not None:
            user = self._take_token(token)
            session = fresh = None if user is None else self._sign_in(user)
        else:
            session = self._session(request.cookies.get("sid"))
        if session is None:
            return Response.redirect(f"{self.url}/login/default")
        if self.app_page == "login":
            response = Response.html(pages.login_page())
        else:
            self._served(session)
            self._bump("logins")
            saml = self._saml_for(
                session.user,
                issuer="http://www.okta.com/exk1b2c3d4EXAMPLE",
                prefixes=("saml2p", "saml2"),
            )
            response = Response.html(pages.app_page(saml))
        return response if fresh is None else with_sid(response, fresh)

    def _session_me(self, request: Request) -> Response:
        """`GET /api/v1/sessions/me`: the live session of the `sid` cookie, else 404."""
        return session_me(self.url, self._session(request.cookies.get("sid")))

    def _take_token(self, token: str | None) -> str | None:
        with self._lock:
            return self._session_tokens.pop(token, None) if token else None
