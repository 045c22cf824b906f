"""The state of the Shibboleth IdP emulator: options, conversations, consent memory, ECP.

`ShibbolethCore` owns the options (documented on `ShibbolethEmulator`), the counters,
the attribute values shown for consent, the assertion, and the ECP endpoint (a single
SOAP exchange, no flow). shibboleth.py adds the browser flow of Spring Web Flow.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tests.emulators import shibboleth_ecp as ecp
from tests.emulators import shibboleth_pages as pages
from tests.emulators.messages import Request, Response
from tests.emulators.options import DEFAULT_USER, check_option
from tests.emulators.saml import AWS_SIGNIN_URL
from tests.emulators.server import Count
from tests.emulators.sessions import IdpSession, SessionIdp, SessionOptions
from tests.emulators.tls import TestTls

if TYPE_CHECKING:
    from typing_extensions import Unpack

SSO_PATH = pages.SSO_PATH
ECP_PATH = "/idp/profile/SAML2/SOAP/ECP"
PROVIDER_ID = "urn:amazon:webservices"
ISSUER = "https://idp.example.edu/idp/shibboleth"
FLOW_COOKIE = "JSESSIONID"
SESSION_COOKIE = "shib_idp_session"
VERSIONS = (3, 4, 5)
STATUSES = ("locked", "expired")
KEEP_CONSENT = ("_shib_idp_rememberConsent", "_shib_idp_globalConsent")


@dataclass
class Flow:
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


class ShibbolethCore(SessionIdp):
    """Options, state, ECP and the assertion; `ShibbolethEmulator` documents them."""

    default_session_lifetime = 3600.0

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
        version: int = 5,
        local_storage: bool = True,
        consent: bool = False,
        consent_attributes: Sequence[str] = ("uid", "mail", "eduPersonAffiliation"),
        ecp: bool = True,
        account_status: Mapping[str, str] | None = None,
        error_text: str | None = None,
        **session: Unpack[SessionOptions],
    ) -> None:
        """Raises ValueError on an unknown `version` or account status."""
        check_option("version", [version], VERSIONS)
        check_option("account_status", (account_status or {}).values(), STATUSES)
        super().__init__(tls, **session)
        self.version = version
        self.local_storage = local_storage
        self.consent = consent
        self.consent_attributes = list(consent_attributes)
        self.ecp = ecp
        self.account_status = dict(account_status or {})
        self.error_text = error_text
        self.consent_answers: list[str] = []
        self._flows: dict[str, Flow] = {}  # JSESSIONID -> its current conversation
        self._conversations = 0
        self._remembered: set[str] = set()  # users whose consent is remembered

    @property
    def entry_url(self) -> str:
        return f"{self.url}{SSO_PATH}?providerId={PROVIDER_ID}"

    @property
    def ecp_url(self) -> str:
        return f"{self.url}{ECP_PATH}"

    def _answer_consent(self, answer: str) -> None:
        with self._lock:
            self.consent_answers.append(answer)

    def _end(self, flow: Flow) -> None:
        """Forget `flow`: its execution URLs are stale from now on."""
        with self._lock:
            for jsession, live in list(self._flows.items()):
                if live is flow:
                    del self._flows[jsession]

    def _attributes(self, flow: Flow) -> list[tuple[str, str]]:
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
        return self._saml_for(
            user,
            issuer=ISSUER,
            prefixes=("saml2p", "saml2"),
        )

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
