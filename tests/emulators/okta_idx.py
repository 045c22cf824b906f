"""Okta Identity Engine (OIE) emulator: the IDX flow and the device-authorization flow.

Routes (all on https://127.0.0.1:PORT):
- `GET /.well-known/okta-organization`: `"pipeline": "idx"`.
- `GET APP` (`app_path`, `/home/amazon_aws/<APP_ID>/272`): 302 to
  `/app/amazon_aws/<APP_ID>/sso/saml`, which serves the SAMLResponse form with a session
  (`sid` cookie) strong enough for the app, else the sign-in page whose `oktaData`
  script holds a fresh, JavaScript-escaped `stateToken`. A `sessionToken` /
  `onetimetoken` query (Classic) gives a password-only session first.
- `POST /idp/idx/{introspect,identify,challenge,challenge/answer,challenge/poll,cancel}`:
  the IDX state machine (`okta_idx_flow.py`).
- `GET /login/token/redirect?stateToken=`: after IDX success, sets `sid` and 302s to
  the app's SAML form. A `sid` lives `session_lifetime` seconds (its cookie `Expires`;
  2 hours by default) or until `revoke_sessions()`; `GET /api/v1/sessions/me` reports
  it. One that passed the app's policy keeps satisfying it.
- `POST /api/v1/authn`, `GET /login/sessionCookieRedirect`: Classic primary
  authentication, which OIE still answers; its session satisfies the app only when the
  user has no `authenticators` (else the app link answers the sign-in page again).
- Device flow (`okta_idx_device.py`): `/oauth2/v1/device/authorize`, `/oauth2/v1/token`,
  `POST /login/token/sso`, `GET /activate`, test-only `/test/device/{approve,deny}`.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from tests.emulators import okta_json as classic
from tests.emulators import okta_pages
from tests.emulators.messages import Request, Response
from tests.emulators.okta_idx_device import DEVICE_OUTCOMES, DeviceFlow, DeviceSettings
from tests.emulators.okta_idx_flow import PUSH_OUTCOMES, UNPERFORMABLE, IdxFlow, IdxSettings
from tests.emulators.okta_idx_json import AUTHENTICATORS
from tests.emulators.okta_idx_pages import activate_page, message_page, sign_in_page
from tests.emulators.okta_sessions import SESSION_LIFETIME, session_me, with_sid
from tests.emulators.options import DEFAULT_USER, check_option
from tests.emulators.server import Count
from tests.emulators.sessions import IdpSession, SessionIdp, SessionOptions
from tests.emulators.tls import TestTls

if TYPE_CHECKING:
    from typing_extensions import Unpack

APP_PATH = re.compile(r"^/home/[a-z0-9_]+/([A-Za-z0-9]+)(?:/\d+)?$")
IDX_PATH = re.compile(
    r"^/idp/idx/(introspect|identify|challenge|challenge/answer|"
    r"challenge/poll|cancel)$"
)
ISSUER = "http://www.okta.com/exk1b2c3d4EXAMPLE"
#: The same as OktaEmulator's, without importing it (and pyotp).
DEFAULT_APP_PATH = "/home/amazon_aws/0oa1b2c3d4EXAMPLE/272"


class OktaIdxEmulator(SessionIdp):
    """An Okta Identity Engine org on https://127.0.0.1:PORT (routes: module docstring).

    Counters: `logins` (SAMLResponse pages served), `introspects`, `identifies`,
    `password_answers` (passwords checked, in identify or challenge-authenticator),
    `code_answers`, `challenges` (select-authenticator posts), `polls` (challenge-poll
    posts), `well_known_gets`, `device_authorizations`, `token_polls`,
    `token_exchanges`, `sso_posts`, `authn_calls`, `sign_ins` (sessions made: IDX
    success, a redeemed Classic session token, a device-flow web SSO) and
    `session_reuses` (SAML forms answered to a live `sid` after the session's first).
    `challenges_sent` lists the methodTypes challenged, in order (a lone authenticator
    is challenged unasked).
    """

    default_session_lifetime = SESSION_LIFETIME

    introspects = Count()
    identifies = Count()
    password_answers = Count()
    code_answers = Count()
    challenges = Count()
    polls = Count()
    well_known_gets = Count()
    device_authorizations = Count()
    token_polls = Count()
    token_exchanges = Count()
    sso_posts = Count()
    authn_calls = Count()

    def __init__(
        self,
        tls: TestTls,
        *,
        app_path: str = DEFAULT_APP_PATH,
        password_in_identify: bool = False,
        authenticators: Sequence[str] = (),
        push_outcome: str = "approve",
        push_approve_after: int = 2,
        number_challenge: int | None = None,
        otp_code: str = "123456",
        poll_refresh_ms: int = 1000,
        unperformable: str | None = None,
        user_status: Mapping[str, str] | None = None,
        expire_after: int | None = None,
        client_id: str = "0oaDEVICECLIENTEXAMPLE",
        device_outcome: str = "approve",
        slow_down_once: bool = False,
        assurance_met: bool = True,
        **session: Unpack[SessionOptions],
    ) -> None:
        """Raises ValueError on an unknown authenticator, outcome, status or app path.

        `push_approve_after` polls answer pending, then the next one answers as
        `push_outcome` says ("never": pending for ever). `expire_after`: a state handle
        answers 401 idx.session.expired after that many IDX calls (introspect counts).
        `device_outcome` is what the person does at `approve_url` ("expire": every
        token poll answers expired_token). `session_lifetime`: seconds a `sid` lives
        (None: until revoked); `clock` tells the time for it."""
        check_option("authenticators", authenticators, tuple(AUTHENTICATORS))
        check_option("push_outcome", [push_outcome], PUSH_OUTCOMES)
        check_option("unperformable", [unperformable], UNPERFORMABLE)
        check_option("user_status", list((user_status or {}).values()), ("LOCKED_OUT",))
        check_option("device_outcome", [device_outcome], DEVICE_OUTCOMES)
        match = APP_PATH.match(app_path)
        if match is None:
            raise ValueError(f"app_path: not an app embed link path: {app_path!r}")
        super().__init__(tls, **session)
        self.app_path = app_path
        self._app_id = match.group(1)
        self.authenticators = tuple(authenticators)
        self._challenges_sent: list[str] = []
        self._redirect_tokens: dict[str, str] = {}  # short state token -> user
        self._session_tokens: dict[str, str] = {}  # Classic sessionToken -> user
        settings = IdxSettings(
            users=self.users,
            user_status=dict(user_status or {}),
            app_id=self._app_id,
            password_in_identify=password_in_identify,
            authenticators=self.authenticators,
            push_outcome=push_outcome,
            push_approve_after=push_approve_after,
            number_challenge=number_challenge,
            otp_code=otp_code,
            poll_refresh_ms=poll_refresh_ms,
            unperformable=unperformable,
            expire_after=expire_after,
        )
        self._idx = IdxFlow(
            settings,
            url=lambda: self.url,
            bump=self._bump,
            challenged=self._record_challenge,
            succeeded=self._succeeded,
        )
        device = DeviceSettings(
            client_id, self._app_id, device_outcome, slow_down_once, assurance_met
        )
        self._device = DeviceFlow(device, url=lambda: self.url, bump=self._bump)

    @property
    def app_url(self) -> str:
        """The app embed link users give as `-e`."""
        return f"{self.url}{self.app_path}"

    @property
    def app_id(self) -> str:
        """The APP_ID in `app_path` (the token exchange's audience names it)."""
        return self._app_id

    @property
    def sso_path(self) -> str:
        """Where the app link leads: the app's SAML form, or the sign-in page."""
        return f"/app/amazon_aws/{self._app_id}/sso/saml"

    @property
    def challenges_sent(self) -> list[str]:
        """Copy of the methodTypes challenged, in order."""
        with self._lock:
            return list(self._challenges_sent)

    def approve_url(self, user_code: str) -> str:
        """The test-only URL whose GET stands in for the person approving `user_code`
        in a browser (`device_outcome` decides what "approving" does)."""
        return f"{self.url}/test/device/approve?{urlencode({'user_code': user_code})}"

    def deny_url(self, user_code: str) -> str:
        """The test-only URL whose GET stands in for the person refusing `user_code`."""
        return f"{self.url}/test/device/deny?{urlencode({'user_code': user_code})}"

    def handle(self, request: Request) -> Response:
        route = (request.method, request.path)
        idx_step = IDX_PATH.match(request.path)
        if request.method == "POST" and idx_step:
            if "json" not in request.headers.get("content-type", ""):
                return Response.html(message_page("Unsupported Media Type", "send JSON"), 415)
            return self._idx.handle(idx_step.group(1), request.json_object())
        if route == ("GET", "/.well-known/okta-organization"):
            self._bump("well_known_gets")
            org = {"id": "00o1b2c3d4EXAMPLE", "pipeline": "idx"}
            return Response.json(org | {"_links": {"organization": {"href": self.url}}})
        if route == ("GET", self.app_path):
            return self._app_link(request)
        if route == ("GET", self.sso_path):
            return self._sso(request)
        if route == ("GET", "/login/token/redirect"):
            return self._token_redirect(request)
        return self._other(request, route)

    def _other(self, request: Request, route: tuple[str, str]) -> Response:
        if route == ("POST", "/api/v1/authn"):
            return self._authn(request)
        if route == ("GET", "/login/sessionCookieRedirect"):
            user = self._take(self._session_tokens, request.arg("token"))
            target = request.arg("redirectUrl") or ""
            if user is None or not target.startswith(f"{self.url}/"):
                return Response.redirect(f"{self.url}{self.sso_path}")
            return with_sid(Response.redirect(target), self._sign_in(user, strong=False))
        if route == ("GET", "/api/v1/sessions/me"):
            return session_me(self.url, self._session(request.cookies.get("sid")))
        if route == ("POST", "/oauth2/v1/device/authorize"):
            return self._device.authorize(request)
        if route == ("POST", "/oauth2/v1/token"):
            return self._device.token(request)
        if route in (("POST", "/login/token/sso"), ("GET", "/login/token/sso")):
            self._bump("sso_posts")
            token = dict(request.form_pairs()).get("token") or request.arg("token")
            if not self._device.take_web_sso(token):
                page = message_page("Sign-in failed", "The token is invalid or has expired.")
                return Response.html(page, 403)
            # The device flow's person signed in in a browser (the first user), and the
            # web SSO token makes a browser session, as at Okta.
            session = self._sign_in(next(iter(self.users), DEFAULT_USER))
            return with_sid(self._saml_page(session), session)
        if route in (("GET", "/test/device/approve"), ("GET", "/test/device/deny")):
            return self._device.decide(request.arg("user_code"), request.path.endswith("approve"))
        if route == ("GET", "/activate"):
            return Response.html(activate_page(request.arg("user_code")))
        return Response.html(okta_pages.not_found_page(request.path), 404)

    def _app_link(self, request: Request) -> Response:
        target = f"{self.url}{self.sso_path}"
        token = request.arg("sessionToken") or request.arg("onetimetoken")
        user = self._take(self._session_tokens, token)
        if user is None:
            return Response.redirect(target)
        return with_sid(Response.redirect(target), self._sign_in(user, strong=False))

    def _sso(self, request: Request) -> Response:
        session = self._session(request.cookies.get("sid"))
        if session is not None and (session.strong or not self.authenticators):
            return self._saml_page(session)
        token = self._idx.new_state_token()
        return Response.html(sign_in_page(token, self.url, self._app_id))

    def _token_redirect(self, request: Request) -> Response:
        user = self._take(self._redirect_tokens, request.arg("stateToken"))
        if user is None:
            page = message_page("Sign-in failed", "The state token is invalid or was used.")
            return Response.html(page, 403)
        redirect = Response.redirect(f"{self.url}{self.sso_path}")
        return with_sid(redirect, self._sign_in(user, strong=True))

    def _authn(self, request: Request) -> Response:
        self._bump("authn_calls")
        body = request.json_object() or {}
        user, password = body.get("username"), body.get("password")
        if not isinstance(user, str) or self.users.get(user) != password:
            return classic.okta_error(401, "E0000004")
        if self._idx.settings.user_status.get(user) == "LOCKED_OUT":
            return Response.json({"status": "LOCKED_OUT"})
        token = f"20111{secrets.token_urlsafe(24)}"
        with self._lock:
            self._session_tokens[token] = user
        return Response.json(classic.success_json(token, user))

    def _saml_page(self, session: IdpSession) -> Response:
        self._served(session)
        self._bump("logins")
        saml = self._saml_for(
            session.user,
            issuer=ISSUER,
            prefixes=("saml2p", "saml2"),
        )
        return Response.html(okta_pages.app_page(saml))

    def _record_challenge(self, method: str) -> None:
        with self._lock:
            self._challenges_sent.append(method)

    def _succeeded(self, user: str, short_token: str) -> None:
        with self._lock:
            self._redirect_tokens[short_token] = user

    def _take(self, tokens: dict[str, str], token: str | None) -> str | None:
        with self._lock:
            return tokens.pop(token, None) if token else None
