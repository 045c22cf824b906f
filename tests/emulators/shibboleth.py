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
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from tests.emulators import shibboleth_ecp as ecp
from tests.emulators import shibboleth_pages as pages
from tests.emulators.messages import Request, Response
from tests.emulators.options import DEFAULT_PASSWORD, DEFAULT_USER, check_option
from tests.emulators.saml import AWS_SIGNIN_URL, DEFAULT_ROLE, build_saml_response
from tests.emulators.server import Count
from tests.emulators.sessions import Clock, IdpSession, SessionIdp
from tests.emulators.tls import TestTls

SSO_PATH = pages.SSO_PATH
ECP_PATH = "/idp/profile/SAML2/SOAP/ECP"
PROVIDER_ID = "urn:amazon:webservices"
ISSUER = "https://idp.example.edu/idp/shibboleth"
FLOW_COOKIE = "JSESSIONID"
SESSION_COOKIE = "shib_idp_session"
VERSIONS = (3, 4, 5)
STATUSES = ("locked", "expired")
KEEP_CONSENT = ("_shib_idp_rememberConsent", "_shib_idp_globalConsent")

__all__ = ["ECP_PATH", "SSO_PATH", "ShibbolethEmulator"]


@dataclass
class _Flow:
    """One conversation of one browser: the view it waits on and what it learnt."""

    conversation: int
    step: int
    view: str  # "read" | "login" | "write" | "consent"
    csrf: str
    relay_state: str | None
    error: str | None = None
    typed_user: str = ""
    session: IdpSession | None = None
    set_cookie: bool = False

    @property
    def execution(self) -> str:
        return f"e{self.conversation}s{self.step}"


