"""Reading Entra ID's pages and answers: $Config, page kinds, second-factor choice,
AADSTS codes. Pure functions, table-driven; the flow itself is tested end to end
against the emulator."""

from __future__ import annotations

import json

import pytest

from awsprocesscreds.authenticators.entra import is_tenant_endpoint
from awsprocesscreds.authenticators.entra_api import PageWalk
from awsprocesscreds.authenticators.entra_errors import error_for
from awsprocesscreds.authenticators.entra_mfa import _pending, choose_proof
from awsprocesscreds.authenticators.entra_pages import (
    Config,
    ConfigPage,
    Proof,
    ScriptRedirectPage,
    classify,
    read_config,
)
from awsprocesscreds.errors import (
    AccessPolicyError,
    AccountLocked,
    AuthenticationError,
    ConfigurationError,
    IdpResponseError,
    MfaError,
)
from awsprocesscreds.forms import AutoPostPage, Page, SamlPage, UnknownPage
from awsprocesscreds.page_guard import MAX_PAGES

URL = "https://login.example.test/contoso/saml2?SAMLRequest=abc"
CONFIG = {"pgid": "ConvergedSignIn", "sFT": "ft", "urlPost": "/common/login", "n": {"a": [1]}}


def page(body: str, url: str = URL) -> Page:
    return Page(f"<html><head><title>Sign in</title>{body}</head><body></body></html>", url)


def script(text: str) -> str:
    return f'<script type="text/javascript">{text}</script>'


@pytest.mark.parametrize(
    "layout",
    [
        "//<![CDATA[\n$Config={config};\n//]]>",
        "//<![CDATA[\n$Config=\n{config}\n;\n//]]>",
        '$Config = {config}; var x = {{"pgid": "Other"}}; if (a) {{ b(); }}',
        "var ServerData = $Config; $Config={config};",
    ],
)
def test_config_is_read_in_every_layout(layout: str) -> None:
    found = read_config((layout.format(config=json.dumps(CONFIG)),))
    assert found == CONFIG


def test_server_data_alias_is_not_the_config() -> None:
    scripts = (f"$Config={json.dumps(CONFIG)};", "ServerData = $Config;")
    assert read_config(scripts) == CONFIG
    assert read_config(("ServerData = $Config;",)) is None


@pytest.mark.parametrize(
    "text",
    [
        "$Config={not json};",
        "$Config={" + '"a":' * 100_000 + "1" + "}" * 100_000 + ";",
        "$Config=[1, 2];",
        "$Config={" * 50_000,
    ],
)
def test_broken_or_hostile_config_reads_as_none(text: str) -> None:
    assert read_config((text,)) is None


def test_config_urls_resolve_against_the_page_and_bad_types_read_as_missing() -> None:
    config = Config(
        {"urlPost": "/common/login?x=1", "urlBeginAuth": 7, "sFT": ["x"], "hpgid": 1114},
        "https://login.example.test/contoso/saml2",
    )
    assert config.url("urlPost") == "https://login.example.test/common/login?x=1"
    assert config.text("sFT") is None
    assert config.page_id == "ConvergedTFA"
    assert config.flow_token_name == "flowToken"


@pytest.mark.parametrize(
    ("values", "code"),
    [
        ({"sErrorCode": "50126"}, "50126"),
        ({"sErrorCode": 50053}, "50053"),
        ({"iErrorCode": 53003}, "53003"),
        ({"sErrorCode": "0"}, None),
        ({"sErrorCode": ""}, None),
        ({}, None),
    ],
)
def test_error_codes(values: dict[str, object], code: str | None) -> None:
    assert Config(values, URL).error_code == code


def test_proofs_skip_malformed_entries_and_keep_the_default() -> None:
    config = Config(
        {
            "arrUserProofs": [
                {"authMethodId": "OneWaySMS", "display": "+XX XXX 89", "isDefault": False},
                "junk",
                {"display": "no method"},
                {"authMethodId": "PhoneAppNotification", "isDefault": True},
            ]
        },
        URL,
    )
    assert config.proofs() == [
        Proof("OneWaySMS", "+XX XXX 89", False),
        Proof("PhoneAppNotification", "", True),
    ]


