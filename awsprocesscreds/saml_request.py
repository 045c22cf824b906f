"""The SAML 2.0 AuthnRequest a service provider sends to start a sign-in.

When we start the sign-in ourselves (Entra ID's tenant endpoint), we stand in for AWS:
the request names the application by its identifier (``Issuer``) and asks for the
assertion to be addressed to the AWS sign-in endpoint of the role's partition, where
the IdP would post it in a browser. Sent with the HTTP-Redirect binding: raw DEFLATE,
then base64, in the ``SAMLRequest`` query parameter. Pure functions, no I/O.
"""

from __future__ import annotations

import base64
import secrets
import zlib
from datetime import datetime, timezone
from xml.sax.saxutils import escape, quoteattr

#: The Identifier AWS applications have in an IdP unless an organisation has several.
DEFAULT_ENTITY_ID = "https://signin.aws.amazon.com/saml"
#: Where each partition's AWS sign-in takes SAML assertions (the ACS URL).
ACS_URLS = {
    "aws": "https://signin.aws.amazon.com/saml",
    "aws-cn": "https://signin.amazonaws.cn/saml",
    "aws-us-gov": "https://signin.amazonaws-us-gov.com/saml",
}
_PROTOCOL = "urn:oasis:names:tc:SAML:2.0:protocol"
_ASSERTION = "urn:oasis:names:tc:SAML:2.0:assertion"
POST_BINDING = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
#: The binding of the ECP profile: the answer comes back in SOAP, to us.
PAOS_BINDING = "urn:oasis:names:tc:SAML:2.0:bindings:PAOS"
_EMAIL = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"


def acs_url(partition: str | None) -> str:
    """The AWS sign-in SAML endpoint of ``partition`` (the commercial one for None or a
    partition without its own)."""
    return ACS_URLS.get(partition or "aws", ACS_URLS["aws"])


def authn_request(
    entity_id: str,
    acs: str,
    *,
    request_id: str | None = None,
    now: datetime | None = None,
    binding: str = POST_BINDING,
) -> str:
    """The AuthnRequest XML: a fresh ``ID`` (an XML name, so it starts with ``_``), the
    ``IssueInstant`` in UTC, ``Issuer`` = ``entity_id``, the ACS URL and the POST
    binding for the answer, and e-mail NameIDs (what the AWS apps are set up with)."""
    moment = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    identifier = request_id or "_" + secrets.token_hex(16)
    return (
        f'<samlp:AuthnRequest xmlns:samlp="{_PROTOCOL}" xmlns:saml="{_ASSERTION}" '
        f'ID={quoteattr(identifier)} Version="2.0" '
        f'IssueInstant="{moment.strftime("%Y-%m-%dT%H:%M:%SZ")}" '
        f"AssertionConsumerServiceURL={quoteattr(acs)} "
        f"ProtocolBinding={quoteattr(binding)}>"
        f"<saml:Issuer>{escape(entity_id)}</saml:Issuer>"
        f'<samlp:NameIDPolicy Format="{_EMAIL}" AllowCreate="true"/>'
        "</samlp:AuthnRequest>"
    )


def redirect_encode(xml: str) -> str:
    """``xml`` as the HTTP-Redirect binding carries it: raw DEFLATE (no zlib header or
    checksum), then base64. URL-encoding is left to the HTTP library's ``params``."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    deflated = compressor.compress(xml.encode("utf-8")) + compressor.flush()
    return base64.b64encode(deflated).decode("ascii")
