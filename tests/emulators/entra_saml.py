"""SAML AuthnRequests on Entra ID's HTTP-Redirect binding: build, parse and check them.

`build_authn_request` makes the `SAMLRequest` query value the My Apps portal (and our
client) sends to `/<tenant>/saml2`: base64 of the raw-DEFLATEd XML. `parse_authn_request`
undoes it into a dict (id, version, issue_instant, issuer, acs, protocol_binding, raw),
raising ValueError on anything that is not such a request; `authn_request_error` says
which AADSTS error Entra would show for a parsed one, or None when it is acceptable.
"""

from __future__ import annotations

import base64
import binascii
import uuid
import zlib
from datetime import datetime, timezone
from xml.etree.ElementTree import Element
from xml.sax.saxutils import escape, quoteattr

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

PROTOCOL_NS = "urn:oasis:names:tc:SAML:2.0:protocol"
ASSERTION_NS = "urn:oasis:names:tc:SAML:2.0:assertion"
HTTP_POST = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
EMAIL_FORMAT = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"
MAX_INFLATED_BYTES = 100_000


def authn_request_xml(entity_id: str, acs: str, *, request_id: str | None = None) -> str:
    """The AuthnRequest XML of protocol.md, issued now, for `entity_id` and `acs`."""
    instant = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    rid = request_id or f"_{uuid.uuid4().hex}"
    return (
        f'<samlp:AuthnRequest xmlns:samlp="{PROTOCOL_NS}" xmlns:saml="{ASSERTION_NS}" '
        f'ID={quoteattr(rid)} Version="2.0" IssueInstant="{instant}" '
        f"AssertionConsumerServiceURL={quoteattr(acs)} "
        f'ProtocolBinding="{HTTP_POST}">'
        f"<saml:Issuer>{escape(entity_id)}</saml:Issuer>"
        f'<samlp:NameIDPolicy Format="{EMAIL_FORMAT}"/></samlp:AuthnRequest>'
    )


def encode_redirect(xml: str) -> str:
    """base64(raw DEFLATE(xml)): the HTTP-Redirect binding's SAMLRequest value."""
    compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    raw = compressor.compress(xml.encode("utf-8")) + compressor.flush()
    return base64.b64encode(raw).decode("ascii")


def build_authn_request(entity_id: str, acs: str) -> str:
    """The SAMLRequest query value for a fresh AuthnRequest (see `authn_request_xml`)."""
    return encode_redirect(authn_request_xml(entity_id, acs))


def _inflate(value: str) -> str:
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("SAMLRequest is not base64") from exc
    inflater = zlib.decompressobj(-15)
    try:
        xml = inflater.decompress(raw, MAX_INFLATED_BYTES)
    except zlib.error as exc:
        raise ValueError("SAMLRequest is not raw DEFLATE") from exc
    if inflater.unconsumed_tail:
        raise ValueError("SAMLRequest inflates too large")
    try:
        return xml.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError("SAMLRequest is not UTF-8") from exc


def parse_authn_request(value: str) -> dict[str, str]:
    """Parse a SAMLRequest query value. Raises ValueError if it is not an AuthnRequest."""
    xml = _inflate(value)
    try:
        root: Element = ElementTree.fromstring(xml)
    except (ElementTree.ParseError, DefusedXmlException) as exc:
        raise ValueError("SAMLRequest is not well-formed XML") from exc
    if root.tag != f"{{{PROTOCOL_NS}}}AuthnRequest":
        raise ValueError("SAMLRequest is not an AuthnRequest")
    issuer = root.find(f"{{{ASSERTION_NS}}}Issuer")
    return {
        "id": root.get("ID", ""),
        "version": root.get("Version", ""),
        "issue_instant": root.get("IssueInstant", ""),
        "issuer": (issuer.text or "").strip() if issuer is not None else "",
        "acs": root.get("AssertionConsumerServiceURL", ""),
        "protocol_binding": root.get("ProtocolBinding", ""),
        "raw": xml,
    }


def authn_request_error(
    request: dict[str, str], entity_id: str, acs: str
) -> tuple[str, str] | None:
    """(AADSTS code, message) Entra shows for a parsed request, or None if it is accepted."""
    if request["version"] != "2.0" or not request["id"] or not request["issue_instant"]:
        return "75005", "The request is not a valid Saml2 protocol message."
    if request["issuer"] != entity_id:
        return (
            "700016",
            f"Application with identifier '{request['issuer']}' was not found in the "
            "directory. This can happen if the application has not been installed by the "
            "administrator of the tenant.",
        )
    if request["acs"] != acs:
        return (
            "50011",
            f"The reply URL '{request['acs']}' specified in the request does not match the "
            "reply URLs configured for the application.",
        )
    return None
