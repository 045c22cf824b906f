"""Reading IdP answers of unexpected shapes: Okta JSON accessors, factor lists, the
rate-limit reset header, origins compared for redirects. Pure functions, table-driven."""

from __future__ import annotations

import math
from typing import Any

import pytest
import requests

from awsprocesscreds.answers import dig, text
from awsprocesscreds.authenticators.base import LoginContext
from awsprocesscreds.authenticators.okta_api import OktaApi
from awsprocesscreds.authenticators.okta_mfa import read_factors
from awsprocesscreds.urls import origin as _origin

VERIFY = {"verify": {"href": "https://org.okta.com/api/v1/authn/factors/f1/verify"}}


@pytest.mark.parametrize(
    ("value", "expected"),
    [("a", "a"), (3, "3"), (1.5, "1.5"), (True, None), (None, None), ({}, None), ([], None)],
)
def test_text(value: object, expected: str | None) -> None:
    assert text(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"a": {"b": {"c": 1}}}, 1),
        ({"a": {"b": "not an object"}}, None),
        ({"a": [{"b": {"c": 1}}]}, None),
        ({"a": None}, None),
        ("a string", None),
        ({}, None),
    ],
)
def test_dig(value: object, expected: object) -> None:
    assert dig(value, "a", "b", "c") == expected


def factor(**changes: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": "f1",
        "factorType": "sms",
        "provider": "OKTA",
        "profile": {"phoneNumber": "+1 XXX-XXX-1234"},
        "_links": VERIFY,
    }
    item.update(changes)
    return item


@pytest.mark.parametrize(
    ("embedded", "details"),
    [
        ({"factors": [factor()]}, ["+1 XXX-XXX-1234"]),
        ({"factor": factor()}, ["+1 XXX-XXX-1234"]),
        ({"factors": [factor(profile="a string")]}, [""]),
        ({"factors": [factor(profile={"phoneNumber": 5})]}, ["5"]),
        ({"factors": [factor(profile={"phoneNumber": {"x": 1}})]}, [""]),
        ({"factors": [factor(_links="a string")]}, []),
        ({"factors": [factor(_links={"verify": ["x"]})]}, []),
        ({"factors": [factor(factorType=None)]}, []),
        ({"factors": ["a string", 7, None, factor()]}, ["+1 XXX-XXX-1234"]),
        ({"factors": "a string"}, []),
        ([{"factors": [factor()]}], []),
        ("a string", []),
    ],
)
def test_read_factors_skips_what_it_cannot_read(embedded: object, details: list[str]) -> None:
    assert [f.detail for f in read_factors({"_embedded": embedded})] == details


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("1030", 30.0),
        ("1000000", 60.0),
        ("990", 1.0),
        ("nan", 1.0),
        ("inf", 1.0),
        ("-inf", 1.0),
        ("soon", 1.0),
        (None, 1.0),
    ],
)
def test_rate_limit_delay_is_finite_and_bounded(header: str | None, expected: float) -> None:
    with requests.Session() as unused:
        context = LoginContext("https://org.okta.com/", "alice", unused, wall_clock=lambda: 1e3)
    delay = OktaApi(context)._rate_limit_delay(header)
    assert math.isfinite(delay)
    assert delay == expected


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("https://idp.example.com/a", "https://IDP.example.com:443/b?x=1", True),
        ("https://idp.example.com/a", "https://idp.example.com:8443/a", False),
        ("https://idp.example.com/a", "http://idp.example.com/a", False),
        ("https://idp.example.com/a", "https://evil.example.com/a", False),
        ("https://idp.example.com/a", "https://idp.example.com:bad/a", False),
    ],
)
def test_origins_compared_for_redirects(a: str, b: str, same: bool) -> None:
    assert (_origin(a) == _origin(b)) is same