@pytest.mark.parametrize(
    ("interval", "expected"),
    [(1.0, 1.0), (0, 0.5), (-3, 0.5), (3600, 10.0), ("2", 2.0), (None, 2.0)],
)
def test_poll_interval_is_kept_in_range(interval: object, expected: float) -> None:
    config = Config({"oPerAuthPollingInterval": {"PhoneAppNotification": interval}}, URL)
    assert config.poll_interval("PhoneAppNotification") == expected


SAML_FORM = (
    '<form method="POST" name="hiddenform" action="https://signin.aws.amazon.com.mcas.ms/saml">'
    '<input type="hidden" name="SAMLResponse" value=" UEhO "/></form>'
    + script("document.forms[0].submit();")
)
OIDC_FORM = (
    '<form method="POST" name="hiddenform" action="https://portal.example.test/signin-oidc">'
    '<input type="hidden" name="code" value="c"/><input type="hidden" name="state" value="s"/>'
    '<noscript><input type="submit" value="Submit"/></noscript></form>'
    + script("window.setTimeout('document.forms[0].submit()', 0);")
)
PORTAL = (
    '<form name="F" method="post" action="./x.aspx"><input type="hidden" name="__VIEWSTATE" '
    'value="v"/></form>'
    + script(
        "Sys.Application.add_load(f);window.location = "
        "'https://login.example.test/contoso/saml2?SAMLRequest=jZ\\u0026RelayState=r';"
    )
)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (SAML_FORM + script(f"$Config={json.dumps(CONFIG)};"), SamlPage("UEhO")),
        (OIDC_FORM, AutoPostPage),
        (
            PORTAL,
            ScriptRedirectPage(
                "https://login.example.test/contoso/saml2?SAMLRequest=jZ&RelayState=r"
            ),
        ),
        (script(f"$Config={json.dumps(CONFIG)};"), ConfigPage),
        (OIDC_FORM.replace("submit()", "noop()"), UnknownPage),
        (script("window.location = 'https://elsewhere.example.test/';"), UnknownPage),
        ('<div id="service_exception_message">Sorry</div>', UnknownPage("Sign in", "Sorry")),
    ],
)
def test_pages_are_classified_in_order_of_certainty(body: str, expected: object) -> None:
    state = classify(page(body))
    if isinstance(expected, type):
        assert isinstance(state, expected)
    else:
        assert state == expected


def test_an_auto_post_form_carries_every_hidden_field() -> None:
    state = classify(page(OIDC_FORM))
    assert isinstance(state, AutoPostPage)
    assert state.form.action == "https://portal.example.test/signin-oidc"
    assert state.form.submission({}) == {"code": "c", "state": "s"}


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://login.microsoftonline.com/contoso.onmicrosoft.com/saml2", True),
        ("https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/SAML2/", True),
        ("https://127.0.0.1:8443/contoso/saml2?x=1", True),
        ("https://launcher.myapps.microsoft.com/api/signin/abc?tenantId=t", False),
        ("https://login.microsoftonline.com/saml2", False),
        ("https://login.microsoftonline.com/a/b/saml2", False),
    ],
)
def test_the_tenant_endpoint_is_recognised(url: str, expected: bool) -> None:
    assert is_tenant_endpoint(url) is expected


PUSH = Proof("PhoneAppNotification", "", False)
SMS = Proof("OneWaySMS", "+XX 89", True)
CALL = Proof("TwoWayVoiceAlternateMobile", "+XX 12", False)
FIDO = Proof("FidoKey", "", True)


@pytest.mark.parametrize(
    ("proofs", "factor", "expected"),
    [
        ([PUSH, SMS], None, SMS),
        ([PUSH, SMS], "push", PUSH),
        ([FIDO, PUSH], None, PUSH),
        ([FIDO, PUSH, SMS], None, SMS),
        ([SMS, CALL], "call", CALL),
        ([PUSH, SMS, CALL], "sms", SMS),
    ],
)
def test_the_factor_asked_for_else_the_default_else_the_first(
    proofs: list[Proof], factor: str | None, expected: Proof
) -> None:
    assert choose_proof(proofs, factor) == expected


