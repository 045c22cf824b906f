"""AD FS emulator: IdP-initiated forms sign-in for AWS, with optional MFA adapters.

Flow (see the reference notes on AD FS):
1. `GET /adfs/ls/IdpInitiatedSignOn.aspx?loginToRp=urn:amazon:webservices` answers 302
   to `/adfs/ls/?SAMLRequest=...&client-request-id=ID` and sets the test cookie.
2. `GET /adfs/ls/?...` answers the login page (or the assertion with `kerberos_sso`, or
   with a live `MSISAuth` session cookie from an earlier sign-in).
   Its form action is RELATIVE (`?SAMLRequest=...&client-request-id=ID`): it only works
   when resolved against the URL that was served.
3. `POST /adfs/ls/?...client-request-id=ID` with the login form: 403 without the cookie,
   400 for an unknown request id or a field posted twice, the login page with errorText
   for bad credentials, else the MFA page or the final page holding SAMLResponse.
4. MFA pages are re-posted with `AuthMethod` + `Context` (+ the code for OTP kinds).
WS-Federation (Entra ID sends federated users here): `GET /adfs/ls/?wa=wsignin1.0&
wtrealm=urn:federation:MicrosoftOnline&wctx=...&username=...` answers 302 to the same URL
plus a client-request-id and sets the cookie; then steps 2-4 run as above (username
prefilled) and end with a "Working..." form posting wa/wresult/wctx to `wsfed_reply`.
"""

from __future__ import annotations

import secrets
import uuid
from urllib.parse import urlencode

from tests.emulators import adfs_pages as pages
from tests.emulators.adfs_core import (
    AUTH_COOKIE,
    COOKIE,
    ENTRY_PATH,
    LOGIN_PATH,
    POLLED_KINDS,
    RELYING_PARTY,
    WSFED_REALM,
    AdfsCore,
    MfaState,
)
from tests.emulators.messages import Request, Response
from tests.emulators.options import DEFAULT_USER

__all__ = ["LOGIN_PATH", "AdfsEmulator"]


def _action(request: Request) -> str:
    """The relative form action AD FS renders: the served page's own query string."""
    return "?" + urlencode([(k, v) for k, values in request.query.items() for v in values])


