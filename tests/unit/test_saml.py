"""Assertion parsing and role choice: pure functions, table-driven."""

from __future__ import annotations

import base64

import pytest

from awsprocesscreds.errors import RoleSelectionError, SamlAssertionError
from awsprocesscreds.saml import Role, choose_role, parse_assertion, parse_role_value
from tests.emulators.saml import DEFAULT_ROLE, build_saml_response

DEV = Role("arn:aws:iam::123456789012:role/Dev", "arn:aws:iam::123456789012:saml-provider/ADFS")
OPS = Role(
    "arn:aws:iam::210987654321:role/team/Ops", "arn:aws:iam::210987654321:saml-provider/Okta"
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (f"{DEV.role_arn},{DEV.principal_arn}", DEV),
        (f"{DEV.principal_arn},{DEV.role_arn}", DEV),
        (f"{DEV.role_arn}, {DEV.principal_arn}", DEV),
        (f"  {DEV.principal_arn} ,  {DEV.role_arn} ", DEV),
        (f"{OPS.role_arn},{OPS.principal_arn}", OPS),
        (DEV.role_arn, None),
        (f"{DEV.role_arn},{DEV.role_arn}", None),
        (f"{DEV.role_arn},{DEV.principal_arn},extra", None),
        ("not,arns", None),
        # Role ARNs that role_arn_parts does not read: skipped, not an IndexError later.
        (f"arn:aws:role/Dev,{DEV.principal_arn}", None),
        (f"arn:aws:iam::123:role/Dev,{DEV.principal_arn}", None),
        (f"arn:aws:iam::123456789012:role/,{DEV.principal_arn}", None),
        (f"arn:aws:iam::123456789012:user/Dev:role/x,{DEV.principal_arn}", None),
    ],
)
def test_role_value_pairs_in_either_order(value: str, expected: Role | None) -> None:
    assert parse_role_value(value) == expected


@pytest.mark.parametrize("pair_order", ["role,provider", "provider,role"])
@pytest.mark.parametrize("spaces", [False, True])
@pytest.mark.parametrize("prefixes", [("samlp", "saml"), ("saml2p", "saml2")])
def test_parse_reads_roles_name_and_duration(
    pair_order: str, spaces: bool, prefixes: tuple[str, str]
) -> None:
    encoded = build_saml_response(
        [(DEV.role_arn, DEV.principal_arn), (OPS.role_arn, OPS.principal_arn)],
        session_name="alice@example.com",
        session_duration=7200,
        pair_order=pair_order,
        spaces=spaces,
        prefixes=prefixes,
    )
    assertion = parse_assertion(encoded)
    assert assertion.roles == (DEV, OPS)
    assert assertion.session_name == "alice@example.com"
    assert assertion.session_duration == 7200
    assert assertion.encoded == encoded


def test_duplicate_roles_are_listed_once_and_duration_is_optional() -> None:
    assertion = parse_assertion(build_saml_response([DEFAULT_ROLE, DEFAULT_ROLE]))
    assert assertion.roles == (DEV,)
    assert assertion.session_duration is None


def test_out_of_range_session_duration_is_ignored() -> None:
    assertion = parse_assertion(build_saml_response([DEFAULT_ROLE], session_duration=60))
    assert assertion.session_duration is None


def test_base64_with_line_breaks_is_accepted() -> None:
    encoded = build_saml_response([DEFAULT_ROLE])
    wrapped = "\n".join(encoded[i : i + 76] for i in range(0, len(encoded), 76))
    assert parse_assertion(wrapped).roles == (DEV,)


def test_repr_never_shows_the_assertion() -> None:
    encoded = build_saml_response([DEFAULT_ROLE])
    assert encoded not in repr(parse_assertion(encoded))


def _b64(xml: str) -> str:
    return base64.b64encode(xml.encode()).decode()


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">&lol3;</samlp:Response>"""
EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">&xxe;</samlp:Response>"""
PLAIN_DTD = """<?xml version="1.0"?><!DOCTYPE r SYSTEM "http://127.0.0.1:9/x.dtd">
<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"/>"""


@pytest.mark.parametrize(
    ("encoded", "message"),
    [
        (_b64(BILLION_LAUGHS), "DTD"),
        (_b64(EXTERNAL_ENTITY), "DTD"),
        (_b64(PLAIN_DTD), "DTD"),
        (_b64("<samlp:Response"), "not well-formed"),
        ("%%%not base64%%%", "not valid base64"),
        (_b64("<Response/>"), "no AWS role"),
        (build_saml_response([]), "no AWS role"),
        ("A" * (1024 * 1024 + 4), "too large"),
    ],
)
def test_hostile_or_malformed_assertions_are_refused(encoded: str, message: str) -> None:
    with pytest.raises(SamlAssertionError, match=message):
        parse_assertion(encoded)


def test_choose_role_by_arn() -> None:
    assert choose_role((DEV, OPS), OPS.role_arn) == OPS


def test_choose_the_only_role_without_arn() -> None:
    assert choose_role((DEV,), None) == DEV


def test_several_roles_without_arn_lists_them() -> None:
    with pytest.raises(RoleSelectionError) as caught:
        choose_role((DEV, OPS), None)
    assert DEV.role_arn in str(caught.value)
    assert OPS.role_arn in str(caught.value)
    assert "-a" in str(caught.value)


def test_role_not_in_assertion_lists_the_roles() -> None:
    with pytest.raises(RoleSelectionError) as caught:
        choose_role((DEV,), "arn:aws:iam::123456789012:role/Admin")
    assert "role/Admin is not in your SAML assertion" in str(caught.value)
    assert DEV.role_arn in str(caught.value)


def test_role_properties() -> None:
    assert (OPS.partition, OPS.account, OPS.name) == ("aws", "210987654321", "team/Ops")


def test_a_malformed_role_among_good_ones_is_skipped() -> None:
    broken = ("arn:aws:role/Broken", DEV.principal_arn)
    encoded = build_saml_response(
        [(OPS.role_arn, OPS.principal_arn), broken, (DEV.role_arn, DEV.principal_arn)]
    )
    assert parse_assertion(encoded).roles == (OPS, DEV)


def test_role_properties_never_index_blindly() -> None:
    broken = Role("arn:aws:role/Broken", DEV.principal_arn)
    assert (broken.partition, broken.account, broken.name) == ("", "", "arn:aws:role/Broken")