class ShibbolethEmulator(SessionIdp):
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

    password_posts = Count()
    storage_reads = Count()
    storage_writes = Count()
    consent_posts = Count()
    ecp_requests = Count()
    gets = Count()

    def __init__(
        self,
        tls: TestTls,
        *,
        users: Mapping[str, str] | None = None,
        roles: Sequence[tuple[str, str]] = (DEFAULT_ROLE,),
        session_duration: int | None = None,
        version: int = 5,
        local_storage: bool = True,
        consent: bool = False,
        consent_attributes: Sequence[str] = ("uid", "mail", "eduPersonAffiliation"),
        ecp: bool = True,
        account_status: Mapping[str, str] | None = None,
        error_text: str | None = None,
        session_lifetime: float | None = 3600.0,
        clock: Clock | None = None,
        hang: bool = False,
    ) -> None:
        """Raises ValueError on an unknown `version` or account status."""
        check_option("version", [version], VERSIONS)
        check_option("account_status", (account_status or {}).values(), STATUSES)
        super().__init__(
            tls, session_lifetime=session_lifetime, clock=clock or time.time, hang=hang
        )
        self.users = dict(users if users is not None else {DEFAULT_USER: DEFAULT_PASSWORD})
        self.roles = list(roles)
        self.session_duration = session_duration
        self.version = version
        self.local_storage = local_storage
        self.consent = consent
        self.consent_attributes = list(consent_attributes)
        self.ecp = ecp
        self.account_status = dict(account_status or {})
        self.error_text = error_text
        self.consent_answers: list[str] = []
        self._flows: dict[str, _Flow] = {}  # JSESSIONID -> its current conversation
        self._conversations = 0
        self._remembered: set[str] = set()  # users whose consent is remembered

    @property
    def entry_url(self) -> str:
        return f"{self.url}{SSO_PATH}?providerId={PROVIDER_ID}"

    @property
    def ecp_url(self) -> str:
        return f"{self.url}{ECP_PATH}"

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
            flow = _Flow(self._conversations, 0, "", "", request.arg("target"))
            self._flows[jsession] = flow
        first = "read" if self.local_storage else self._after_read(flow, request)
        return self._goto(flow, first).set_cookie(FLOW_COOKIE, jsession, "/idp")

    # -- the flow -----------------------------------------------------------------------

    def _goto(self, flow: _Flow, view: str | None) -> Response:
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

    def _render(self, flow: _Flow) -> str:
        csrf = flow.csrf if self.version >= 4 else None
        if flow.view == "read":
            return pages.storage_read_view(flow.execution, csrf)
        if flow.view == "login":
            return pages.login_view(flow.execution, csrf, flow.error, flow.typed_user)
        if flow.view == "write":
            return pages.storage_write_view(flow.execution, csrf, secrets.token_urlsafe(48))
        return pages.consent_view(flow.execution, csrf, self._attributes(flow))

    def _post(self, flow: _Flow, request: Request) -> Response:
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

    def _after_read(self, flow: _Flow, request: Request) -> str | None:
        """The view after the storage read: the login, or with a live session the rest."""
        session = self._session(request.cookies.get(SESSION_COOKIE))
        if session is None:
            return "login"
        flow.session = session
        return self._after_login(flow)

    def _after_login(self, flow: _Flow) -> str | None:
        return "write" if self.local_storage else self._after_write(flow)

    def _after_write(self, flow: _Flow) -> str | None:
        with self._lock:
            remembered = flow.session is not None and flow.session.user in self._remembered
        return "consent" if self.consent and not remembered else None

    def _login(self, flow: _Flow, form: dict[str, str]) -> Response:
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

    def _answer_consent(self, answer: str) -> None:
        with self._lock:
            self.consent_answers.append(answer)

    def _end(self, flow: _Flow) -> None:
        """Forget `flow`: its execution URLs are stale from now on."""
        with self._lock:
            for jsession, live in list(self._flows.items()):
                if live is flow:
                    del self._flows[jsession]

    def _attributes(self, flow: _Flow) -> list[tuple[str, str]]:
        user = flow.session.user if flow.session is not None else DEFAULT_USER
        local, _, domain = user.partition("@")
        known = {
            "uid": local,
            "mail": user if domain else f"{user}@example.edu",
            "eduPersonAffiliation": "member",
            "eduPersonPrincipalName": f"{local}@example.edu",
        }
        return [(name, known.get(name, "value")) for name in self.consent_attributes]

    def _assertion(self, user: str) -> str:
        return build_saml_response(
            self.roles,
            session_name=user,
            session_duration=self.session_duration,
            issuer=ISSUER,
            prefixes=("saml2p", "saml2"),
        )

    def _final(self, flow: _Flow) -> Response:
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

    # -- ECP --------------------------------------------------------------------------

    def _ecp(self, request: Request) -> Response:
        self._bump("ecp_requests")
        content_type = request.headers.get("content-type", "")
        parsed = ecp.parse_authn_request(request.body)
        if not content_type.startswith("text/xml") or parsed is None:
            fault = ecp.soap_fault("Client", "The request is not a SOAP-wrapped AuthnRequest.")
            return Response(400, fault.encode(), "text/xml; charset=utf-8")
        if not self.ecp:
            fault = ecp.soap_fault("Server", "The ECP profile is not enabled for this service.")
            return Response(500, fault.encode(), "text/xml; charset=utf-8")
        _, acs_url = parsed
        if acs_url not in ("", AWS_SIGNIN_URL):
            fault = ecp.soap_fault("Client", "Unrecognised AssertionConsumerServiceURL.")
            return Response(500, fault.encode(), "text/xml; charset=utf-8")
        credentials = ecp.basic_credentials(request.headers.get("authorization"))
        if credentials is None or not self._ecp_accepts(*credentials):
            return Response.html("<html><body>401 Unauthorized</body></html>", 401).with_header(
                "WWW-Authenticate", f'Basic realm="{ecp.REALM}"'
            )
        self._bump("logins")
        body = ecp.ecp_response(self._assertion(credentials[0]), AWS_SIGNIN_URL)
        return Response(200, body.encode(), "text/xml;charset=UTF-8")

    def _ecp_accepts(self, user: str, password: str) -> bool:
        known = self.users.get(user)
        return known is not None and password == known and user not in self.account_status
