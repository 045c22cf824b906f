"""The pages that follow a sign-in, and the TFA steps, of the Entra ID emulator.

`EntraSteps` adds to `EntraCore` what a flow shows once the user is known (`advance`:
account error, interrupt, TFA, proof-up, KMSI, final form) and the Strong Auth Service
answers (BeginAuth, EndAuth, ProcessAuth). Routes live in entra.py.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlencode

from tests.emulators import entra_pages as pages
from tests.emulators.entra_core import FLOW_COOKIE, LOOP_INPUTS, SESSION_COOKIE, EntraCore, refusal
from tests.emulators.entra_flow import (
    CODE_METHODS,
    DISPLAY,
    PUSH_METHODS,
    SIGNIN_PAGE_ERRORS,
    Flow,
    end_auth,
)
from tests.emulators.entra_saml import build_authn_request
from tests.emulators.messages import Request, Response
from tests.emulators.sessions import IdpSession


class EntraSteps(EntraCore):
    """Flow pages after sign-in, final forms and the TFA (SAS) handlers."""

    def _signin_page(self, flow: Flow, error: str = "50058") -> Response:
        extra = {
            "urlGetCredentialType": self._u("/common/GetCredentialType?mkt=en-US"),
            "urlPost": self._u("/common/login"),
            "sPOST_Username": flow.username,
            "fIsFidoSupported": False,
            "iMaxPollErrors": 5,
        }
        response = self._page(flow, "ConvergedSignIn", extra, error=error)
        return response.set_cookie(FLOW_COOKIE, flow.esctx)

    def _advance(self, flow: Flow) -> Response:
        """What follows a sign-in: account error, interrupt, TFA, proof-up, KMSI, final."""
        code = self.account_errors.get(flow.user.lower())
        if code in SIGNIN_PAGE_ERRORS:
            return self._signin_page(flow, code)
        if code:
            return self._error(code, flow)
        if self.interrupt and "interrupt" not in flow.done:
            return self._interrupt(flow)
        if self.mfa and not flow.federated and "tfa" not in flow.done:
            return self._tfa_page(flow)
        if self.proof_up and "proofup" not in flow.done:
            token = self._issue(flow)  # the skip URL carries the page's own flow token
            extra: dict[str, Any] = {"urlPost": self._u("/common/ProofUp/Redirect")}
            if self.proof_up == "skippable":
                query = urlencode({"flowToken": token})
                extra["urlSkipMfaRegistration"] = self._u(f"/common/SkipMfaRegistration?{query}")
            extra["iRemainingDays"] = 14
            return self._page(flow, "ConvergedProofUpRedirect", extra, token=token)
        session = self._session_for(flow).value
        if self.kmsi and "kmsi" not in flow.done:
            extra = {"urlPost": self._u("/kmsi"), "sPOST_Username": flow.user}
            response = self._page(flow, "KmsiInterrupt", extra)
            return response.set_cookie(SESSION_COOKIE, session)
        return self._final(flow).set_cookie(SESSION_COOKIE, session)

    def _session_for(self, flow: Flow) -> IdpSession:
        """The flow's ESTS session, made on first use: the sign-in is complete then."""
        if flow.session is None:
            flow.session = self._sign_in(flow.user)
        return flow.session

    def _interrupt(self, flow: Flow) -> Response:
        if self.interrupt == "loop":
            self._forget(flow)
            return Response.html(pages.hidden_form(self._u("/common/reprocess"), LOOP_INPUTS))
        pgid = "ConvergedPasskeyEnrollment"  # "unknown": a page no client knows yet
        if self.interrupt == "conditional_access":
            pgid = "ConvergedConditionalAccess"
        return self._page(flow, pgid, {"urlPost": self._u("/common/reprocess")})

    def _tfa_page(self, flow: Flow) -> Response:
        proofs = [
            {
                "authMethodId": method,
                "data": method,
                "display": DISPLAY[method],
                "isDefault": method == self.default_mfa,
                "isLocationAware": False,
            }
            for method in self.mfa
        ]
        extra = {
            "arrUserProofs": proofs,
            "oPerAuthPollingInterval": {m: self.poll_interval for m in PUSH_METHODS},
            "urlBeginAuth": self._u("/common/SAS/BeginAuth"),
            "urlEndAuth": self._u("/common/SAS/EndAuth"),
            "urlPost": self._u("/common/SAS/ProcessAuth"),
            "sPOST_Username": flow.user,
            "iMaxPollAttempts": 10,
            "iPollingTimeout": 120000,
            "sTrustedDeviceCheckboxName": "rememberMFA",
            "sAuthMethodInputFieldName": "mfaAuthMethod",
        }
        return self._page(flow, "ConvergedTFA", extra, error=self.tfa_reason)

    # -- final forms ----------------------------------------------------------------------

    def _final(self, flow: Flow) -> Response:
        self._forget(flow)
        if flow.portal:
            return self._oidc_form(flow.user, flow.oidc_state)
        return self._saml_form(flow.user, flow.relay_state, flow.session)

    def _saml_form(
        self, user: str, relay_state: str | None, session: IdpSession | None
    ) -> Response:
        """The final SAMLResponse form, served under `session` (if any)."""
        if session is not None:
            self._served(session)
        self._bump("logins")
        saml = self._saml_for(
            user,
            issuer=f"https://sts.windows.net/{self.tenant_id}/",
            prefixes=("samlp", "saml"),
        )
        inputs = [("SAMLResponse", saml)]
        if relay_state is not None:
            inputs.append(("RelayState", relay_state))
        return Response.html(pages.hidden_form(self.form_action or self.acs_url, inputs))

    def _oidc_form(self, user: str, state: str) -> Response:
        code = secrets.token_urlsafe(32)
        with self._lock:
            self._codes[code] = user
        inputs = [
            ("code", code),
            ("id_token", f"eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.{secrets.token_urlsafe(48)}.sig"),
            ("state", state),
            ("session_state", str(uuid.uuid4())),
        ]
        return Response.html(pages.hidden_form(f"{self.url}/signin-oidc", inputs))

    def _portal_saml2_url(self) -> str:
        query = urlencode(
            {"SAMLRequest": build_authn_request(self.entity_id, self.acs_url), "sso_reload": "true"}
        )
        return f"{self.url}/{self.tenant_id}/saml2?{query}"

    # -- TFA ------------------------------------------------------------------------------

    def _sas_flow(self, request: Request) -> tuple[Flow, dict[str, Any]] | Response:
        body = request.json_object()
        if body is None:
            return refusal("90019", "The request body is not a JSON object.")
        found = self._flow_of(request, body.get("FlowToken"), str(body.get("Ctx", "")))
        if isinstance(found, Response):
            return found
        refused = self._api_refusal(request, found)
        return refused if refused is not None else (found, body)

    def _sas_answer(self, flow: Flow, result: str, **fields: Any) -> Response:
        answer = {
            "Success": result == "Success",
            "ResultValue": result,
            "Message": None,
            "AuthMethodId": flow.mfa_method,
            "ErrCode": 0,
            "Retry": False,
            **fields,
            "FlowToken": self._issue(flow),
            "Ctx": flow.rotate(),
            "SessionId": flow.mfa_session,
            "CorrelationId": flow.correlation_id,
            "Timestamp": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
        return Response.json(answer)

    def _begin_auth(self, request: Request) -> Response:
        self._bump("begin_auths")
        found = self._sas_flow(request)
        if isinstance(found, Response):
            return found
        flow, body = found
        method = str(body.get("AuthMethodId", ""))
        if method not in self.mfa or body.get("Method") != "BeginAuth" or "tfa" in flow.done:
            return self._sas_answer(flow, "InvalidAuthMethod", ErrCode=500121, Entropy=0)
        with self._lock:
            self._mfa_sent.append(method)
        flow.mfa_method, flow.mfa_session = method, secrets.token_hex(16)
        flow.mfa_polls, flow.mfa_ok = 0, False
        number = self.entropy if method == "PhoneAppNotification" and self.entropy else 0
        return self._sas_answer(flow, "Success", Entropy=number)

    def _end_auth(self, request: Request) -> Response:
        self._bump("end_auths")
        found = self._sas_flow(request)
        if isinstance(found, Response):
            return found
        flow, body = found
        valid = (
            body.get("Method") == "EndAuth"
            and body.get("AuthMethodId") == flow.mfa_method
            and body.get("SessionId") == flow.mfa_session
            and flow.mfa_method
        )
        if not valid:
            return self._sas_answer(flow, "InvalidSession", ErrCode=500121)
        code = body.get("AdditionalAuthData")
        if flow.mfa_method in CODE_METHODS:
            self._bump("otp_attempts")
        with self._lock:
            result = end_auth(
                flow,
                None if code is None else str(code),
                outcome=self.mfa_outcome,
                approve_after=self.mfa_approve_after,
                otp_code=self.otp_code,
                used_codes=self._used_codes,
            )
            if result.success and flow.mfa_method in CODE_METHODS:
                self._used_codes.add(self.otp_code)
        return self._sas_answer(flow, result.result, ErrCode=result.err_code, Retry=result.retry)

    def _process_auth(self, request: Request) -> Response:
        self._bump("process_auths")
        form = dict(request.form_pairs())
        found = self._form_flow(request, form, "request")
        if isinstance(found, Response):
            return found
        if not found.mfa_ok or form.get("mfaAuthMethod") != found.mfa_method:
            return self._error("500121", found)
        found.done.add("tfa")
        return self._advance(found)
