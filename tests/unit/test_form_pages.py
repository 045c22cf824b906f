"""Page recognition of the form engine's providers, on every page their emulators serve
and on hostile pages: pure functions, no HTTP."""

from __future__ import annotations

import base64

import pytest

from awsprocesscreds.authenticators.form import GENERIC
from awsprocesscreds.authenticators.keycloak import KEYCLOAK, _webauthn
from awsprocesscreds.authenticators.pingfed import _devices, _instructions, _swipe
from awsprocesscreds.authenticators.shibboleth import (
    SHIBBOLETH,
    _consent_form,
    _released,
    _storage_form,
)
from awsprocesscreds.authenticators.shibboleth_ecp import _assertion
from awsprocesscreds.errors import IdpResponseError
from awsprocesscreds.forms import Page
from tests.emulators import keycloak_mfa_pages as kc_mfa
from tests.emulators import keycloak_pages as kc
from tests.emulators import pingfed_pages as pf
from tests.emulators import shibboleth_pages as shib
from tests.emulators.keycloak_actions import ACTIONS, action_page
from tests.emulators.saml import DEFAULT_ROLE, build_saml_response
from tests.emulators.shibboleth_ecp import ecp_response

URL = "https://idp.example.test/realms/example/login-actions/authenticate?session_code=x"
KC = {"realm": "example", "action": URL, "resources": "/resources/x"}


@pytest.mark.parametrize("theme", ["v1", "v2"])
@pytest.mark.parametrize("locale", ["en", "ja"])
def test_keycloak_login_page_fields_and_error(theme: str, locale: str) -> None:
    html = kc.login_page(
        **KC, theme=theme, locale=locale, username="alice", field_error="Bad one", page_error=None
    )
    page = Page(html, URL)
    [login] = [form for form in page.forms if form.field_of_type("password")]
    assert KEYCLOAK.username.find(login, ("text", "email")) == "username"
    assert KEYCLOAK.password.find(login, ("password",)) == "password"
    assert KEYCLOAK.error_text(page) == "Bad one"


def test_keycloak_page_error_in_the_alert() -> None:
    html = kc.login_page(**KC, theme="v2", locale="en", page_error="Account is disabled.")
    assert KEYCLOAK.error_text(Page(html, URL)) == "Account is disabled."


@pytest.mark.parametrize("otp_field", ["otp", "totp"])
def test_keycloak_otp_page_and_devices(otp_field: str) -> None:
    devices = [("cred-0", "Phone"), ("cred-1", "Tablet")]
    html = kc_mfa.otp_page(**KC, theme="v2", locale="en", otp_field=otp_field, devices=devices)
    page = Page(html, URL)
    [form] = [form for form in page.forms if KEYCLOAK.code.find(form, ("text", "number", "tel"))]
    assert KEYCLOAK.code.find(form, ("text", "number", "tel")) == otp_field
    radios = [radio for radio in form.radios if radio.name == KEYCLOAK.device_choice]
    assert [radio.value for radio in radios] == ["cred-0", "cred-1"]
    assert [page.label_of(radio.id or "") for radio in radios] == ["Phone", "Tablet"]
    assert not _webauthn(page)


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("theme", ["v1", "v2"])
def test_keycloak_required_action_pages_are_blocked_before_the_code_page(
    action: str, theme: str
) -> None:
    html = action_page(action, **KC, theme=theme, locale="en", secret="JBSWY3DPEHPK3PXP")
    page = Page(html, URL)
    blocked = [item.name for item in KEYCLOAK.blocked if item.matches(page)]
    assert len(blocked) == 1
    assert "required action" in blocked[0]


def test_keycloak_login_and_code_pages_are_no_required_action() -> None:
    pages = [
        kc.login_page(**KC, theme="v2", locale="en", username="", field_error=None),
        kc_mfa.otp_page(**KC, theme="v1", locale="en", otp_field="totp", devices=[]),
    ]
    for html in pages:
        page = Page(html, URL)
        assert not [item for item in KEYCLOAK.blocked if item.matches(page)]


