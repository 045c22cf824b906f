"""The SAML ECP profile of the Shibboleth IdP emulator: SOAP in, SOAP out.

A client POSTs a SOAP 1.1 envelope whose Body holds a `samlp:AuthnRequest` with
`ProtocolBinding="urn:oasis:names:tc:SAML:2.0:bindings:PAOS"`, with HTTP Basic
authentication and `Content-Type: text/xml`. The answer is a SOAP envelope whose Header
holds `ecp:Response` (AssertionConsumerServiceURL) and whose Body holds the
`saml2p:Response` (the shape of saml2aws's captured `ecp_soap_response_success.xml`).
Refusals are SOAP faults. Pure functions: no state here.
"""

from __future__ import annotations

import base64
import binascii
from xml.etree.ElementTree import ParseError
from xml.sax.saxutils import escape, quoteattr

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/"
SAMLP_NS = "urn:oasis:names:tc:SAML:2.0:protocol"
ECP_NS = "urn:oasis:names:tc:SAML:2.0:profiles:SSO:ecp"
PAOS = "urn:oasis:names:tc:SAML:2.0:bindings:PAOS"
REALM = "Shibboleth Identity Provider"


def parse_authn_request(body: bytes) -> tuple[str, str] | None:
    """(request ID, AssertionConsumerServiceURL) of a SOAP-wrapped PAOS AuthnRequest, or
    None if `body` is not one (not XML, a DTD, no SOAP Body, no AuthnRequest, another binding)."""
    try:
        root = ElementTree.fromstring(body)
    except (ParseError, DefusedXmlException):
        return None
    if root.tag != f"{{{SOAP_NS}}}Envelope":
        return None
    request = root.find(f"{{{SOAP_NS}}}Body/{{{SAMLP_NS}}}AuthnRequest")
    if request is None or request.get("ProtocolBinding") != PAOS:
        return None
    return request.get("ID", ""), request.get("AssertionConsumerServiceURL", "")


def basic_credentials(header: str | None) -> tuple[str, str] | None:
    """(user, password) of an `Authorization: Basic ...` header, or None."""
    if not header or not header.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    user, colon, password = decoded.partition(":")
    return (user, password) if colon else None


def ecp_response(saml_response_b64: str, acs_url: str) -> str:
    """The SOAP envelope answering a successful ECP request: the ecp:Response header and
    the decoded `saml2p:Response` (from `build_saml_response`) as the Body."""
    response_xml = base64.b64decode(saml_response_b64).decode("utf-8")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<soap11:Envelope xmlns:soap11="{SOAP_NS}">\n'
        "  <soap11:Header>\n"
        f'    <ecp:Response xmlns:ecp="{ECP_NS}" AssertionConsumerServiceURL={quoteattr(acs_url)} '
        'soap11:actor="http://schemas.xmlsoap.org/soap/actor/next" '
        'soap11:mustUnderstand="1"/>\n'
        "  </soap11:Header>\n"
        f"  <soap11:Body>{response_xml}</soap11:Body>\n"
        "</soap11:Envelope>\n"
    )


def soap_fault(code: str, message: str) -> str:
    """A SOAP 1.1 fault, as the IdP answers a request it will not serve."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<soap11:Envelope xmlns:soap11="{SOAP_NS}">\n'
        "  <soap11:Body>\n"
        "    <soap11:Fault>\n"
        f"      <faultcode>soap11:{code}</faultcode>\n"
        f"      <faultstring>{escape(message)}</faultstring>\n"
        "    </soap11:Fault>\n"
        "  </soap11:Body>\n"
        "</soap11:Envelope>\n"
    )
