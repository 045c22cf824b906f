"""AD FS page recognition, as its description (``adfs.ADFS``) and recognisers
(``adfs_pages``) read realistic full pages (the emulator's own markup): pure, no HTTP."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from awsprocesscreds.authenticators.adfs import ADFS
from awsprocesscreds.authenticators.adfs_pages import (
    DEFAULT_INSTRUCTIONS,
    adapter,
    azure_mfa_form,
    instructions,
    other_adapter,
)
from awsprocesscreds.forms import Form, Page
from tests.emulators import adfs_pages

SERVED = "https://adfs.example.com/adfs/ls/?client-request-id=1"
ACTION = "/adfs/ls/?SAMLRequest=x&client-request-id=1"
CODE_TYPES = ("text", "number", "tel")


def login_form(page: Page) -> Form:
    """The form the engine signs in with: the one holding a password."""
    [form] = [form for form in page.forms if form.field_of_type("password")]
    return form


def test_modern_login_page_picks_the_form_with_the_password() -> None:
    page = Page(adfs_pages.login_page(ACTION), SERVED)
    form = login_form(page)
    assert form.id == "loginForm"
    assert ADFS.username.find(form, ("text", "email")) == "UserName"
    assert ADFS.password.find(form, ("password",)) == "Password"
    assert not ADFS.error_text(page)
    # relative action resolved against the served page, extra query kept
    assert form.action == "https://adfs.example.com" + ACTION
    assert azure_mfa_form(page) is None
    assert not other_adapter(page)


def test_login_submission_posts_each_field_once_and_skips_unchecked_boxes() -> None:
    form = login_form(Page(adfs_pages.login_page(ACTION), SERVED))
    posted = form.submission({"UserName": "alice", "Password": "pw"})
    assert posted == {"UserName": "alice", "Password": "pw", "AuthMethod": "FormsAuthentication"}


def test_adfs2_login_page_uses_aspnet_names_and_keeps_hidden_state() -> None:
    form = login_form(Page(adfs_pages.adfs2_login_page(ACTION), SERVED))
    assert ADFS.username.find(form, ("text", "email")) == adfs_pages.ADFS2_USER
    password = ADFS.password.find(form, ("password",))
    assert password == adfs_pages.ADFS2_PASSWORD
    posted = form.submission({password: "pw"})
    assert posted["__VIEWSTATE"] == adfs_pages.VIEWSTATE
    assert posted["__EVENTVALIDATION"] == adfs_pages.EVENTVALIDATION
    assert adfs_pages.ADFS2_SUBMIT in posted


@pytest.mark.parametrize("builder", [adfs_pages.login_page, adfs_pages.adfs2_login_page])
def test_error_text_is_read_by_id(builder: Callable[..., str]) -> None:
    page = Page(builder(ACTION, error=adfs_pages.INCORRECT), SERVED)
    assert ADFS.error_text(page) == adfs_pages.INCORRECT


def test_final_page_gives_the_assertion() -> None:
    assert Page(adfs_pages.final_page("QUJD"), SERVED).input_value("SAMLResponse") == "QUJD"
    assert Page(adfs_pages.final_page(""), SERVED).input_value("SAMLResponse") == ""


@pytest.mark.parametrize(
    ("kind", "field"),
    [("azure_otp", "VerificationCode"), ("securid", "Passcode"), ("oath", "OathCode")],
)
def test_one_time_code_pages(kind: str, field: str) -> None:
    page = Page(adfs_pages.mfa_page(kind, ACTION, "ctx"), SERVED)
    assert [ADFS.code.find(form, CODE_TYPES) for form in page.forms] == [field]
    # A code page is neither an approval (Azure MFA's OTP names the same adapter)
    # nor an unsupported adapter.
    assert azure_mfa_form(page) is None
    assert not other_adapter(page)


def test_azure_mfa_wait_page_with_number_matching() -> None:
    page = Page(adfs_pages.mfa_page("azure_number", ACTION, "ctx-1", entropy=42), SERVED)
    form = azure_mfa_form(page)
    assert form is not None
    assert form.submission({}) == {"AuthMethod": "AzureMfaAuthentication", "Context": "ctx-1"}
    assert adapter(page) == "AzureMfaAuthentication"
    text, number = instructions(page)
    assert number == "42"
    assert "Authenticator app" in text
    assert not other_adapter(page)


def test_azure_mfa_denied_shows_the_error() -> None:
    html = adfs_pages.mfa_page("azure", ACTION, "ctx", error=adfs_pages.DENIED)
    page = Page(html, SERVED)
    assert azure_mfa_form(page) is not None
    assert ADFS.error_text(page) == adfs_pages.DENIED
    assert instructions(page)[1] is None


def test_azure_mfa_page_without_instructions_gets_ours() -> None:
    html = adfs_pages.mfa_page("azure", ACTION, "ctx").replace('id="instructions"', 'id="x"')
    assert instructions(Page(html, SERVED)) == (DEFAULT_INSTRUCTIONS, None)


def test_unsupported_adapter_is_named() -> None:
    page = Page(adfs_pages.mfa_page("duo", ACTION, "ctx"), SERVED)
    assert other_adapter(page)
    assert adapter(page) == "DuoAdfsAdapter"
    assert azure_mfa_form(page) is None


@pytest.mark.parametrize(
    "html",
    [
        adfs_pages.signed_in_page(),
        adfs_pages.error_page("An error occurred"),
        "<html><head><title>Portal</title></head><body>hello</body></html>",
        "",
    ],
)
def test_anything_else_is_no_second_factor(html: str) -> None:
    page = Page(html, SERVED)
    assert azure_mfa_form(page) is None
    assert not other_adapter(page)
    assert adapter(page) == ""
    assert not any(ADFS.code.find(form, CODE_TYPES) for form in page.forms)
