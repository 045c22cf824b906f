"""Unsigned but realistic SAML 2.0 responses, as an IdP posts them to AWS.

Contract: `build_saml_response(...)` returns the base64 text of a `samlp:Response` whose
Assertion carries the AWS attributes (Role, RoleSessionName, optional SessionDuration).
moto's AssumeRoleWithSAML accepts it when exactly one role is given; moto crashes on a
multi-valued Role attribute, so multi-role assertions are for parsers only.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from xml.sax.saxutils import escape, quoteattr

ROLE_ATTRIBUTE = "https://aws.amazon.com/SAML/Attributes/Role"
SESSION_NAME_ATTRIBUTE = "https://aws.amazon.com/SAML/Attributes/RoleSessionName"
SESSION_DURATION_ATTRIBUTE = "https://aws.amazon.com/SAML/Attributes/SessionDuration"
AWS_SIGNIN_URL = "https://signin.aws.amazon.com/saml"
PAIR_ORDERS = ("role,provider", "provider,role")

DEFAULT_ROLE = (
    "arn:aws:iam::123456789012:role/Dev",
    "arn:aws:iam::123456789012:saml-provider/ADFS",
)
DEFAULT_ISSUER = "http://adfs.example.com/adfs/services/trust"


def _instant(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _role_value(role: tuple[str, str], pair_order: str, spaces: bool) -> str:
    role_arn, provider_arn = role
    first, second = (
        (role_arn, provider_arn) if pair_order == "role,provider" else (provider_arn, role_arn)
    )
    return f"{first}, {second}" if spaces else f"{first},{second}"


def _attribute(prefix: str, name: str, values: Sequence[str]) -> str:
    items = "".join(
        f'<{prefix}:AttributeValue xsi:type="xs:string">{escape(value)}</{prefix}:AttributeValue>'
        for value in values
    )
    return f"<{prefix}:Attribute Name={quoteattr(name)}>{items}</{prefix}:Attribute>"


def build_saml_response(
    roles: Sequence[tuple[str, str]],
    *,
    session_name: str = "alice@example.com",
    session_duration: int | None = None,
    pair_order: str = "role,provider",
    spaces: bool = False,
    issuer: str = DEFAULT_ISSUER,
    prefixes: tuple[str, str] = ("samlp", "saml"),
    now: datetime | None = None,
) -> str:
    """Return base64 of a SAML Response for `roles` (pairs of role ARN, provider ARN).

    `pair_order` ("role,provider" or "provider,role") orders each Role value and
    `spaces` puts a space after its comma, as some IdPs do. An empty `roles` omits the
    Role attribute. `prefixes` names the protocol and assertion namespace prefixes
    (AD FS style "samlp"/"saml", Okta style "saml2p"/"saml2"). The assertion is valid
    from `now` (default: the current time) for five minutes; it is not signed.
    Raises ValueError on an unknown `pair_order`.
    """
    if pair_order not in PAIR_ORDERS:
        raise ValueError(f"pair_order must be one of {PAIR_ORDERS}, not {pair_order!r}")
    moment = now or datetime.now(timezone.utc)
    issued, not_after = _instant(moment), _instant(moment + timedelta(minutes=5))
    session_end = _instant(moment + timedelta(hours=8))
    p, a = prefixes
    attributes = [_attribute(a, SESSION_NAME_ATTRIBUTE, [session_name])]
    if roles:
        values = [_role_value(role, pair_order, spaces) for role in roles]
        attributes.append(_attribute(a, ROLE_ATTRIBUTE, values))
    if session_duration is not None:
        attributes.append(_attribute(a, SESSION_DURATION_ATTRIBUTE, [str(session_duration)]))
    subject = escape(session_name)
    xml = (
        f'<{p}:Response xmlns:{p}="urn:oasis:names:tc:SAML:2.0:protocol" '
        f'ID="_{uuid.uuid4()}" Version="2.0" IssueInstant="{issued}" '
        f'Destination="{AWS_SIGNIN_URL}" '
        'Consent="urn:oasis:names:tc:SAML:2.0:consent:unspecified">'
        f'<Issuer xmlns="urn:oasis:names:tc:SAML:2.0:assertion">{escape(issuer)}</Issuer>'
        f'<{p}:Status><{p}:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/>'
        f"</{p}:Status>"
        f'<{a}:Assertion xmlns:{a}="urn:oasis:names:tc:SAML:2.0:assertion" '
        'xmlns:xs="http://www.w3.org/2001/XMLSchema" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        f'ID="_{uuid.uuid4()}" IssueInstant="{issued}" Version="2.0">'
        f"<{a}:Issuer>{escape(issuer)}</{a}:Issuer>"
        f"<{a}:Subject>"
        f'<{a}:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent">'
        f"{subject}</{a}:NameID>"
        f'<{a}:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">'
        f'<{a}:SubjectConfirmationData NotOnOrAfter="{not_after}" '
        f'Recipient="{AWS_SIGNIN_URL}"/>'
        f"</{a}:SubjectConfirmation></{a}:Subject>"
        f'<{a}:Conditions NotBefore="{issued}" NotOnOrAfter="{not_after}">'
        f"<{a}:AudienceRestriction><{a}:Audience>urn:amazon:webservices</{a}:Audience>"
        f"</{a}:AudienceRestriction></{a}:Conditions>"
        f"<{a}:AttributeStatement>{''.join(attributes)}</{a}:AttributeStatement>"
        f'<{a}:AuthnStatement AuthnInstant="{issued}" SessionIndex="_{uuid.uuid4()}" '
        f'SessionNotOnOrAfter="{session_end}">'
        f"<{a}:AuthnContext><{a}:AuthnContextClassRef>"
        "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
        f"</{a}:AuthnContextClassRef></{a}:AuthnContext></{a}:AuthnStatement>"
        f"</{a}:Assertion></{p}:Response>"
    )
    return base64.b64encode(xml.encode("utf-8")).decode("ascii")
