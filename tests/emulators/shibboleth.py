"""Shibboleth IdP emulator (v3, v4, v5): the browser flow of Spring Web Flow, and ECP.

Browser flow (IdP-initiated, `entry_url`):
1. `GET /idp/profile/SAML2/Unsolicited/SSO?providerId=urn:amazon:webservices` starts a
   conversation C under the `JSESSIONID` cookie and answers 302 to `...?execution=eCs1`.
2. Each view is served by a GET of its execution URL; its form POSTs back to that URL. A
   POST that moves the flow on answers 302 to the next `eCsN` (N grows per view, an error
   re-render included); the last one answers the SAMLResponse form at once.
3. Views in order: the client-storage read view (`local_storage`), the login view (unless
   a live `shib_idp_session` cookie came with the request), the client-storage write view,
   the attribute-release view (`consent`, unless an earlier acceptance was remembered),
   then the auto-post form to https://signin.aws.amazon.com/saml.
A POST to any but the current execution answers the "Stale Request" error view, a wrong or
missing `csrf_token` (v4+) the CSRF error view; a POST without `_eventId_proceed` (or the
reject event on the consent view) shows the same view again. Error views are HTTP 200, as
the IdP renders them. Pages: `shibboleth_pages.py`; ECP (`ecp_url`): `shibboleth_ecp.py`.
"""

from __future__ import annotations

import secrets

from tests.emulators import shibboleth_pages as pages
from tests.emulators.messages import Request, Response
from tests.emulators.saml import AWS_SIGNIN_URL
from tests.emulators.shibboleth_core import (
    ECP_PATH,
    FLOW_COOKIE,
    KEEP_CONSENT,
    PROVIDER_ID,
    SESSION_COOKIE,
    SSO_PATH,
    Flow,
    ShibbolethCore,
)

__all__ = ["ECP_PATH", "SSO_PATH", "ShibbolethEmulator"]


