"""Okta Classic Engine emulator: Authentication API, factor verification, AWS app page.

Routes (all on https://127.0.0.1:PORT):
- `POST /api/v1/authn`: primary authentication (JSON username/password).
- `POST /api/v1/authn/factors/{id}/verify`: factor verification and push polling.
- `POST /api/v1/authn/cancel`: ends a transaction.
- `GET /login/sessionCookieRedirect?token=T&redirectUrl=APP`: session token -> `sid`.
- `GET APP` (`app_path`): the SAMLResponse page with a session (`sid` cookie, or a
  single-use `onetimetoken` / `sessionToken` query parameter), else 302 to the login page.
  `sid` expires with the session (`session_lifetime`, 2 hours by default) and stops
  working at `revoke_sessions()`.
- `GET /api/v1/sessions/me`: the session of the `sid` cookie (expiresAt), else 404.
- `GET /login/default`: the HTML sign-in page (a failed login, not a page to scrape).
- `GET /.well-known/okta-organization`: `"pipeline": "v1"` (404 with `well_known=False`).
"""

from __future__ import annotations

import re
import secrets
import time
from dataclasses import replace
from typing import Any

import pyotp

from tests.emulators import okta_hostile
from tests.emulators import okta_json as api
from tests.emulators import okta_pages as pages
from tests.emulators.messages import Request, Response
from tests.emulators.okta_core import TRANSACTION_SECONDS, OktaCore, Transaction
from tests.emulators.server import Count

VERIFY_PATH = re.compile(r"^/api/v1/authn/factors/([A-Za-z0-9]+)/verify$")


class OktaEmulator(OktaCore):
    """An Okta org on https://127.0.0.1:PORT. See the module docstring for the routes.

    Counters: `logins` (SAMLResponse pages served), `authn_calls` (every POST to
    /api/v1/authn, rate-limited ones included), `push_polls` (push verify POSTs after the
    one that sent the push), `verify_calls`, `codes_sent` (sms/call/email challenges),
    `well_known_gets` (engine detection GETs answered, 404s not counted), `sign_ins`
    (session tokens redeemed for a `sid`: password and factor accepted) and
    `session_reuses` (SAMLResponse pages answered to a live `sid` after the first).
    """

    authn_calls = Count()
    push_polls = Count()
    verify_calls = Count()
    codes_sent = Count()
    well_known_gets = Count()

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
        if route == ("GET", "/api/v1/sessions/me"):
            return self._session_me(request)
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
            self._transactions[token] = Transaction(user, expires)
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

    def _push(self, tx: Transaction, token: str, kind: str, fid: str) -> Response:
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
        self, tx: Transaction, token: str, kind: str, fid: str, result: str | None = None
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