class AdfsEmulator(AdfsCore):
    """An AD FS farm on https://127.0.0.1:PORT. See the module docstring for the flow.

    Counters: `logins` (final pages served after a successful sign-in, whatever
    `final_page` is), `password_posts`, `mfa_polls` (Azure MFA re-posts),
    `otp_attempts` (one-time codes posted), `gets`, `wsfed_signins` (WS-Fed tokens
    issued; these do not count as `logins`), `sign_ins` and `session_reuses` (SAML or
    WS-Fed forms answered to a GET carrying a live `MSISAuth`).

    A full sign-in (password, and the MFA adapter when set) sets `MSISAuth` and
    `MSISAuthenticated` on path /adfs: session cookies, or with `kmsi` ("Keep me signed
    in" ticked) a persistent `MSISAuth`. A later GET of the sign-in URL with a live
    `MSISAuth`, for AWS or over WS-Fed, answers the final form at once, as
    `kerberos_sso` does. Sessions end after `session_lifetime` seconds (None: never;
    default 8 hours, WebSsoLifetime) or at `revoke_sessions()`. A `kerberos_sso`
    answer is no sign-in here: it counts neither counter and sets no `MSISAuth`.
    """

    def handle(self, request: Request) -> Response:
        if request.method == "GET":
            self._bump("gets")
            if request.path == ENTRY_PATH:
                return self._entry(request)
            wsfed = request.arg("wa") == "wsignin1.0"
            if request.path == LOGIN_PATH and wsfed and request.arg("client-request-id") is None:
                return self._wsfed_entry(request)
            if request.path == LOGIN_PATH:
                return self._login_get(request)
        if request.method == "POST" and request.path == LOGIN_PATH:
            return self._post(request)
        return Response.html(pages.error_page("The page was not found (HTTP 404)."), 404)

    def _entry(self, request: Request) -> Response:
        if request.arg("loginToRp") != RELYING_PARTY:
            return Response.html(pages.error_page("MSIS7012: unknown relying party."), 400)
        cookie, request_id = secrets.token_urlsafe(16), str(uuid.uuid4())
        with self._lock:
            self._cookies.add(cookie)
            self._request_ids.add(request_id)
        query = urlencode(
            {
                "SAMLRequest": "fZJBT8MwDIXv/IrS+9YmW6aFWCsJbUJBgSN+4NYjqJ+RCZFGxK2kMkAfHn2",
                "RelayState": f"RPID={RELYING_PARTY}",
                "client-request-id": request_id,
            }
        )
        return Response.redirect(f"{LOGIN_PATH}?{query}").set_cookie(COOKIE, cookie, "/adfs")

    def _wsfed_entry(self, request: Request) -> Response:
        if request.arg("wtrealm") != WSFED_REALM or self.wsfed_reply is None:
            return Response.html(pages.error_page("MSIS7007: unknown relying party."), 400)
        cookie, request_id = secrets.token_urlsafe(16), str(uuid.uuid4())
        with self._lock:
            self._cookies.add(cookie)
            self._request_ids.add(request_id)
            self._wsfed_wctx[cookie] = request.arg("wctx") or ""
        pairs = [(k, v) for k, values in request.query.items() for v in values]
        query = urlencode([*pairs, ("client-request-id", request_id)])
        return Response.redirect(f"{LOGIN_PATH}?{query}").set_cookie(COOKIE, cookie, "/adfs")

    def _login_get(self, request: Request) -> Response:
        session = self._session(request.cookies.get(AUTH_COOKIE))
        if session is not None:
            return self._final(session.user, request.cookies.get(COOKIE, ""), session)
        if self.kerberos_sso:
            user = next(iter(self.users), DEFAULT_USER)
            return self._final(user, request.cookies.get(COOKIE, ""))
        username = request.arg("username") or ""
        return Response.html(self._login_page(_action(request), username=username))

    def _post(self, request: Request) -> Response:
        cookie = request.cookies.get(COOKIE, "")
        request_id = request.arg("client-request-id") or ""
        with self._lock:
            known_cookie, known_id = cookie in self._cookies, request_id in self._request_ids
        if not known_cookie:
            message = "Cookies are required. Your browser must accept cookies to sign in."
            return Response.html(pages.error_page(message), 403)
        if not known_id:
            return Response.html(pages.error_page("MSIS7000: unknown sign-in request."), 400)
        pairs = request.form_pairs()
        names = [name for name, _ in pairs]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            message = f"MSIS9200: the request holds duplicate fields: {', '.join(duplicates)}."
            return Response.html(pages.error_page(message), 400)
        form, action = dict(pairs), _action(request)
        if "Context" in form:
            return self._mfa_post(cookie, form, action)
        return self._password_post(cookie, form, action)

    def _password_post(self, cookie: str, form: dict[str, str], action: str) -> Response:
        self._bump("password_posts")
        if self.variant == "modern":
            if form.get("AuthMethod") != "FormsAuthentication":
                return Response.html(self._login_page(action))
            user, password = form.get("UserName", ""), form.get("Password", "")
        else:
            valid_state = (
                form.get("__VIEWSTATE") == pages.VIEWSTATE
                and form.get("__EVENTVALIDATION") == pages.EVENTVALIDATION
            )
            if not valid_state:
                message = "Invalid postback or callback argument (__EVENTVALIDATION)."
                return Response.html(pages.error_page(message), 500)
            if pages.ADFS2_SUBMIT not in form:  # ASP.NET: no button, no click event
                return Response.html(self._login_page(action))
            user, password = form.get(pages.ADFS2_USER, ""), form.get(pages.ADFS2_PASSWORD, "")
        if user in self.locked_users:
            return Response.html(self._login_page(action, pages.LOCKED, user))
        if self.users.get(user) is None or self.users.get(user) != password:
            return Response.html(self._login_page(action, self.error_text, user))
        if self.mfa is None:
            return self._signed_in(user, cookie)
        context = secrets.token_urlsafe(24)
        with self._lock:
            self._contexts[context] = MfaState(user, self.mfa, cookie)
        return Response.html(self._mfa_page(self.mfa, action, context))

    def _mfa_post(self, cookie: str, form: dict[str, str], action: str) -> Response:
        context = form["Context"]
        with self._lock:
            state = self._contexts.get(context)
        if state is None or state.cookie != cookie:
            return Response.html(pages.error_page("MSIS9803: the context is not valid."), 400)
        auth_method, code_field, _ = pages.MFA_METHODS[state.kind]
        if form.get("AuthMethod") != auth_method:
            return Response.html(pages.error_page("MSIS7102: unexpected AuthMethod."), 400)
        if state.kind in POLLED_KINDS:
            return self._mfa_poll(state, context, action)
        if code_field is None:  # Duo: needs Duo's own API, never completes here
            return Response.html(pages.error_page("Duo response missing (sig_response)."), 400)
        self._bump("otp_attempts")
        if form.get(code_field) != self.otp_code:
            return Response.html(self._mfa_page(state.kind, action, context, pages.WRONG_CODE))
        self._forget(context)
        return self._signed_in(state.user, state.cookie)

    def _mfa_poll(self, state: MfaState, context: str, action: str) -> Response:
        self._bump("mfa_polls")
        with self._lock:
            state.polls += 1
            waiting = state.polls < self.mfa_approve_after or self.mfa_outcome == "never"
        if waiting:
            return Response.html(self._mfa_page(state.kind, action, context))
        self._forget(context)
        if self.mfa_outcome == "deny":
            return Response.html(self._login_page(action, pages.DENIED, state.user))
        return self._signed_in(state.user, state.cookie)

    def _forget(self, context: str) -> None:
        with self._lock:
            self._contexts.pop(context, None)
