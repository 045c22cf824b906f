"""Keycloak emulator: the IdP-initiated SAML sign-in of a realm's AWS client.

Flow (see the reference notes on Keycloak):
1. `GET {prefix}/realms/R/protocol/saml/clients/C` (the entry URL) answers the login
   page at once and sets `AUTH_SESSION_ID` and `KC_RESTART` (path `{prefix}/realms/R/`);
   with a live `KEYCLOAK_IDENTITY` from an earlier sign-in it answers the SAML page.
2. Every form posts to `{prefix}/realms/R/login-actions/authenticate?session_code=..&
   execution=..&client_id=C&tab_id=..`; `session_code` changes with every page served.
   Without the `AUTH_SESSION_ID` cookie (or with another `tab_id`): the error page, 400.
   A stale `session_code`: the login page again with "Your login attempt timed out...".
3. The password form: a wrong password or unknown user re-renders the login page (200)
   with the theme's error element and the username kept; a disabled user the same with
   "Account is disabled, contact your administrator." in the alert.
4. Then the one-time-code page when the user has `otp_devices` (a wrong code: the page
   again with "Invalid authenticator code."), or with `webauthn_only` the WebAuthn page,
   which a terminal cannot answer (every post re-renders it with an error).
5. The SAML POST binding page (`SAMLResponse` to AWS), with the session cookies
   `KEYCLOAK_IDENTITY` (HttpOnly) and `KEYCLOAK_SESSION`, path `{prefix}/realms/R/`.
A post carrying `tryAnotherWay` is answered 400: the emulator does not model it.
"""

from __future__ import annotations

import secrets
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from tests.emulators import keycloak_pages as pages
from tests.emulators.messages import Request, Response
from tests.emulators.options import DEFAULT_PASSWORD, DEFAULT_USER, check_option
from tests.emulators.saml import DEFAULT_ROLE, build_saml_response
from tests.emulators.server import Count
from tests.emulators.sessions import Clock, SessionIdp
from tests.emulators.tls import TestTls

__all__ = ["KeycloakEmulator"]

AUTH_COOKIE = "AUTH_SESSION_ID"
IDENTITY_COOKIE = "KEYCLOAK_IDENTITY"
SESSION_COOKIE = "KEYCLOAK_SESSION"
# One execution id per authenticator of the browser flow, as Keycloak's are UUIDs.
EXECUTIONS = {step: str(uuid.uuid4()) for step in ("password", "otp", "webauthn")}


@dataclass
class AuthState:
    """One login in progress: its tab, the current page's session_code and step."""

    tab_id: str
    code: str
    step: str = "password"
    user: str = ""


