"""Okta Classic Engine emulator: Authentication API, factor verification, AWS app page.

Routes (all on https://127.0.0.1:PORT):
- `POST /api/v1/authn`: primary authentication (JSON username/password).
- `POST /api/v1/authn/factors/{id}/verify`: factor verification and push polling.
- `POST /api/v1/authn/cancel`: ends a transaction.
- `GET /login/sessionCookieRedirect?token=T&redirectUrl=APP`: session token -> `sid`.
- `GET APP` (`app_path`): the SAMLResponse page with a session (`sid` cookie, or a
  single-use `onetimetoken` / `sessionToken` query parameter), else 302 to the login page.
- `GET /login/default`: the HTML sign-in page (a failed login, not a page to scrape).
- `GET /.well-known/okta-organization`: `"pipeline": "v1"` (404 with `well_known=False`).
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import pyotp

from tests.emulators import okta_hostile
from tests.emulators import okta_json as api
from tests.emulators import okta_pages as pages
from tests.emulators.messages import Request, Response
from tests.emulators.options import DEFAULT_PASSWORD, DEFAULT_USER, check_option
from tests.emulators.saml import DEFAULT_ROLE, build_saml_response
from tests.emulators.server import Count, EmulatorServer
from tests.emulators.tls import TestTls

DEFAULT_APP_PATH = "/home/amazon_aws/0oa1b2c3d4EXAMPLE/272"
DEFAULT_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
VERIFY_PATH = re.compile(r"^/api/v1/authn/factors/([A-Za-z0-9]+)/verify$")
USER_STATUSES = ("LOCKED_OUT", "PASSWORD_EXPIRED", "MFA_ENROLL")
PUSH_OUTCOMES = ("approve", "reject", "timeout", "never")
TRANSACTION_SECONDS = 300


@dataclass
class _Transaction:
    user: str
    expires: float
    push_factor: str | None = None
    push_polls: int = 0


class OktaEmulator(EmulatorServer):
    """An Okta org on https://127.0.0.1:PORT. See the module docstring for the routes.

    Counters: `logins` (SAMLResponse pages served), `authn_calls` (every POST to
    /api/v1/authn, rate-limited ones included), `push_polls` (push verify POSTs after the
    one that sent the push), `verify_calls`, `codes_sent` (sms/call/email challenges),
    `well_known_gets` (engine detection GETs answered, 404s not counted).
    """

    authn_calls = Count()
    push_polls = Count()
    verify_calls = Count()
    codes_sent = Count()
    well_known_gets = Count()

    def __init__(
        self,
        tls: TestTls,
        *,
        users: Mapping[str, str] | None = None,
        roles: Sequence[tuple[str, str]] = (DEFAULT_ROLE,),
        session_duration: int | None = None,
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
        hang: bool = False,
    ) -> None:
        """Raises ValueError on an unknown factor, user status, outcome or option.

        ``hostile`` bends the answers into one of ``okta_hostile.SHAPES``; ``charset``
        is named in every answer's Content-Type (the bodies stay UTF-8).
        ``error_summary`` replaces the errorSummary of a refused login and
        ``factor_profiles`` adds to (or replaces) the profile fields of a factor kind:
        a test may put hostile text in either."""
        check_option("factors", factors, tuple(api.FACTOR_SPECS))
        check_option("user_status", list((user_status or {}).values()), USER_STATUSES)
        check_option("push_outcome", [push_outcome], PUSH_OUTCOMES)
        check_option("factors_key", [factors_key], ("factors", "factor"))
        check_option("app_page", [app_page], ("saml", "login"))
        check_option("hostile", [hostile], (None, *okta_hostile.SHAPES))
        super().__init__(tls, hang=hang)
        self.users = dict(users if users is not None else {DEFAULT_USER: DEFAULT_PASSWORD})
        self.roles = list(roles)
        self.session_duration = session_duration
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
        self._transactions: dict[str, _Transaction] = {}
        self._session_tokens: dict[str, str] = {}
        self._sessions: dict[str, str] = {}

    @property
    def app_url(self) -> str:
        """The app embed link users give as `-e`."""
        return f"{self.url}{self.app_path}"

    def totp_now(self) -> str:
        """The TOTP code currently valid for the totp_okta / totp_google factors."""
        return pyotp.TOTP(self.totp_secret).now()

    def handle(self, request: Request) -> Response:
        response = self._route(request)
        kind = response.content_type.partition(";")[0]
        return replace(response, content_type=f"{kind}; charset={self.charset}")

    def _route(self, request: Request) -> Response:
        route = (request.method, request.path)
        verify = VERIFY_PATH.match(request.path)
        if route == ("POST", "/api/v1/authn"):
            return self._authn(request)
        if request.method == "POST" and verify:
            return self._verify(request, verify.group(1))
        if route == ("POST", "/api/v1/authn/cancel"):
            return Response.json({})
        if route == ("GET", "/login/sessionCookieRedirect") and self.session_cookie_redirect:
            return self._cookie_redirect(request)
        if route == ("GET", self.app_path):
            return self._app(request)
        if route == ("GET", "/login/default"):
            return Response.html(pages.login_page())
        if route == ("GET", "/.well-known/okta-organization") and self.well_known:
            self._bump("well_known_gets")
            links = {"organization": {"href": self.url}}
            return Response.json({"id": "00o1b2c3d4EXAMPLE", "pipeline": "v1", "_links": links})
        return Response.html(pages.not_found_page(request.path), 404)

    def _authn(self, request: Request) -> Response:
        calls = self._bump("authn_calls")
        if calls <= self.rate_limit:
            return api.rate_limited(reset=int(time.time()) + 1)
        if self.hostile == "rate_limit_nan" and calls == 1:
            return okta_hostile.rate_limited_nan()
        body = request.json_object()
        if body is None:
            return api.okta_error(400, "E0000003")
        user, password = body.get("username"), body.get("password")
        status = self.user_status.get(user) if isinstance(user, str) else None
        if status == "LOCKED_OUT":
            return Response.json({"status": "LOCKED_OUT", "_links": api.links(self.url)})
        if not isinstance(user, str) or user not in self.users or self.users[user] != password:
            return api.okta_error(401, "E0000004", summary=self.error_summary)
        if status is None and not self.factors:
            return self._success(user)
        token = f"00{secrets.token_urlsafe(30)}"
        expires = time.time() + TRANSACTION_SECONDS
        with self._lock:
            self._transactions[token] = _Transaction(user, expires)
        listed = [self._factor_json(k, fid, user) for fid, k in self._factor_kinds.items()]
        status = status or "MFA_REQUIRED"
        factors = listed if status in ("MFA_REQUIRED", "MFA_ENROLL") else None
        answer = api.transaction_json(
            self.url,
            token,
            expires,
            status=status,
            user=user,
            factors=factors,
            factors_key=self.factors_key,
        )
        if self.hostile in okta_hostile.TRANSACTION_SHAPES:
            return okta_hostile.transaction(self.hostile, answer)
        return Response.json(answer)

    def _success(self, user: str, state_token: str | None = None) -> Response:
        token = f"20111{secrets.token_urlsafe(24)}"
        with self._lock:
            self._session_tokens[token] = user
            if state_token is not None:
                self._transactions.pop(state_token, None)
        return Response.json(api.success_json(token, user))

    def _verify(self, request: Request, fid: str) -> Response:
        self._bump("verify_calls")
        body = request.json_object()
        if body is None:
            return api.okta_error(400, "E0000003")
        token = body.get("stateToken")
        with self._lock:
            tx = self._transactions.get(token) if isinstance(token, str) else None
        if tx is None or tx.expires < time.time() or not isinstance(token, str):
            return api.okta_error(403, "E0000011")
        kind = self._factor_kinds.get(fid)
        if kind is None:
            return api.okta_error(404, "E0000007")
        code = body.get("passCode")
        if kind in ("push", "push_number"):
            return self._push(tx, token, kind, fid)
        if kind in ("sms", "call", "email") and not code:
            self._bump("codes_sent")
            return self._challenge(tx, token, kind, fid)
        if kind in ("webauthn", "u2f"):
            # Needs a browser/authenticator; the client must report it as unsupported.
            return self._challenge(tx, token, kind, fid)
        if kind in ("totp_okta", "totp_google"):
            totp = pyotp.TOTP(self.totp_secret)
            valid = isinstance(code, str) and totp.verify(code, valid_window=1)
        elif kind == "question":
            valid = body.get("answer") == self.question_answer
        else:
            valid = code == (self.sms_code if kind in ("sms", "call", "email") else self.otp_code)
        if not valid:
            cause = "Your passcode doesn't match our records. Please try again."
            return api.okta_error(403, "E0000068", (cause,))
        return self._success(tx.user, token)

    def _push(self, tx: _Transaction, token: str, kind: str, fid: str) -> Response:
        with self._lock:
            sending = tx.push_factor != fid
            tx.push_factor = fid
            tx.push_polls = 0 if sending else tx.push_polls + 1
            polls = tx.push_polls
        if sending:
            return self._challenge(tx, token, kind, fid, "WAITING")
        self._bump("push_polls")
        if polls < self.push_approve_after or self.push_outcome == "never":
            return self._challenge(tx, token, kind, fid, "WAITING")
        if self.push_outcome == "approve":
            return self._success(tx.user, token)
        with self._lock:
            tx.push_factor = None  # a new verify POST sends a new push
        result = "REJECTED" if self.push_outcome == "reject" else "TIMEOUT"
        return self._challenge(tx, token, kind, fid, result)

    def _challenge(
        self, tx: _Transaction, token: str, kind: str, fid: str, result: str | None = None
    ) -> Response:
        challenge: dict[str, object] | None = None
        if kind == "push_number":
            challenge = {"correctAnswer": self.correct_answer}
        elif kind in ("webauthn", "u2f"):
            challenge = {"challenge": secrets.token_urlsafe(16), "extensions": {}}
        factor = self._factor_json(kind, fid, tx.user, challenge)
        answer = api.challenge_json(
            self.url, token, tx.expires, user=tx.user, factor=factor, result=result
        )
        return Response.json(answer)

    def _factor_json(
        self, kind: str, fid: str, user: str, challenge: dict[str, object] | None = None
    ) -> dict[str, Any]:
        factor = api.factor_json(kind, fid, user, self.url, challenge)
        factor["profile"].update(self.factor_profiles.get(kind, {}))
        return factor

    def _cookie_redirect(self, request: Request) -> Response:
        target = request.arg("redirectUrl") or ""
        if not (target.startswith(f"{self.url}/") or re.match(r"^/(?!/)", target)):
            return Response.html(pages.not_found_page("redirectUrl is not trusted"), 400)
        user = self._take_token(request.arg("token"))
        if user is None:
            return Response.redirect(f"{self.url}/login/default")
        return Response.redirect(target).set_cookie("sid", self._new_session(user))

    def _app(self, request: Request) -> Response:
        token = request.arg("onetimetoken") or request.arg("sessionToken")
        new_sid = None
        if token is not None:
            user = self._take_token(token)
            new_sid = None if user is None else self._new_session(user)
        else:
            with self._lock:
                user = self._sessions.get(request.cookies.get("sid", ""))
        if user is None:
            return Response.redirect(f"{self.url}/login/default")
        if self.app_page == "login":
            response = Response.html(pages.login_page())
        else:
            self._bump("logins")
            saml = build_saml_response(
                self.roles,
                session_name=user,
                session_duration=self.session_duration,
                issuer="http://www.okta.com/exk1b2c3d4EXAMPLE",
                prefixes=("saml2p", "saml2"),
            )
            response = Response.html(pages.app_page(saml))
        return response if new_sid is None else response.set_cookie("sid", new_sid)

    def _take_token(self, token: str | None) -> str | None:
        with self._lock:
            return self._session_tokens.pop(token, None) if token else None

    def _new_session(self, user: str) -> str:
        sid = secrets.token_urlsafe(24)
        with self._lock:
            self._sessions[sid] = user
        return sid
