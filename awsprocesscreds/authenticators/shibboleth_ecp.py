"""Shibboleth IdP's SAML ECP profile (``-p shibboleth-ecp``): one SOAP request with HTTP
Basic authentication, for IdPs whose administrators enabled ECP for the AWS relying
party.

``-e`` is ``https://HOST/idp/profile/SAML2/SOAP/ECP``. We POST a SOAP envelope holding
an AuthnRequest for AWS (``urn:amazon:webservices``) with the PAOS binding; the IdP
answers a SOAP envelope whose Body is the SAML Response. That Response is cut out of
the answer as it was sent, never re-serialised: its signature covers its exact form.
HTTP 401 is a refused password.
"""

from __future__ import annotations

import base64
import re
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from awsprocesscreds.authenticators.base import Authenticator
from awsprocesscreds.bodies import text_body
from awsprocesscreds.errors import AuthenticationError, IdpResponseError
from awsprocesscreds.interaction import PASSWORD, Flow, Prompt
from awsprocesscreds.logs import logger
from awsprocesscreds.request import CredentialRequest
from awsprocesscreds.saml import role_arn_parts
from awsprocesscreds.saml_request import PAOS_BINDING, acs_url, authn_request
from awsprocesscreds.urls import redact_url, require_https

log = logger(__name__)

AWS_ENTITY_ID = "urn:amazon:webservices"
SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
PROTOCOL = "urn:oasis:names:tc:SAML:2.0:protocol"
_HEADERS = {
    "Content-Type": "text/xml; charset=utf-8",
    "Accept": "text/xml, application/vnd.paos+xml",
    "PAOS": 'ver="urn:liberty:paos:2003-08";"urn:oasis:names:tc:SAML:2.0:profiles:SSO:ecp"',
}
#: The SOAP Body's start and end tags, whatever their prefix.
_BODY = re.compile(
    r"<(?:[A-Za-z_][\w.-]*:)?Body(?:\s[^>]*)?>(.*)</(?:[A-Za-z_][\w.-]*:)?Body\s*>", re.S
)


class ShibbolethEcpAuthenticator(Authenticator):
    """Shibboleth IdP over SAML ECP: password by HTTP Basic, assertion in SOAP."""

    description = "Shibboleth IdP SAML ECP (SOAP with HTTP Basic), where the IdP enables it"

    @classmethod
    def resume_url(cls, request: CredentialRequest) -> str | None:
        """ECP keeps no browser session: nothing to try (and, with the default
        ``resume``, nothing to walk), so every sign-in sends the password."""
        return None

    def authenticate(self) -> Flow[str]:
        context = self.context
        require_https(context.endpoint)
        parts = role_arn_parts(context.role_arn) if context.role_arn else None
        request = authn_request(
            AWS_ENTITY_ID, acs_url(parts[0] if parts else None), binding=PAOS_BINDING
        )
        envelope = (
            f'<S:Envelope xmlns:S="{SOAP}"><S:Header/><S:Body>{request}</S:Body></S:Envelope>'
        )
        password = yield Prompt(f"Password for {context.username}: ", kind=PASSWORD)
        response = context.session.post(
            context.endpoint,
            data=envelope.encode("utf-8"),
            headers=_HEADERS,
            auth=(context.username, str(password)),
        )
        text = text_body(response)
        if response.status_code == 401:
            raise AuthenticationError(
                "Shibboleth refused the login (HTTP 401); check the username (-u) and the password"
            )
        if response.status_code >= 400:
            raise IdpResponseError(
                f"Shibboleth's ECP endpoint answered HTTP {response.status_code} at "
                f"{redact_url(response.url)}: {_fault(text) or 'no details'}; is ECP enabled "
                "for AWS at this IdP?"
            )
        log.debug("Shibboleth answered the ECP request")
        return _assertion(text)


def _parse(text: str) -> Element:
    # A SOAP message never carries a DTD (SOAP 1.1 forbids it): refused, as in the
    # assertion and in STS's answer.
    try:
        return SafeET.fromstring(text, forbid_dtd=True)
    except (ParseError, DefusedXmlException, ValueError) as exc:
        raise IdpResponseError("Shibboleth's ECP answer is not the SOAP it should be") from exc


def _fault(text: str) -> str | None:
    try:
        root = _parse(text)
    except IdpResponseError:
        return None
    found = root.find(f".//{{{SOAP}}}Fault/faultstring")
    return " ".join((found.text or "").split())[:200] if found is not None else None


def _assertion(text: str) -> str:
    """The SAML Response of the SOAP Body, base64 of its bytes as sent."""
    root = _parse(text)
    response = root.find(f"{{{SOAP}}}Body/{{{PROTOCOL}}}Response")
    body = _BODY.search(text)
    if response is None or body is None:
        raise IdpResponseError("Shibboleth's ECP answer holds no SAML Response")
    raw = body.group(1).strip()
    if _parse(raw).tag != f"{{{PROTOCOL}}}Response":
        raise IdpResponseError("Shibboleth's ECP answer holds more than its SAML Response")
    return base64.b64encode(raw.encode("utf-8")).decode("ascii")