class KeycloakEmulator(SessionIdp):
    """A Keycloak realm on https://127.0.0.1:PORT. See the module docstring for the flow.

    Counters: `logins` (SAML pages served), `password_posts`, `otp_attempts`, `gets`,
    `sign_ins` and `session_reuses`. `selected_credentials` lists the
    `selectedCredentialId` values received, in order.
    """

    password_posts = Count()
    otp_attempts = Count()
    gets = Count()

    def __init__(
        self,
        tls: TestTls,
        *,
        users: Mapping[str, str] | None = None,
        roles: Sequence[tuple[str, str]] = (DEFAULT_ROLE,),
        session_duration: int | None = None,
        realm: str = "example",
        client: str = "amazon-aws",
        auth_prefix: bool = False,
        theme: str = "v2",
        locale: str = "en",
        otp_devices: Sequence[str] = (),
        otp_field: str = "otp",
        otp_code: str = "123456",
        webauthn_only: bool = False,
        disabled_users: frozenset[str] | set[str] = frozenset(),
        error_text: str | None = None,
        session_lifetime: float | None = 36000.0,
        clock: Clock | None = None,
        hang: bool = False,
    ) -> None:
        """`otp_devices`: labels of the user's OTP devices (none: no second factor; two
        or more: a `selectedCredentialId` radio each, credential ids `cred-N`).
        `error_text` replaces the invalid-password message (hostile-text tests).
        `session_lifetime` defaults to Keycloak's SSO Session Max (10 hours).
        Raises ValueError on an unknown theme, locale or otp_field."""
        check_option("theme", [theme], pages.THEMES)
        check_option("locale", [locale], pages.LOCALES)
        check_option("otp_field", [otp_field], pages.OTP_FIELDS)
        super().__init__(
            tls, session_lifetime=session_lifetime, clock=clock or time.time, hang=hang
        )
        self.users = dict(users if users is not None else {DEFAULT_USER: DEFAULT_PASSWORD})
        self.roles = list(roles)
        self.session_duration = session_duration
        self.realm, self.client = realm, client
        self.prefix = "/auth" if auth_prefix else ""
        self.theme, self.locale = theme, locale
        self.devices = [(f"cred-{index}", label) for index, label in enumerate(otp_devices)]
        self.otp_field, self.otp_code = otp_field, otp_code
        self.webauthn_only = webauthn_only
        self.disabled_users = frozenset(disabled_users)
        self.error_text = error_text
        self._auth: dict[str, AuthState] = {}
        self._selected: list[str] = []

    # -- addresses ---------------------------------------------------------------------

    @property
    def realm_path(self) -> str:
        """`{prefix}/realms/R/`: the path of every cookie Keycloak sets."""
        return f"{self.prefix}/realms/{quote(self.realm, safe='')}/"

    @property
    def entry_path(self) -> str:
        return f"{self.realm_path}protocol/saml/clients/{quote(self.client, safe='')}"

    @property
    def entry_url(self) -> str:
        """The client's IdP-initiated SSO URL, the one users give."""
        return f"{self.url}{self.entry_path}"

    @property
    def authenticate_path(self) -> str:
        return f"{self.realm_path}login-actions/authenticate"

    @property
    def selected_credentials(self) -> list[str]:
        """Copy of the `selectedCredentialId` values received, in order."""
        with self._lock:
            return list(self._selected)

    def _action(self, state: AuthState) -> str:
        query = urlencode(
            {
                "session_code": state.code,
                "execution": EXECUTIONS[state.step],
                "client_id": self.client,
                "tab_id": state.tab_id,
            }
        )
        return f"{self.url}{self.authenticate_path}?{query}"

    @property
    def _resources(self) -> str:
        return f"{self.prefix}/resources/kc1/login/keycloak{'.v2' if self.theme == 'v2' else ''}"

    # -- routes ------------------------------------------------------------------------

    def handle(self, request: Request) -> Response:
        if request.method == "GET":
            self._bump("gets")
            if request.path == self.entry_path:
                return self._entry(request)
        if request.method == "POST" and request.path == self.authenticate_path:
            return self._post(request)
        return self._error("Page not found", 404)

    def _entry(self, request: Request) -> Response:
        session = self._session(request.cookies.get(IDENTITY_COOKIE))
        if session is not None:
            self._served(session)
            return self._assertion(session.user)
        auth_id = f"{uuid.uuid4()}.{secrets.token_hex(4)}"
        state = AuthState(tab_id=secrets.token_urlsafe(8), code="")
        with self._lock:
            self._auth[auth_id] = state
        restart = secrets.token_urlsafe(48)  # a JWT in real Keycloak; opaque to clients
        return (
            self._page(state)
            .set_cookie(AUTH_COOKIE, auth_id, self.realm_path)
            .set_cookie("KC_RESTART", restart, self.realm_path)
        )

    def _post(self, request: Request) -> Response:
        with self._lock:
            state = self._auth.get(request.cookies.get(AUTH_COOKIE, ""))
        if state is None or request.arg("tab_id") != state.tab_id:
            return self._error(pages.TEXTS[self.locale]["cookie"], 400)
        form = dict(request.form_pairs())
        if "tryAnotherWay" in form:
            return self._error("tryAnotherWay: not modelled by this emulator", 400)
        if request.arg("session_code") != state.code:
            with self._lock:
                state.step, state.user = "password", ""
            return self._page(state, page_error=pages.TEXTS[self.locale]["timeout"])
        if state.step == "password":
            return self._password(state, form)
        if state.step == "otp":
            return self._otp(state, form)
        return self._page(state, page_error="WebAuthn is not supported from here.")

    def _password(self, state: AuthState, form: dict[str, str]) -> Response:
        self._bump("password_posts")
        texts = pages.TEXTS[self.locale]
        user, password = form.get("username", ""), form.get("password", "")
        if user in self.disabled_users:
            return self._page(state, username=user, page_error=texts["disabled"])
        if self.users.get(user) is None or self.users.get(user) != password:
            message = texts["invalid"] if self.error_text is None else self.error_text
            return self._page(state, username=user, field_error=message)
        if self.webauthn_only:
            step = "webauthn"
        elif self.devices:
            step = "otp"
        else:
            return self._signed_in(user)
        with self._lock:
            state.step, state.user = step, user
        return self._page(state)

    def _otp(self, state: AuthState, form: dict[str, str]) -> Response:
        self._bump("otp_attempts")
        selected = form.get("selectedCredentialId")
        if selected is not None:
            with self._lock:
                self._selected.append(selected)
        known = [credential for credential, _ in self.devices]
        wrong_device = len(known) > 1 and selected not in known
        if wrong_device or form.get(self.otp_field) != self.otp_code:
            return self._page(state, page_error=pages.TEXTS[self.locale]["bad_code"])
        return self._signed_in(state.user)

    # -- answers -----------------------------------------------------------------------

    def _page(
        self,
        state: AuthState,
        *,
        username: str = "",
        field_error: str | None = None,
        page_error: str | None = None,
    ) -> Response:
        """The page of `state.step` under a fresh session_code."""
        with self._lock:
            state.code = secrets.token_urlsafe(32)
        common = {"realm": self.realm, "action": self._action(state), "locale": self.locale}
        if state.step == "otp":
            html = pages.otp_page(
                **common,
                resources=self._resources,
                otp_field=self.otp_field,
                devices=self.devices,
                error=page_error,
            )
        elif state.step == "webauthn":
            html = pages.webauthn_page(
                **common,
                resources=self._resources,
                username=state.user,
                challenge=secrets.token_urlsafe(16),
                rp_id="127.0.0.1",
                credential_ids=[secrets.token_urlsafe(48)],
                error=page_error,
            )
        else:
            html = pages.login_page(
                **common,
                resources=self._resources,
                theme=self.theme,
                username=username,
                field_error=field_error,
                page_error=page_error,
            )
        return Response.html(html)

    def _error(self, message: str, status: int) -> Response:
        html = pages.error_page(
            realm=self.realm, resources=self._resources, locale=self.locale, message=message
        )
        return Response.html(html, status)

    def _assertion(self, user: str) -> Response:
        self._bump("logins")
        saml = build_saml_response(
            self.roles,
            session_name=user,
            session_duration=self.session_duration,
            issuer=f"{self.url}{self.realm_path.rstrip('/')}",
        )
        return_url = f"{self.url}{self.authenticate_path}?{urlencode({'client_id': self.client})}"
        return Response.html(pages.assertion_page(saml, return_url))

    def _signed_in(self, user: str) -> Response:
        """The SAML page of a full sign-in, with the SSO session's cookies."""
        session = self._sign_in(user)
        self._served(session)
        # KEYCLOAK_SESSION is readable by the page's scripts: not HttpOnly.
        visible = f"{self.realm}/{uuid.uuid5(uuid.NAMESPACE_DNS, user)}/{session.value[:8]}"
        cookie = f"{SESSION_COOKIE}={quote(visible, safe='')}; Path={self.realm_path}; Secure"
        return (
            self._assertion(user)
            .set_cookie(IDENTITY_COOKIE, session.value, self.realm_path)
            .with_header("Set-Cookie", f"{cookie}; SameSite=None")
        )
