"""The state of the Entra ID emulator: options, flows, sessions, counters, page frame.

`EntraCore` owns the options, the flow index (flow token -> Flow, rotated on every
step), sessions and counters, and renders a flow's Converged page (fresh flow token,
ctx and canaries) and the ConvergedError page. entra_steps.py adds what follows a
sign-in and the TFA steps; entra.py the routes.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from tests.emulators import entra_pages as pages
from tests.emulators.adfs import AdfsEmulator
from tests.emulators.entra_flow import (
    INTERRUPTS,
    MFA_METHODS,
    MFA_OUTCOMES,
    PROOF_UPS,
    Flow,
    error_text,
)
from tests.emulators.messages import Request, Response
from tests.emulators.options import check_option
from tests.emulators.saml import AWS_SIGNIN_URL
from tests.emulators.server import Count
from tests.emulators.sessions import SessionIdp, SessionOptions
from tests.emulators.tls import TestTls

if TYPE_CHECKING:
    from typing_extensions import Unpack

TENANT = "contoso.onmicrosoft.com"
# Made-up GUIDs (not real tenants or apps).
TENANT_ID = "0e4a3c8f-5b21-4d7e-9a6c-3f1d2b7e8c90"
APP_ID = "5f3c2a1b-8d4e-4f6a-b7c9-1e2d3f4a5b6c"
PORTAL_CLIENT_ID = "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"
FLOW_COOKIE = "esctx"
SESSION_COOKIE = "ESTSAUTH"
PERSISTENT_COOKIE = "ESTSAUTHPERSISTENT"
PERSISTENT_SECONDS = 90 * 86400.0  # how long ESTSAUTHPERSISTENT is kept: 90 days
PORTAL_COOKIE = ".AspNet.Cookies"
LOOP_INPUTS = (
    ("ctx", "rQQIARAAjZLLaxNBHMd3kzRtUlKDFCk9SA56ELEoXMGLOGZhZ"),
    ("flowToken", "AQABAAEAAADnfolhJpSnRYB1SVj-Hgd8"),
)


def refusal(code: str, message: str) -> Response:
    """The JSON error Entra's APIs answer to a request they refuse (HTTP 400)."""
    body = {
        "error": "invalid_request",
        "error_codes": [int(code)],
        "error_description": f"AADSTS{code}: {message}",
    }
    return Response.json(body, 400)


