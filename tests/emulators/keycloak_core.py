"""The state of the Keycloak emulator: options, logins in progress, pages and the end of
a sign-in (the SSO session's cookies and the SAML page). keycloak.py adds the routes and
the steps; `KeycloakEmulator` documents the options."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import quote, urlencode

from tests.emulators import keycloak_mfa_pages as mfa_pages
from tests.emulators import keycloak_pages as pages
from tests.emulators.keycloak_actions import ACTIONS, action_page
from tests.emulators.keycloak_texts import LOCALES, TEXTS
from tests.emulators.messages import Response
from tests.emulators.options import check_option
from tests.emulators.server import Count
from tests.emulators.sessions import SessionIdp, SessionOptions
from tests.emulators.tls import TestTls

if TYPE_CHECKING:
    from typing_extensions import Unpack

AUTH_COOKIE = "AUTH_SESSION_ID"
IDENTITY_COOKIE = "KEYCLOAK_IDENTITY"
SESSION_COOKIE = "KEYCLOAK_SESSION"
# The AWS client's SAML entity id, in every action URL; `client` is its URL name.
CLIENT_ID = "urn:amazon:webservices"
SSO_SESSION_MAX = 36000.0  # Keycloak's default SSO Session Max: 10 hours
# One execution id per authenticator of the browser flow (Keycloak's are UUIDs).
EXECUTIONS = {
    step: str(uuid.uuid4()) for step in ("kerberos", "password", "otp", "webauthn", "action")
}


@dataclass
class AuthState:
    """One login in progress: its tab, the current page's session_code, its step and
    (after the password) its user."""

    tab_id: str
    code: str
    step: str
    user: str = ""


class KeycloakCore(SessionIdp):
    """Options, state, pages and the end of a sign-in; `KeycloakEmulator` documents them."""

    default_session_lifetime = SSO_SESSION_MAX

    password_posts = Count()
    otp_attempts = Count()
    action_posts = Count()
    gets = Count()

    def __init__(
        self,
        tls: TestTls,
        *,
        realm: str = "example",
        client: str = "amazon-aws",
        auth_prefix: bool = False,
        theme: str = "v2",
        locale: str = "en",
        otp_devices: Sequence[str] = (),
        otp_field: str = "otp",
        otp_code: str = "123456",
        webauthn_only: bool = False,
        required_action: str | None = None,
        kerberos: bool = False,
        disabled_users: frozenset[str] | set[str] = frozenset(),
        error_text: str | None = None,
        **session: Unpack[SessionOptions],
    ) -> None:
        """Raises ValueError on an unknown theme, locale or otp_field, or a session
        lifetime that is not positive."""
        check_option("theme", [theme], pages.THEMES)
        check_option("locale", [locale], LOCALES)
        check_option("otp_field", [otp_field], pages.OTP_FIELDS)
        check_option("required_action", [required_action or ACTIONS[0]], ACTIONS)
        super().__init__(tls, **session)
        self.realm, self.client = realm, client
        self.prefix = "/auth" if auth_prefix else ""
        self.theme, self.locale = theme, locale
        self.devices = [(f"cred-{index}", label) for index, label in enumerate(otp_devices)]
        self.otp_field, self.otp_code = otp_field, otp_code
        self.webauthn_only = webauthn_only
        self.required_action = required_action
        self.kerberos = kerberos
        self.disabled_users = frozenset(disabled_users)
        self.error_text = error_text
        self.texts = TEXTS[locale]
        self._auth: dict[str, AuthState] = {}
        self._selected: list[str] = []

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
        """Where every form of a login posts (with its query string)."""
        return f"{self.realm_path}login-actions/authenticate"

    @property
    def selected_credentials(self) -> list[str]:
        """Copy of the `selectedCredentialId` values received, in order."""
        with self._lock:
            return list(self._selected)

    @property
    def _resources(self) -> str:
        return f"{self.prefix}/resources/kc1/login/keycloak{'.v2' if self.theme == 'v2' else ''}"

    def _action(self, state: AuthState) -> str:
        query = urlencode(
            {
                "session_code": state.code,
                "execution": EXECUTIONS[state.step],
                "client_id": CLIENT_ID,
                "tab_id": state.tab_id,
            }
        )
        return f"{self.url}{self.authenticate_path}?{query}"

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
        action = self._action(state)
        where = {"realm": self.realm, "locale": self.locale, "theme": self.theme}
        if state.step == "kerberos":  # SPNEGO asked; a browser without a ticket posts on
            page = Response.html(pages.kerberos_page(action), 401)
            return page.with_header("WWW-Authenticate", "Negotiate")
        if state.step == "otp":
            html = mfa_pages.otp_page(
                **where,
                action=action,
                resources=self._resources,
                otp_field=self.otp_field,
                devices=self.devices,
                error=page_error,
            )
        elif state.step == "action":
            html = action_page(
                self.required_action or ACTIONS[0],
                **where,
                action=action,
                resources=self._resources,
                secret=secrets.token_hex(10).upper(),
                error=page_error,
            )
        elif state.step == "webauthn":
            html = mfa_pages.webauthn_page(
                **where,
                action=action,
                resources=self._resources,
                username=state.user,
                challenge=secrets.token_urlsafe(16),
                rp_id="127.0.0.1",
                credential_ids=[secrets.token_urlsafe(48)],
                error=page_error,
            )
        else:
            html = pages.login_page(
                **where,
                action=action,
                resources=self._resources,
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
        saml = self._saml_for(
            user,
            issuer=f"{self.url}{self.realm_path.rstrip('/')}",
        )
        return_url = f"{self.url}{self.authenticate_path}?{urlencode({'client_id': CLIENT_ID})}"
        return Response.html(pages.assertion_page(saml, return_url))

    def _signed_in(self, user: str) -> Response:
        """The SAML page of a full sign-in, with the SSO session's cookies."""
        session = self._sign_in(user)
        self._served(session)
        # KEYCLOAK_SESSION is read by the pages' scripts: it is not HttpOnly.
        visible = f"{self.realm}/{uuid.uuid5(uuid.NAMESPACE_DNS, user)}/{session.value[:8]}"
        cookie = f"{SESSION_COOKIE}={quote(visible, safe='')}; Path={self.realm_path}; Secure"
        return (
            self._assertion(user)
            .set_cookie(IDENTITY_COOKIE, session.value, self.realm_path)
            .with_header("Set-Cookie", f"{cookie}; SameSite=None")
        )
