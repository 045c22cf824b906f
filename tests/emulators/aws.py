"""HTTPS stand-ins for the AWS endpoints moto cannot play: an STS that accepts
multi-role assertions and enforces a role's MaxSessionDuration, and the console
federation endpoint (getSigninToken). Standard library and trustme only (no moto), so
`make demo` can use them from its small virtualenv.

Contract: `StsEmulator(tls, max_session_duration=3600)` answers the Query API actions
AssumeRoleWithSAML and GetCallerIdentity (for the access keys it issued; the signature
is not checked) with XML like AWS (ErrorResponse with Code/Message on errors) and
records each call's parameters in `calls`; `expiration_text` replaces the answer's
Expiration with that text (a broken STS), `clock_skew` (seconds) shifts the emulator's
clock (negative: credentials that expire before the client's time).
`FederationEmulator(tls)` answers `GET /federation?Action=getSigninToken&Session=<json>`
with `{"SigninToken": ...}` and records the sessions it saw in `sessions`.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
from datetime import datetime, timedelta, timezone
from xml.sax.saxutils import escape, unescape

from tests.emulators.messages import Request, Response
from tests.emulators.saml import SESSION_NAME_ATTRIBUTE
from tests.emulators.server import Count, EmulatorServer
from tests.emulators.tls import TestTls

_NS = "https://sts.amazonaws.com/doc/2011-06-15/"
#: SigV4: "AWS4-HMAC-SHA256 Credential=AKID/date/region/service/aws4_request, ..."
_CREDENTIAL = re.compile(r"Credential=([A-Z0-9]+)/")
_SESSION_NAME = re.compile(
    re.escape(SESSION_NAME_ATTRIBUTE) + r'"[^>]*>\s*<[^>]*AttributeValue[^>]*>([^<]+)<'
)


def _error(code: str, message: str, status: int = 400) -> Response:
    body = (
        f'<ErrorResponse xmlns="{_NS}"><Error><Type>Sender</Type><Code>{code}</Code>'
        f"<Message>{escape(message)}</Message></Error><RequestId>r-1</RequestId></ErrorResponse>"
    )
    return Response(status, body.encode(), "text/xml")


class StsEmulator(EmulatorServer):
    """AssumeRoleWithSAML for any role in the posted assertion's claims."""

    def __init__(
        self,
        tls: TestTls,
        *,
        max_session_duration: int = 3600,
        fail_with: tuple[str, str] | None = None,
        expiration_text: str | None = None,
        clock_skew: float = 0.0,
    ) -> None:
        """`fail_with` = (Code, Message) makes every call fail with that error."""
        super().__init__(tls)
        self.max_session_duration = max_session_duration
        self.fail_with = fail_with
        self.expiration_text = expiration_text
        self.clock_skew = clock_skew
        self.calls: list[dict[str, str]] = []
        #: Access key ID -> ARN of the assumed-role session it belongs to.
        self._identities: dict[str, str] = {}

    assumed = Count()

    def handle(self, request: Request) -> Response:
        params = dict(request.form_pairs())
        with self._lock:
            self.calls.append(params)
        action = params.get("Action")
        if action == "GetCallerIdentity":
            return self._caller_identity(request)
        if action != "AssumeRoleWithSAML":
            return _error("InvalidAction", f"{action} is not emulated")
        if self.fail_with is not None:
            return _error(*self.fail_with)
        role, assertion = params.get("RoleArn", ""), params.get("SAMLAssertion", "")
        try:
            xml = base64.b64decode(assertion).decode()
        except ValueError:
            return _error("InvalidIdentityToken", "the assertion is not base64")
        if role not in xml:
            return _error("AccessDenied", "the role is not in the assertion")
        duration = int(params.get("DurationSeconds", "3600"))
        if duration > self.max_session_duration:
            return _error(
                "ValidationError",
                "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
            )
        self._bump("assumed")
        now = datetime.now(timezone.utc) + timedelta(seconds=self.clock_skew)
        expiration = (now + timedelta(seconds=duration)).strftime("%Y-%m-%dT%H:%M:%SZ")
        if self.expiration_text is not None:
            expiration = escape(self.expiration_text)
        name = role.rsplit("/", 1)[-1]
        key_id = f"ASIA{secrets.token_hex(8).upper()}"
        account = role.split(":")[4] if role.count(":") >= 5 else "123456789012"
        found = _SESSION_NAME.search(xml)
        session = unescape(found.group(1).strip()) if found else "session"
        with self._lock:
            self._identities[key_id] = f"arn:aws:sts::{account}:assumed-role/{name}/{session}"
        body = f"""<AssumeRoleWithSAMLResponse xmlns="{_NS}"><AssumeRoleWithSAMLResult>
<Credentials><AccessKeyId>{key_id}</AccessKeyId>
<SecretAccessKey>{secrets.token_urlsafe(30)}</SecretAccessKey>
<SessionToken>{secrets.token_urlsafe(120)}</SessionToken>
<Expiration>{expiration}</Expiration></Credentials>
<AssumedRoleUser><Arn>{escape(role)}/alice</Arn><AssumedRoleId>AROA:{name}</AssumedRoleId>
</AssumedRoleUser><Audience>https://signin.aws.amazon.com/saml</Audience>
</AssumeRoleWithSAMLResult><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata>
</AssumeRoleWithSAMLResponse>"""
        return Response(200, body.encode(), "text/xml")

    def _caller_identity(self, request: Request) -> Response:
        found = _CREDENTIAL.search(request.headers.get("authorization", ""))
        with self._lock:
            arn = self._identities.get(found.group(1)) if found else None
        if arn is None:
            return _error(
                "InvalidClientTokenId",
                "The security token included in the request is invalid.",
                403,
            )
        account = arn.split(":")[4]
        body = f"""<GetCallerIdentityResponse xmlns="{_NS}"><GetCallerIdentityResult>
<Arn>{escape(arn)}</Arn><UserId>AROA:{escape(arn.rsplit("/", 1)[-1])}</UserId>
<Account>{account}</Account></GetCallerIdentityResult>
<ResponseMetadata><RequestId>r-2</RequestId></ResponseMetadata></GetCallerIdentityResponse>"""
        return Response(200, body.encode(), "text/xml")


class FederationEmulator(EmulatorServer):
    """The console federation endpoint: getSigninToken for well-formed sessions."""

    def __init__(self, tls: TestTls) -> None:
        super().__init__(tls)
        self.sessions: list[dict[str, str]] = []
        self.tokens: list[str] = []

    @property
    def federation_url(self) -> str:
        return f"{self.url}/federation"

    def handle(self, request: Request) -> Response:
        if request.path != "/federation" or request.arg("Action") != "getSigninToken":
            return Response.html("<html><body>not found</body></html>", 404)
        try:
            session = json.loads(request.arg("Session") or "")
        except ValueError:
            return Response.html("<html><body>bad session</body></html>", 400)
        keys = {"sessionId", "sessionKey", "sessionToken"}
        if not isinstance(session, dict) or set(session) != keys:
            return Response.html("<html><body>bad session</body></html>", 400)
        token = secrets.token_urlsafe(40)
        with self._lock:
            self.sessions.append(session)
            self.tokens.append(token)
        return Response.json({"SigninToken": token})