def test_keycloak_webauthn_page_is_blocked() -> None:
    html = kc_mfa.webauthn_page(
        **KC,
        theme="v2",
        locale="en",
        username="alice",
        challenge="c",
        rp_id="idp.example.test",
        credential_ids=["id-1"],
    )
    assert _webauthn(Page(html, URL))


SHIB_URL = "https://idp.example.test/idp/profile/SAML2/Unsolicited/SSO?execution=e1s2"


@pytest.mark.parametrize("csrf", [None, "_abc"])
def test_shibboleth_storage_views_are_answered_by_themselves(csrf: str | None) -> None:
    for html in (
        shib.storage_read_view("e1s1", csrf),
        shib.storage_write_view("e1s3", csrf, "blob"),
    ):
        page = Page(html, SHIB_URL)
        form = _storage_form(page)
        assert form is not None
        if csrf:
            assert form.submission({})["csrf_token"] == csrf
    assert _storage_form(Page(shib.login_view("e1s2", csrf), SHIB_URL)) is None


def test_shibboleth_login_view_and_its_error() -> None:
    page = Page(
        shib.login_view("e1s2", "_t", error="The password you entered was incorrect."), SHIB_URL
    )
    [login] = [form for form in page.forms if form.field_of_type("password")]
    assert SHIBBOLETH.username.find(login, ("text", "email")) == "j_username"
    assert SHIBBOLETH.password.find(login, ("password",)) == "j_password"
    assert SHIBBOLETH.error_text(page) == "The password you entered was incorrect."
    assert _consent_form(page) is None


def test_shibboleth_consent_view_lists_the_attributes() -> None:
    html = shib.consent_view("e1s4", "_t", [("uid", "alice"), ("mail", "alice@example.test")])
    form = _consent_form(Page(html, SHIB_URL))
    assert form is not None
    assert _released(form) == "uid, mail"
    sent = form.submission({}, pressed="_eventId_proceed")
    assert "_eventId_proceed" in sent
    assert "_eventId_AttributeReleaseRejected" not in sent


@pytest.mark.parametrize(
    "hostile",
    [
        '<form><input type="password" name="p">' * 60_000,
        '<div class="' + " ".join(f"c{i}" for i in range(100_000)) + '">x</div>',
        '<label for="a">' * 120_000,
    ],
)
def test_hostile_pages_are_refused_or_read_without_trouble(hostile: str) -> None:
    try:
        page = Page(hostile, URL)
    except IdpResponseError:
        return
    assert KEYCLOAK.error_text(page) is None or len(KEYCLOAK.error_text(page) or "") <= 300
    assert GENERIC.error_text(page) is None or len(GENERIC.error_text(page) or "") <= 300


def test_pingid_devices_are_read_in_order_and_boundedly() -> None:
    html = pf.device_page(
        action="/pingid/ppm/devices", csrf="t", devices=[("d1", "iPhone"), ("d2", "Mac &amp; more")]
    )
    page = Page(html, "https://idp.example.test/pingid/ppm/auth")
    assert _devices(page) == [("d1", "iPhone"), ("d2", "Mac &amp; more")]
    hostile = Page('data-id="' * 200_000 + '<li data-id="x' + "y" * 10_000, URL)
    assert len(_devices(hostile)) <= 20
    swipe = Page(
        pf.swipe_page(status_url="/s", response_url="/r", csrf="t", device="iPhone", number=42),
        URL,
    )
    assert _swipe(swipe) is not None
    assert _instructions(swipe) == ("In the PingID app on iPhone, select this number:", "42")


def test_shibboleth_ecp_answer_yields_its_response_and_refuses_a_dtd() -> None:
    response = build_saml_response([DEFAULT_ROLE])
    answer = ecp_response(response, "https://signin.aws.amazon.com/saml")
    assert base64.b64decode(_assertion(answer)) == base64.b64decode(response).strip()
    envelope = answer.index("<soap11:Envelope")
    with_dtd = answer[:envelope] + "<!DOCTYPE x [<!ELEMENT x ANY>]>\n" + answer[envelope:]
    with pytest.raises(IdpResponseError, match="not the SOAP it should be"):
        _assertion(with_dtd)