class ShibbolethEmulator(ShibbolethCore):
    """A Shibboleth IdP on https://127.0.0.1:PORT; the module docstring has the flow.

    Options: `users` (name -> password), `roles`, `session_duration` (the AWS attribute),
    `version` (3: no CSRF token; 4 and 5: `csrf_token`), `local_storage` (the read and
    write views), `consent` and `consent_attributes` (the attribute-release view), `ecp`
    (the ECP endpoint serves AWS), `account_status` (user -> "locked" | "expired": the
    login view shows that message), `error_text` (replaces the wrong-password message).
    Counters: `logins` (SAML answers, browser and ECP), `password_posts`, `storage_reads`,
    `storage_writes`, `consent_posts`, `ecp_requests`, `gets`, `sign_ins`,
    `session_reuses`. `consent_answers` lists "accepted" / "refused" in order.
    A login sets `shib_idp_session` (HttpOnly, Secure, path /idp) unless `donotcache` was
    ticked; ECP keeps no session.
    """

    # -- routing ------------------------------------------------------------------------

    def handle(self, request: Request) -> Response:
        if request.method == "GET":
            self._bump("gets")
        if request.path == ECP_PATH and request.method == "POST":
            return self._ecp(request)
        if request.path != SSO_PATH or request.method not in ("GET", "POST"):
            return Response.html(pages.error_view(pages.UNSUPPORTED), 404)
        execution = request.arg("execution")
        if execution is None:
            return self._entry(request) if request.method == "GET" else self._stale()
        with self._lock:
            flow = self._flows.get(request.cookies.get(FLOW_COOKIE, ""))
        if flow is None or flow.execution != execution:
            return self._stale()
        if request.method == "GET":
            return Response.html(self._render(flow))
        return self._post(flow, request)

    def _stale(self) -> Response:
        return Response.html(pages.error_view(pages.STALE))

    def _entry(self, request: Request) -> Response:
        if request.arg("providerId") != PROVIDER_ID:
            return Response.html(pages.error_view(pages.UNSUPPORTED))
        jsession = request.cookies.get(FLOW_COOKIE) or secrets.token_hex(16).upper()
        with self._lock:
            self._conversations += 1
            flow = Flow(self._conversations, 0, "", "", request.arg("target"))
            self._flows[jsession] = flow
        first = "read" if self.local_storage else self._after_read(flow, request)
        return self._goto(flow, first).set_cookie(FLOW_COOKIE, jsession, "/idp")

    # -- the flow -----------------------------------------------------------------------

    def _goto(self, flow: Flow, view: str | None) -> Response:
        """Move `flow` to `view` (a redirect to its new execution URL), or end it with the
        SAMLResponse form when `view` is None."""
        if view is None:
            response = self._final(flow)
        else:
            with self._lock:
                flow.step += 1
                flow.view = view
                flow.csrf = secrets.token_urlsafe(24)
            response = Response.redirect(pages.action_of(flow.execution))
        if flow.set_cookie and flow.session is not None:
            flow.set_cookie = False
            response = response.set_cookie(SESSION_COOKIE, flow.session.value, "/idp")
        return response

    def _render(self, flow: Flow) -> str:
        csrf = flow.csrf if self.version >= 4 else None
        if flow.view == "read":
            return pages.storage_read_view(flow.execution, csrf)
        if flow.view == "login":
            return pages.login_view(flow.execution, csrf, flow.error, flow.typed_user)
        if flow.view == "write":
            return pages.storage_write_view(flow.execution, csrf, secrets.token_urlsafe(48))
        return pages.consent_view(flow.execution, csrf, self._attributes(flow))

    def _post(self, flow: Flow, request: Request) -> Response:
        form = dict(request.form_pairs())
        if self.version >= 4 and form.get("csrf_token") != flow.csrf:
            self._end(flow)
            return Response.html(pages.error_view(pages.CSRF))
        proceed = "_eventId_proceed" in form
        if flow.view == "read":
            self._bump("storage_reads")
            return self._goto(flow, self._after_read(flow, request) if proceed else "read")
        if flow.view == "login":
            return self._login(flow, form)
        if flow.view == "write":
            self._bump("storage_writes")
            return self._goto(flow, self._after_write(flow) if proceed else "write")
        self._bump("consent_posts")
        if "_eventId_AttributeReleaseRejected" in form:
            self._answer_consent("refused")
            self._end(flow)
            return Response.html(pages.error_view(pages.REFUSED))
        if not proceed:
            return self._goto(flow, "consent")
        self._answer_consent("accepted")
        if form.get("_shib_idp_consentOptions") in KEEP_CONSENT and flow.session is not None:
            with self._lock:
                self._remembered.add(flow.session.user)
        return self._goto(flow, None)

    def _after_read(self, flow: Flow, request: Request) -> str | None:
        """The view after the storage read: the login, or with a live session the rest."""
        session = self._session(request.cookies.get(SESSION_COOKIE))
        if session is None:
            return "login"
        flow.session = session
        return self._after_login(flow)

    def _after_login(self, flow: Flow) -> str | None:
        return "write" if self.local_storage else self._after_write(flow)

    def _after_write(self, flow: Flow) -> str | None:
        with self._lock:
            remembered = flow.session is not None and flow.session.user in self._remembered
        return "consent" if self.consent and not remembered else None

    def _login(self, flow: Flow, form: dict[str, str]) -> Response:
        if "_eventId_proceed" not in form:
            return self._goto(flow, "login")
        self._bump("password_posts")
        user, password = form.get("j_username", ""), form.get("j_password", "")
        known = self.users.get(user)
        status = self.account_status.get(user)
        if known is None:
            error: str | None = pages.UNKNOWN_USER
        elif status == "locked" or (status == "expired" and password == known):
            error = pages.ACCOUNT_MESSAGES[status]
        elif password != known:
            error = self.error_text or pages.WRONG_PASSWORD
        else:
            error = None
        flow.error, flow.typed_user = error, user
        if error is not None:
            return self._goto(flow, "login")
        if form.get("_shib_idp_revokeConsent") == "true":
            with self._lock:
                self._remembered.discard(user)
        flow.session = self._sign_in(user)
        flow.set_cookie = form.get("donotcache") != "1"
        return self._goto(flow, self._after_login(flow))

    def _final(self, flow: Flow) -> Response:
        """End `flow` with the SAMLResponse auto-post form (a session reuse when the flow
        found its session in a cookie rather than signing in)."""
        self._end(flow)
        session = flow.session
        if session is None:  # no path reaches here without a session
            return Response.html(pages.error_view(pages.STALE))
        self._served(session)
        self._bump("logins")
        page = pages.saml_post_form(AWS_SIGNIN_URL, self._assertion(session.user), flow.relay_state)
        return Response.html(page)
