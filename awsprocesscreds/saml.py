"""Reading the SAML assertion an IdP hands back: the roles, session name and length.

The assertion comes from an untrusted page, so it is parsed with defusedxml with DTDs
(and so entity expansion, billion laughs and external entities) refused outright,
and its size is bounded before decoding.
"""

from __future__ import annotations

import base64
import binascii
from typing import NamedTuple
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from awsprocesscreds.errors import RoleSelectionError, SamlAssertionError
from awsprocesscreds.hotpath import MAX_DURATION, MIN_DURATION
from awsprocesscreds.logs import logger

ROLE_ATTRIBUTE = "https://aws.amazon.com/SAML/Attributes/Role"
SESSION_NAME_ATTRIBUTE = "https://aws.amazon.com/SAML/Attributes/RoleSessionName"
SESSION_DURATION_ATTRIBUTE = "https://aws.amazon.com/SAML/Attributes/SessionDuration"
_SAML_NS = "urn:oasis:names:tc:SAML:2.0:assertion"
#: A SAML response with hundreds of roles is well under this.
MAX_ASSERTION_CHARS = 1024 * 1024

log = logger(__name__)


def role_arn_parts(arn: str) -> tuple[str, str, str] | None:
    """(partition, account, role name with its path) of an IAM role ARN such as
    ``arn:aws:iam::123456789012:role/Dev``; None when ``arn`` is not one."""
    fields = arn.split(":", 5)
    if len(fields) != 6:
        return None
    prefix, partition, service, region, account, resource = fields
    kind, _, name = resource.partition("/")
    if (
        prefix != "arn"
        or not partition
        or not all(c.isascii() and (c.islower() or c == "-") for c in partition)
        or service != "iam"
        or region
        or not (len(account) == 12 and account.isascii() and account.isdigit())
        or kind != "role"
        or not name
    ):
        return None
    return partition, account, name


class Role(NamedTuple):
    """A role the assertion lets the person assume, with the SAML provider to name.
    ``parse_role_value`` only makes roles whose ARN ``role_arn_parts`` reads; for any
    other, partition and account are empty and the name is the whole ARN."""

    role_arn: str
    principal_arn: str

    @property
    def partition(self) -> str:
        return self._parts[0]

    @property
    def account(self) -> str:
        return self._parts[1]

    @property
    def name(self) -> str:
        return self._parts[2]

    @property
    def _parts(self) -> tuple[str, str, str]:
        return role_arn_parts(self.role_arn) or ("", "", self.role_arn)


class SamlAssertion(NamedTuple):
    """What AWS reads from the assertion. ``encoded`` is the base64 text as received,
    which is what STS wants back; it is a secret and never shown."""

    encoded: str
    roles: tuple[Role, ...]
    session_name: str | None
    session_duration: int | None

    def __repr__(self) -> str:
        return f"SamlAssertion(roles={self.roles!r}, session_name={self.session_name!r})"


def parse_assertion(encoded: str) -> SamlAssertion:
    """Decode and parse a base64 SAMLResponse; raise SamlAssertionError if it is
    not a well-formed, DTD-free SAML response carrying at least one AWS role."""
    encoded = "".join(encoded.split())
    if len(encoded) > MAX_ASSERTION_CHARS:
        raise SamlAssertionError("the SAML response is too large to be a login answer")
    try:
        xml = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise SamlAssertionError("the SAMLResponse the IdP sent is not valid base64") from exc
    try:
        root = SafeET.fromstring(xml, forbid_dtd=True, forbid_entities=True)
    except DefusedXmlException as exc:
        raise SamlAssertionError(
            "the SAML response contains a DTD or entity declarations, refused as unsafe"
        ) from exc
    except ParseError as exc:
        raise SamlAssertionError("the SAML response is not well-formed XML") from exc
    attributes = _attributes(root)
    roles = _roles(attributes.get(ROLE_ATTRIBUTE, []))
    if not roles:
        raise SamlAssertionError(
            "the SAML assertion holds no AWS role; ask your IdP administrator to map "
            f"roles to the {ROLE_ATTRIBUTE} attribute"
        )
    names = attributes.get(SESSION_NAME_ATTRIBUTE, [])
    return SamlAssertion(
        encoded=encoded,
        roles=roles,
        session_name=names[0] if names else None,
        session_duration=_duration(attributes.get(SESSION_DURATION_ATTRIBUTE, [])),
    )


def _attributes(root: Element) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for attribute in root.iter(f"{{{_SAML_NS}}}Attribute"):
        name = attribute.get("Name")
        if not name:
            continue
        values = found.setdefault(name, [])
        for value in attribute.iter(f"{{{_SAML_NS}}}AttributeValue"):
            text = "".join(value.itertext()).strip()
            if text:
                values.append(text)
    return found


def _roles(values: list[str]) -> tuple[Role, ...]:
    roles: list[Role] = []
    for value in values:
        role = parse_role_value(value)
        if role is None:
            # One malformed value should not cost the person the roles that work.
            log.debug(
                "ignoring a Role value that is not a role ARN and a SAML provider ARN: %r",
                value[:200],
            )
        elif role not in roles:
            roles.append(role)
    return tuple(roles)


def parse_role_value(value: str) -> Role | None:
    """Read one Role attribute value: a role ARN and a SAML provider ARN joined by a
    comma, in either order, spaces tolerated. None when it is not such a pair, or
    when the role ARN is not one ``role_arn_parts`` reads."""
    halves = [half.strip() for half in value.split(",")]
    if len(halves) != 2:
        return None
    role = next((h for h in halves if role_arn_parts(h) is not None), None)
    provider = next((h for h in halves if h.startswith("arn:") and ":saml-provider/" in h), None)
    if role is None or provider is None:
        return None
    return Role(role_arn=role, principal_arn=provider)


def _duration(values: list[str]) -> int | None:
    for value in values:
        if value.isdigit() and MIN_DURATION <= int(value) <= MAX_DURATION:
            return int(value)
    return None


def evident_role(roles: tuple[Role, ...], wanted: str | None) -> Role | None:
    """The role to assume when there is nothing to ask: ``wanted`` (RoleSelectionError
    when the assertion lacks it) or the only one; None when the person must choose."""
    if wanted is None and len(roles) != 1:
        return None
    return choose_role(roles, wanted)


def choose_role(roles: tuple[Role, ...], wanted: str | None) -> Role:
    """The role to assume: ``wanted`` if given (it must be in the assertion), else the
    only one. Raise RoleSelectionError listing the roles otherwise."""
    if wanted is not None:
        for role in roles:
            if role.role_arn == wanted:
                return role
        raise RoleSelectionError(
            f"role {wanted} is not in your SAML assertion; roles you may assume: "
            + ", ".join(r.role_arn for r in roles)
        )
    if len(roles) == 1:
        return roles[0]
    raise RoleSelectionError(
        "your SAML assertion holds several roles; choose one with -a/--role-arn: "
        + ", ".join(r.role_arn for r in roles)
    )
