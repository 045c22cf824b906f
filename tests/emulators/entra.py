"""Microsoft Entra ID emulator: the tenant's SAML sign-in for the AWS app, and the portal.

Entry points (see protocol.md of issue 9 and the reference notes on Entra ID):
- `GET /<tenant>/saml2?SAMLRequest=...` (`tenant_saml_url`): the AuthnRequest is
  inflated, recorded and checked (issuer: AADSTS700016, ACS: AADSTS50011); the answer is
  the ConvergedSignIn page, or the final form at once with a live ESTSAUTH session.
- `GET /api/signin/<app id>?tenantId=...` (`user_access_url`): the My Apps portal; 302 to
  `/<tenant id>/oauth2/authorize`, whose sign-in ends with an OIDC form to
  `/signin-oidc`, which 302s back; with the portal cookie the portal page's script sends
  the browser to `/<tenant id>/saml2?SAMLRequest=...`.
Then: GetCredentialType (JSON), the password post, WS-Fed return from AD FS
(`/login.srf`), account errors, interrupts, TFA (BeginAuth, EndAuth, ProcessAuth),
proof-up, KMSI, and the final SAMLResponse form. Errors are ConvergedError pages (200).
"""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import parse_qs, urlencode

from tests.emulators import entra_pages as pages
from tests.emulators.adfs_pages import wsfed_token
from tests.emulators.entra_core import (
    FLOW_COOKIE,
    LOOP_INPUTS,
    PERSISTENT_COOKIE,
    PERSISTENT_SECONDS,
    PORTAL_CLIENT_ID,
    PORTAL_COOKIE,
    SESSION_COOKIE,
    refusal,
)
from tests.emulators.entra_saml import authn_request_error, parse_authn_request
from tests.emulators.entra_steps import EntraSteps
from tests.emulators.messages import Request, Response
from tests.emulators.sessions import IdpSession

WSFED_REALM = "urn:federation:MicrosoftOnline"