class EntraCore(SessionIdp):
    """Options, flows, sessions and the page frame; `EntraEmulator` documents the options.

    Counters: `logins` (final SAMLResponse forms served), `password_posts`,
    `credential_type_calls`, `begin_auths`, `end_auths`, `process_auths`,
    `otp_attempts` (codes checked by EndAuth), `kmsi_posts`, `proofup_skips`,
    `hidden_form_posts` (OIDC and WS-Fed forms received), `stale_tokens` (requests
    refused for a stale or unknown flow token, a wrong ctx or canary), `gets`,
    `sign_ins` (ESTS sessions made: a sign-in with a password here, or a WS-Fed token
    from AD FS, whose own counters say whether it asked for a password; the TFA
    included) and `session_reuses` (SAMLResponse forms answered to a live ESTSAUTH or
    ESTSAUTHPERSISTENT cookie rather than to a sign-in).
    """

    logins = Count()
    password_posts = Count()
    credential_type_calls = Count()
    begin_auths = Count()
    end_auths = Count()
    process_auths = Count()
    otp_attempts = Count()
    kmsi_posts = Count()
    proofup_skips = Count()
    hidden_form_posts = Count()
    stale_tokens = Count()
    gets = Count()

    def __init__(
        self,
        tls: TestTls,
        *,
        tenant: str = TENANT,
        tenant_id: str = TENANT_ID,
        app_id: str = APP_ID,
        entity_id: str = AWS_SIGNIN_URL,
        acs_url: str = AWS_SIGNIN_URL,
        form_action: str | None = None,
        adfs: AdfsEmulator | None = None,
        federated_domains: Sequence[str] = (),
        mfa: Sequence[str] = (),
        default_mfa: str | None = None,
        mfa_outcome: str = "approve",
        mfa_approve_after: int = 2,
        entropy: int | None = 42,
        otp_code: str = "123456",
        kmsi: bool = True,
        kmsi_redirect: bool = False,
        proof_up: str | None = None,
        interrupt: str | None = None,
        account_errors: Mapping[str, str] | None = None,
        relative_urls: bool = False,
        layout: str = "linebreak",
        poll_interval: float = 1.0,
        tfa_reason: str = "",
        **session: Unpack[SessionOptions],
    ) -> None:
        """Raises ValueError on an unknown option value (see EntraEmulator)."""
        check_option("mfa", mfa, MFA_METHODS)
        check_option("default_mfa", [default_mfa], (None, *mfa))
        check_option("mfa_outcome", [mfa_outcome], MFA_OUTCOMES)
        check_option("proof_up", [proof_up], PROOF_UPS)
        check_option("interrupt", [interrupt], INTERRUPTS)
        check_option("layout", [layout], pages.LAYOUTS)
        if federated_domains and adfs is None:
            raise ValueError("federated_domains needs adfs")
        super().__init__(tls, **session)
        self.users = {name.lower(): password for name, password in self.users.items()}
        self.tenant, self.tenant_id, self.app_id = tenant, tenant_id, app_id
        self.entity_id, self.acs_url, self.form_action = entity_id, acs_url, form_action
        self.adfs = adfs
        self.federated_domains = tuple(domain.lower() for domain in federated_domains)
        self.mfa = list(mfa)
        self.default_mfa = default_mfa or (self.mfa[0] if self.mfa else None)
        self.mfa_outcome, self.mfa_approve_after = mfa_outcome, mfa_approve_after
        self.entropy, self.otp_code, self.poll_interval = entropy, otp_code, poll_interval
        self.tfa_reason = tfa_reason
        self.kmsi, self.proof_up, self.interrupt = kmsi, proof_up, interrupt
        self.kmsi_redirect = kmsi_redirect
        self.account_errors = {k.lower(): v for k, v in (account_errors or {}).items()}
        self.relative_urls, self.layout = relative_urls, layout
        self._flows: dict[str, Flow] = {}
        self._wctx: dict[str, Flow] = {}
        self._codes: dict[str, str] = {}  # OIDC authorization code -> user
        self._oidc_states: set[str] = set()
        self._portal_sessions: set[str] = set()
        self._used_codes: set[str] = set()
        self._authn_requests: list[dict[str, str]] = []
        self._mfa_sent: list[str] = []
        self._kmsi_answers: list[str] = []

    # -- public views -------------------------------------------------------------------

    @property
    def tenant_saml_url(self) -> str:
        """The SP-initiated entry point: `{url}/{tenant}/saml2` (add ?SAMLRequest=)."""
        return f"{self.url}/{self.tenant}/saml2"

    @property
    def user_access_url(self) -> str:
        """The My Apps "User access URL" of the AWS app."""
        return f"{self.url}/api/signin/{self.app_id}?{urlencode({'tenantId': self.tenant_id})}"

    @property
    def authn_requests(self) -> list[dict[str, str]]:
        """Every well-formed AuthnRequest received (accepted or refused), parsed."""
        with self._lock:
            return [dict(item) for item in self._authn_requests]

    @property
    def mfa_sent(self) -> list[str]:
        """authMethodIds BeginAuth was called for, in order."""
        with self._lock:
            return list(self._mfa_sent)

    @property
    def kmsi_answers(self) -> list[str]:
        """LoginOptions values received on "Stay signed in?" posts, in order."""
        with self._lock:
            return list(self._kmsi_answers)

    # -- flows ----------------------------------------------------------------------------

    def _u(self, path: str) -> str:
        """A `url*` value: relative when `relative_urls`, else absolute."""
        return path if self.relative_urls else f"{self.url}{path}"

    def _new_flow(self, *, portal: bool, relay_state: str | None = None, state: str = "") -> Flow:
        flow = Flow(portal=portal, relay_state=relay_state, oidc_state=state)
        with self._lock:
            self._flows[flow.token] = flow
        return flow

    def _issue(self, flow: Flow) -> str:
        """Retire the flow's token, issue (and return) the next one."""
        with self._lock:
            self._flows.pop(flow.token, None)
            flow.token = secrets.token_urlsafe(48)
            self._flows[flow.token] = flow
            return flow.token

    def _forget(self, flow: Flow) -> None:
        with self._lock:
            self._flows.pop(flow.token, None)

    def _flow_of(
        self, request: Request, token: str | None, ctx: str | None = None
    ) -> Flow | Response:
        """The flow `token` names, or the error page: 90007 without the flow cookie,
        90014 (counted in stale_tokens) for a stale token, another flow's cookie or a
        wrong ctx (when `ctx` is given)."""
        cookie = request.cookies.get(FLOW_COOKIE)
        if not cookie:
            return self._error("90007")
        with self._lock:
            flow = self._flows.get(token or "")
        if flow is None or flow.esctx != cookie or (ctx is not None and ctx != flow.ctx):
            self._bump("stale_tokens")
            return self._error("90014")
        return flow

    # -- pages ----------------------------------------------------------------------------

    def _page(
        self,
        flow: Flow,
        pgid: str,
        extra: Mapping[str, Any],
        *,
        error: str = "",
        body: str = "",
        token: str | None = None,
    ) -> Response:
        """A Converged page of `flow` with a fresh flow token (`token` if just issued),
        ctx and canaries."""
        hpgid, hpgact = pages.PAGE_IDS.get(pgid, (1199, 2999))
        flow.canary, flow.api_canary = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        config: dict[str, Any] = {
            "pgid": pgid,
            "hpgid": hpgid,
            "hpgact": hpgact,
            **extra,
            "sFT": token or self._issue(flow),
            "sFTName": "flowToken",
            "sCtx": flow.rotate(),
            "canary": flow.canary,
            "apiCanary": flow.api_canary,
            "correlationId": flow.correlation_id,
            "sessionId": flow.session_id,
            "sErrorCode": error,
            "sErrTxt": error_text(error) if error and error != "50058" else "",
        }
        return Response.html(pages.converged_page(config, self.layout, body))

    def _error(self, code: str, flow: Flow | None = None, *, message: str = "") -> Response:
        """A ConvergedError page for AADSTS `code` (HTTP 200, as Entra shows errors);
        `message` replaces the code's usual text. Ends `flow` when given."""
        if flow is not None:
            self._forget(flow)
        text = f"AADSTS{code}: {message}" if message else error_text(code)
        config = {
            "pgid": "ConvergedError",
            "hpgid": pages.PAGE_IDS["ConvergedError"][0],
            "hpgact": pages.PAGE_IDS["ConvergedError"][1],
            "sErrorCode": code,
            "sErrTxt": text,
            "correlationId": str(uuid.uuid4()),
            "sessionId": str(uuid.uuid4()),
            "urlCancel": self._u("/common/reprocess?prompt=select_account"),
        }
        return Response.html(pages.converged_page(config, self.layout, pages.error_body(text)))

    def _api_refusal(self, request: Request, flow: Flow) -> Response | None:
        headers = request.headers
        if headers.get("canary") != flow.api_canary:
            return refusal("90023", "The canary header is missing or invalid.")
        if headers.get("client-request-id") != flow.correlation_id:
            return refusal("90023", "The client-request-id header does not match.")
        if headers.get("hpgrequestid") != flow.session_id:
            return refusal("90023", "The hpgrequestid header does not match.")
        return None

    def _form_flow(self, request: Request, form: dict[str, str], ctx_field: str) -> Flow | Response:
        """The flow of a form post: flow token, ctx (`ctx_field`), cookie and canary."""
        found = self._flow_of(request, form.get("flowToken"), form.get(ctx_field, ""))
        if isinstance(found, Flow) and form.get("canary") != found.canary:
            self._bump("stale_tokens")
            return self._error("90014", found)
        return found
