"""The AuthnRequest we send to start an Entra ID sign-in: pure functions, known answers."""

from __future__ import annotations

import base64
import zlib
from datetime import datetime, timezone

import pytest
from defusedxml import ElementTree

from awsprocesscreds.saml_request import (
    DEFAULT_ENTITY_ID,
    acs_url,
    authn_request,
    redirect_encode,
)

PROTOCOL = "{urn:oasis:names:tc:SAML:2.0:protocol}"
ASSERTION = "{urn:oasis:names:tc:SAML:2.0:assertion}"
MOMENT = datetime(2026, 12, 1, 8, 30, 5, tzinfo=timezone.utc)


def test_the_request_names_the_application_and_the_aws_endpoint() -> None:
    xml = authn_request(
        "https://signin.aws.amazon.com/saml#2", acs_url("aws"), request_id="_abc", now=MOMENT
    )
    root = ElementTree.fromstring(xml)
    assert root.tag == f"{PROTOCOL}AuthnRequest"
    assert root.get("ID") == "_abc"
    assert root.get("Version") == "2.0"
    assert root.get("IssueInstant") == "2026-12-01T08:30:05Z"
    assert root.get("AssertionConsumerServiceURL") == "https://signin.aws.amazon.com/saml"
    assert root.findtext(f"{ASSERTION}Issuer") == "https://signin.aws.amazon.com/saml#2"


def test_each_request_has_a_fresh_id_that_is_an_xml_name() -> None:
    first = ElementTree.fromstring(authn_request(DEFAULT_ENTITY_ID, acs_url(None))).get("ID")
    second = ElementTree.fromstring(authn_request(DEFAULT_ENTITY_ID, acs_url(None))).get("ID")
    assert first != second
    assert first is not None
    assert first.startswith("_")
    assert len(first) > 16


def test_markup_in_the_identifier_stays_text() -> None:
    xml = authn_request('urn:x"<y>&z', acs_url(None), now=MOMENT)
    assert ElementTree.fromstring(xml).findtext(f"{ASSERTION}Issuer") == 'urn:x"<y>&z'


@pytest.mark.parametrize(
    ("partition", "expected"),
    [
        (None, "https://signin.aws.amazon.com/saml"),
        ("aws", "https://signin.aws.amazon.com/saml"),
        ("aws-us-gov", "https://signin.amazonaws-us-gov.com/saml"),
        ("aws-cn", "https://signin.amazonaws.cn/saml"),
        ("aws-iso", "https://signin.aws.amazon.com/saml"),
    ],
)
def test_the_endpoint_of_each_partition(partition: str | None, expected: str) -> None:
    assert acs_url(partition) == expected


def test_the_redirect_binding_is_raw_deflate_then_base64() -> None:
    xml = authn_request(DEFAULT_ENTITY_ID, acs_url(None), now=MOMENT)
    encoded = redirect_encode(xml)
    raw = base64.b64decode(encoded, validate=True)
    assert zlib.decompress(raw, -15).decode("utf-8") == xml
    with pytest.raises(zlib.error):  # no zlib header: raw DEFLATE only
        zlib.decompress(raw)