@pytest.mark.parametrize(
    ("proofs", "factor", "message"),
    [
        (
            [PUSH, SMS],
            "totp",
            "--mfa-factor totp is not one of your Entra ID sign-in methods; you have: push, sms",
        ),
        (
            [FIDO],
            None,
            "Entra ID offers no second factor this tool can use from a terminal (FidoKey)",
        ),
        ([], None, "(none)"),
    ],
)
def test_no_usable_factor_is_one_clear_error(
    proofs: list[Proof], factor: str | None, message: str
) -> None:
    with pytest.raises(MfaError, match=message.replace("(", r"\(").replace(")", r"\)")):
        choose_proof(proofs, factor)


@pytest.mark.parametrize(
    ("answer", "pending"),
    [
        ({"Success": False, "ResultValue": "AuthenticationPending", "Retry": True}, True),
        ({"Success": False, "Retry": True, "ErrCode": 0}, True),
        ({"Success": True, "ResultValue": "Success", "Retry": True}, False),
        ({"Success": False, "ResultValue": "OathCodeIncorrect", "Retry": True}, False),
        ({"Success": False, "ResultValue": "PhoneAppDenied", "Retry": True}, False),
        ({"Success": False, "Retry": True, "ErrCode": 500121}, False),
        ({"Success": False, "Retry": False}, False),
    ],
)
def test_only_a_real_wait_is_polled_again(answer: dict[str, object], pending: bool) -> None:
    assert _pending(answer) is pending


@pytest.mark.parametrize(
    ("code", "error_class", "text"),
    [
        ("50126", AuthenticationError, "refused the user name or password (AADSTS50126)"),
        ("50034", AuthenticationError, "no account alice@example.com (AADSTS50034)"),
        ("50053", AccountLocked, "AADSTS50053"),
        ("53003", AccessPolicyError, "Conditional Access blocked this sign-in"),
        ("50097", AccessPolicyError, "AADSTS50097"),
        ("500121", MfaError, "AADSTS500121"),
        ("50196", IdpResponseError, "wait a minute"),
        ("700016", ConfigurationError, "identifier urn:app#2 in this tenant"),
        ("99999", IdpResponseError, "AADSTS99999: Something odd happened"),
    ],
)
def test_aadsts_codes(code: str, error_class: type[Exception], text: str) -> None:
    error = error_for(
        code, " Something  odd\nhappened ", user="alice@example.com", entity_id="urn:app#2"
    )
    assert type(error) is error_class
    assert text in str(error)


def test_entras_own_prefix_is_not_repeated() -> None:
    error = error_for("90072", "AADSTS90072: Sign-in failed.", user="u", entity_id="e")
    assert str(error) == "Entra ID stopped the sign-in with AADSTS90072: Sign-in failed."


def test_unknown_codes_quote_a_bounded_piece_of_entras_text() -> None:
    error = error_for("1", "x" * 5000, user="u", entity_id="e")
    assert len(str(error)) < 300


def test_the_walk_refuses_a_page_repeated_unchanged_naming_it() -> None:
    walk = PageWalk()
    body = script('$Config={"pgid": "ConvergedConditionalAccess"};')
    walk.see(page(body))
    with pytest.raises(
        IdpResponseError, match=r"same page twice in a row \(ConvergedConditionalAccess\)"
    ):
        walk.see(page(body))


def test_the_walk_ends_after_thirty_pages_naming_the_last() -> None:
    walk = PageWalk()
    for number in range(MAX_PAGES):
        walk.see(Page(f"<title>Step {number}</title>", URL))
    with pytest.raises(IdpResponseError, match=r"more than 30 pages .* the last was 'Step 30'"):
        walk.see(Page("<title>Step 30</title>", URL))