class EntraEmulator(EntraSteps):
    """Entra ID (login host and My Apps portal in one) on https://127.0.0.1:PORT.

    Options (all keyword; ValueError on an unknown value): `users` (managed user ->
    password), `roles`, `session_duration`, `tenant`, `tenant_id`, `app_id`,
    `entity_id` and `acs_url` (what AuthnRequests must name), `form_action` (the final
    form's action, default `acs_url`), `adfs` + `federated_domains` (users there sign in
    at AD FS over WS-Fed), `mfa` (registered authMethodIds, in order), `default_mfa`,
    `mfa_outcome` (approve | deny | never | no_response), `mfa_approve_after` (pending
    polls first), `entropy` (number matching; None: 0), `otp_code` (a right code is
    accepted once per emulator: reuse is refused as a duplicate), `kmsi`, `proof_up`
    (None | skippable | required), `kmsi_redirect` (the KMSI post answers 302 to the
    next page instead of the page itself), `interrupt` (None | conditional_access | unknown |
    loop), `account_errors` (user -> AADSTS code), `relative_urls`, `layout`
    (nolinebreak | linebreak | extrascript), `tfa_reason` (an sErrorCode such as 50076
    on the TFA page, saying why it is shown), `poll_interval` (oPerAuthPollingInterval
    seconds), `session_lifetime` (seconds an ESTS session lives; None, the default:
    until `revoke_sessions()`) and `clock` (the time for it), `hang`. Counters and
    views: see `EntraCore` (entra_core.py).

    A sign-in sets `ESTSAUTH` (a session cookie, path /); "Stay signed in?" answered
    yes adds `ESTSAUTHPERSISTENT` (Expires: the session's expiry, else 90 days).
    """

    def start(self) -> None:
        """Serve, and point the AD FS emulator's WS-Fed replies at our `/login.srf`."""
        super().start()
        if self.adfs is not None:
            self.adfs.wsfed_reply = f"{self.url}/login.srf"

    def handle(self, request: Request) -> Response:
        path, method = request.path, request.method
        parts = path.strip("/").split("/")
        tenants = (self.tenant, self.tenant_id)
        if method == "GET":
            self._bump("gets")
            if len(parts) == 2 and parts[0] in tenants and parts[1] == "saml2":
                return self._saml2(request)
            if parts[0] in tenants and parts[1:] == ["oauth2", "authorize"]:
                return self._authorize(request)
            if parts[:2] == ["api", "signin"] and len(parts) == 3:
                return self._portal(request, parts[2])
            if path == "/common/SkipMfaRegistration":
                return self._go_on(request, skip_proof_up=True)
            if path == "/common/resume":
                return self._go_on(request, skip_proof_up=False)
        elif method == "POST":
            route = _POSTS.get(path)
            if route is not None:
                return route(self, request)
        return Response.html(pages.not_found_page(), 404)

    # -- entry points ---------------------------------------------------------------------

    def _saml2(self, request: Request) -> Response:
        try:
            parsed = parse_authn_request(request.arg("SAMLRequest") or "")
        except ValueError:
            return self._error("750054")
        with self._lock:
            self._authn_requests.append(parsed)
        refused = authn_request_error(parsed, self.entity_id, self.acs_url)
        if refused is not None:
            return self._error(refused[0], message=refused[1])
        relay_state = request.arg("RelayState")
        session = self._live_session(request)
        if session is not None:
            return self._saml_form(session.user, relay_state, session)
        return self._signin_page(self._new_flow(portal=False, relay_state=relay_state))

    def _live_session(self, request: Request) -> IdpSession | None:
        """The live ESTS session of the request's ESTSAUTH or ESTSAUTHPERSISTENT cookie."""
        for name in (SESSION_COOKIE, PERSISTENT_COOKIE):
            session = self._session(request.cookies.get(name))
            if session is not None:
                return session
        return None

    def _authorize(self, request: Request) -> Response:
        state = request.arg("state") or ""
        valid = (
            request.arg("client_id") == PORTAL_CLIENT_ID
            and request.arg("response_mode") == "form_post"
            and request.arg("redirect_uri") == f"{self.url}/signin-oidc"
        )
        if not valid:
            return self._error("50011", message="The redirect URI does not match.")
        session = self._live_session(request)
        if session is not None:
            return self._oidc_form(session.user, state)
        return self._signin_page(self._new_flow(portal=True, state=state))

    def _portal(self, request: Request, app_id: str) -> Response:
        if app_id != self.app_id or request.arg("tenantId") not in (self.tenant_id, self.tenant):
            return Response.html(pages.not_found_page(), 404)
        with self._lock:
            signed_in = request.cookies.get(PORTAL_COOKIE, "") in self._portal_sessions
        if signed_in:
            return Response.html(pages.portal_page(self._portal_saml2_url()))
        state = f"OpenIdConnect.AuthenticationProperties={secrets.token_urlsafe(32)}"
        with self._lock:
            self._oidc_states.add(state)
        query = urlencode(
            {
                "client_id": PORTAL_CLIENT_ID,
                "response_type": "code id_token",
                "scope": "openid profile",
                "response_mode": "form_post",
                "redirect_uri": f"{self.url}/signin-oidc",
                "state": state,
                "nonce": secrets.token_urlsafe(16),
            }
        )
        return Response.redirect(f"{self.url}/{self.tenant_id}/oauth2/authorize?{query}")

    def _signin_oidc(self, request: Request) -> Response:
        self._bump("hidden_form_posts")
        form = dict(request.form_pairs())
        with self._lock:
            user = self._codes.pop(form.get("code", ""), None)
            known_state = form.get("state", "") in self._oidc_states
            self._oidc_states.discard(form.get("state", ""))
        if user is None or not known_state:
            return Response.html(pages.not_found_page().replace("404 - ", "400 - "), 400)
        session = secrets.token_urlsafe(32)
        with self._lock:
            self._portal_sessions.add(session)
        location = f"/api/signin/{self.app_id}?{urlencode({'tenantId': self.tenant_id})}"
        return Response.redirect(location).set_cookie(PORTAL_COOKIE, session)

    # -- sign-in --------------------------------------------------------------------------

    def _credential_type(self, request: Request) -> Response:
        self._bump("credential_type_calls")
        body = request.json_object()
        if body is None:
            return refusal("90019", "The request body is not a JSON object.")
        found = self._flow_of(request, body.get("flowToken"), str(body.get("originalRequest")))
        if isinstance(found, Response):
            return found
        refused = self._api_refusal(request, found)
        if refused is not None:
            return refused
        username = str(body.get("username", ""))
        domain = username.rpartition("@")[2].lower()
        federated = domain in self.federated_domains
        exists = federated or username.lower() in self.users
        found.username = username
        credentials: dict[str, Any] = {
            "PrefCredential": 4 if federated else 1,
            "HasPassword": True,
            "RemoteNgcParams": None,
            "FidoParams": None,
            "SasParams": None,
            "CertAuthParams": None,
            "GoogleParams": None,
            "FacebookParams": None,
        }
        if federated and self.adfs is not None:
            wctx_id = secrets.token_urlsafe(24)
            with self._lock:
                self._wctx[wctx_id] = found
            wctx = f"LoginOptions=3&estsredirect=2&estsrequest={wctx_id}"
            query = urlencode(
                {"username": username, "wa": "wsignin1.0", "wtrealm": WSFED_REALM, "wctx": wctx}
            )
            credentials["FederationRedirectUrl"] = f"{self.adfs.url}/adfs/ls/?{query}"
        found.api_canary = secrets.token_urlsafe(32)
        answer = {
            "Username": username,
            "Display": username,
            "IfExistsResult": 0 if exists else 1,
            "IsUnmanaged": False,
            "ThrottleStatus": 0,
            "Credentials": credentials,
            "EstsProperties": {"UserTenantBranding": None, "DomainType": 4 if federated else 3},
            "IsSignupDisallowed": True,
            "apiCanary": found.api_canary,
            "FlowToken": self._issue(found),
        }
        return Response.json(answer)

    def _password(self, request: Request) -> Response:
        self._bump("password_posts")
        form = dict(request.form_pairs())
        found = self._form_flow(request, form, "ctx")
        if isinstance(found, Response):
            return found
        user, password = form.get("login", ""), form.get("passwd", "")
        if form.get("loginfmt") != user or self.users.get(user.lower()) != password or not password:
            found.username = user
            return self._signin_page(found, "50126")
        found.user = user
        return self._advance(found)

    def _wsfed_return(self, request: Request) -> Response:
        self._bump("hidden_form_posts")
        form = dict(request.form_pairs())
        wctx = parse_qs(form.get("wctx", "")).get("estsrequest", [""])[0]
        with self._lock:
            flow = self._wctx.pop(wctx, None)
        if flow is None or request.cookies.get(FLOW_COOKIE) != flow.esctx:
            self._bump("stale_tokens")
            return self._error("90014")
        token = wsfed_token(form.get("wresult", ""))
        user = None if self.adfs is None or token is None else self.adfs.redeem_wsfed_token(token)
        if form.get("wa") != "wsignin1.0" or user is None or user.lower() != flow.username.lower():
            return self._error("50000", flow)
        flow.user, flow.federated = user, True
        return self._advance(flow)

    def _kmsi(self, request: Request) -> Response:
        self._bump("kmsi_posts")
        form = dict(request.form_pairs())
        found = self._form_flow(request, form, "ctx")
        if isinstance(found, Response):
            return found
        answer = form.get("LoginOptions", "")
        with self._lock:
            self._kmsi_answers.append(answer)
        found.done.add("kmsi")
        if self.kmsi_redirect:
            query = urlencode({"flowToken": self._issue(found)})
            response = Response.redirect(f"{self.url}/common/resume?{query}")
        else:
            response = self._advance(found)
        if answer == "1":
            session = self._session_for(found)
            expires = session.expires_at or session.issued_at + PERSISTENT_SECONDS
            response = response.set_cookie(PERSISTENT_COOKIE, session.value, expires=expires)
        return response

    def _go_on(self, request: Request, *, skip_proof_up: bool) -> Response:
        """GET of urlSkipMfaRegistration (`skip_proof_up`) or of where KMSI redirected: the
        flow (its token in the query) goes on."""
        found = self._flow_of(request, request.arg("flowToken"))
        if isinstance(found, Response):
            return found
        if skip_proof_up:
            self._bump("proofup_skips")
            found.done.add("proofup")
        return self._advance(found)

    def _proof_up_post(self, request: Request) -> Response:
        return self._error("50079")

    def _reprocess(self, request: Request) -> Response:
        if self.interrupt == "loop":
            return Response.html(pages.hidden_form(self._u("/common/reprocess"), LOOP_INPUTS))
        return self._error("50196")


_POSTS = {
    "/common/GetCredentialType": EntraEmulator._credential_type,
    "/common/login": EntraEmulator._password,
    "/kmsi": EntraEmulator._kmsi,
    "/common/SAS/BeginAuth": EntraEmulator._begin_auth,
    "/common/SAS/EndAuth": EntraEmulator._end_auth,
    "/common/SAS/ProcessAuth": EntraEmulator._process_auth,
    "/common/ProofUp/Redirect": EntraEmulator._proof_up_post,
    "/common/reprocess": EntraEmulator._reprocess,
    "/login.srf": EntraEmulator._wsfed_return,
    "/signin-oidc": EntraEmulator._signin_oidc,
}
