"""Keycloak emulator: the IdP-initiated SAML sign-in of a realm's AWS client.

Flow (see the reference notes on Keycloak):
1. `GET {prefix}/realms/R/protocol/saml/clients/C` (the entry URL) answers the login
   page at once and sets `AUTH_SESSION_ID` and `KC_RESTART` (path `{prefix}/realms/R/`);
   with a live `KEYCLOAK_IDENTITY` from an earlier sign-in it answers the SAML page.
   With `kerberos`, the first page is instead "Kerberos Unsupported" (HTTP 401,
   `WWW-Authenticate: Negotiate`), a form posting on by script; its post answers the
   login page.
2. Every form posts to `{prefix}/realms/R/login-actions/authenticate?session_code=..&
   execution=..&client_id=urn:amazon:webservices&tab_id=..`; `session_code` changes
   with every page served.
   Without the `AUTH_SESSION_ID` cookie (or with another `tab_id`): the error page, 400.
   A stale `session_code`: the login page again with "Your login attempt timed out...".
3. The password form: a wrong password or unknown user re-renders the login page (200)
   with the theme's error element and the username kept; a disabled user the same with
   "Account is disabled, contact your administrator." in the alert.
4. Then the one-time-code page when the user has `otp_devices` (a wrong code: the page
   again with "Invalid authenticator code."), or with `webauthn_only` the WebAuthn page,
   which a terminal cannot answer (every post re-renders it with an error). With
   `required_action`, the page of that required action comes first instead (set up an
   authenticator app, choose a new password): only a browser should answer it, and every
   post re-renders it with an error.
5. The SAML POST binding page (`SAMLResponse` to AWS), with the session cookies
   `KEYCLOAK_IDENTITY` (HttpOnly) and `KEYCLOAK_SESSION`, path `{prefix}/realms/R/`.
A post carrying `tryAnotherWay` or `cancel` (buttons a client must not press for the
person) is answered 400: the emulator does not model where they lead.
"""

from __future__ import annotations

import secrets
import uuid

from tests.emulators.keycloak_core import AUTH_COOKIE, IDENTITY_COOKIE, AuthState, KeycloakCore
from tests.emulators.messages import Request, Response

__all__ = ["KeycloakEmulator"]


class KeycloakEmulator(KeycloakCore):
    """A Keycloak realm on https://127.0.0.1:PORT. See the module docstring for the flow.

    Options: `users` (name -> password), `roles`, `session_duration`, `realm`, `client`
    (the IdP-initiated SSO URL name), `auth_prefix` (the `/auth/realms/...` paths of
    Keycloak before 17), `theme` ("v1": `span#input-error`, Keycloak < 12; "v2":
    `div#input-error-username`), `locale` ("en" or "ja"), `otp_devices` (labels of the
    user's OTP devices: none, one, or several behind `selectedCredentialId` radios whose
    values are `cred-N`), `otp_field` ("otp"; "totp" before Keycloak 8.0.1, with
    `form#kc-totp-login-form` and a Cancel button), `otp_code` (right for every device),
    `webauthn_only`, `required_action` ("CONFIGURE_TOTP" or "UPDATE_PASSWORD"),
    `kerberos`, `disabled_users`, `error_text` (replaces the
    invalid-password message: hostile-text tests), `session_lifetime` (seconds an SSO
    session lives; None: until revoked; default 10 hours), `clock`, `hang`.

    Counters: `logins` (SAML pages served), `password_posts`, `otp_attempts`,
    `action_posts`, `gets`,
    `sign_ins` and `session_reuses`. `selected_credentials` lists the
    `selectedCredentialId` values received, in order.
    """

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
        step = "kerberos" if self.kerberos else "password"
        state = AuthState(tab_id=secrets.token_urlsafe(8), code="", step=step)
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
            return self._error(self.texts["cookie"], 400)
        form = dict(request.form_pairs())
        pressed = sorted({"tryAnotherWay", "cancel"} & set(form))
        if pressed:
            return self._error(f"{', '.join(pressed)}: not modelled by this emulator", 400)
        if request.arg("session_code") != state.code:
            with self._lock:
                state.step, state.user = "password", ""
            return self._page(state, page_error=self.texts["timeout"])
        if state.step == "kerberos":
            with self._lock:
                state.step = "password"
            return self._page(state)
        if state.step == "password":
            return self._password(state, form)
        if state.step == "otp":
            return self._otp(state, form)
        if state.step == "action":
            self._bump("action_posts")
            return self._page(state, page_error="Required action: not modelled by this emulator")
        return self._page(state, page_error="WebAuthn is not supported from here.")

    def _password(self, state: AuthState, form: dict[str, str]) -> Response:
        self._bump("password_posts")
        user, password = form.get("username", ""), form.get("password", "")
        if user in self.disabled_users:
            return self._page(state, username=user, page_error=self.texts["disabled"])
        if self.users.get(user) is None or self.users.get(user) != password:
            message = self.texts["invalid"] if self.error_text is None else self.error_text
            return self._page(state, username=user, field_error=message)
        if self.required_action:
            step = "action"
        elif self.webauthn_only:
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
            return self._page(state, page_error=self.texts["bad_code"])
        return self._signed_in(state.user)
