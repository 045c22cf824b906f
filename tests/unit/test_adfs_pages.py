"""AD FS page classification on realistic full pages (the emulator's own markup)."""

from __future__ import annotations

import pytest

from awsprocesscreds.authenticators.adfs_pages import (
    CodePage,
    LoginPage,
    OtherMfaPage,
    WaitPage,
    classify,
)
from awsprocesscreds.forms import Page, SamlPage, UnknownPage
from tests.emulators import adfs_pages

SERVED = "https://adfs.example.com/adfs/ls/?client-request-id=1"
ACTION = "/adfs/ls/?SAMLRequest=x&client-request-id=1"


def test_modern_login_page_picks_the_form_with_the_password() -> None:
    state = classify(Page(adfs_pages.login_page(ACTION), SERVED))
    assert isinstance(state, LoginPage)
    assert state.form.id == "loginForm"
    assert (state.username_field, state.password_field) == ("UserName", "Password")
    assert state.error is None
    # relative action resolved against the served page, extra query kept
    assert state.form.action == "https://adfs.example.com" + ACTION


def test_login_submission_posts_each_field_once_and_skips_unchecked_boxes() -> None:
    state = classify(Page(adfs_pages.login_page(ACTION), SERVED))
    assert isinstance(state, LoginPage)
    posted = state.form.submission({"UserName": "alice", "Password": "pw"})
    assert posted == {"UserName": "alice", "Password": "pw", "AuthMethod": "FormsAuthentication"}


def test_adfs2_login_page_uses_aspnet_names_and_keeps_hidden_state() -> None:
    state = classify(Page(adfs_pages.adfs2_login_page(ACTION), SERVED))
    assert isinstance(state, LoginPage)
    assert state.username_field == adfs_pages.ADFS2_USER
    assert state.password_field == adfs_pages.ADFS2_PASSWORD
    posted = state.form.submission({state.password_field: "pw"})
    assert posted["__VIEWSTATE"] == adfs_pages.VIEWSTATE
    assert posted["__EVENTVALIDATION"] == adfs_pages.EVENTVALIDATION
    assert adfs_pages.ADFS2_SUBMIT in posted


@pytest.mark.parametrize("builder", [adfs_pages.login_page, adfs_pages.adfs2_login_page])
def test_error_text_is_read_by_id(builder: object) -> None:
    html = builder(ACTION, error=adfs_pages.INCORRECT)  # type: ignore[operator]
    state = classify(Page(html, SERVED))
    assert isinstance(state, LoginPage)
    assert state.error == adfs_pages.INCORRECT


def test_final_page_gives_the_assertion() -> None:
    assert classify(Page(adfs_pages.final_page("QUJD"), SERVED)) == SamlPage("QUJD")
    assert classify(Page(adfs_pages.final_page(""), SERVED)) == SamlPage("")


@pytest.mark.parametrize(
    ("kind", "field"),
    [("azure_otp", "VerificationCode"), ("securid", "Passcode"), ("oath", "OathCode")],
)
def test_one_time_code_pages(kind: str, field: str) -> None:
    state = classify(Page(adfs_pages.mfa_page(kind, ACTION, "ctx"), SERVED))
    assert isinstance(state, CodePage)
    assert state.code_field == field
    assert state.auth_method == adfs_pages.MFA_METHODS[kind][0]


def test_azure_mfa_wait_page_with_number_matching() -> None:
    html = adfs_pages.mfa_page("azure_number", ACTION, "ctx-1", entropy=42)
    state = classify(Page(html, SERVED))
    assert isinstance(state, WaitPage)
    assert (state.auth_method, state.context, state.number) == (
        "AzureMfaAuthentication",
        "ctx-1",
        "42",
    )
    assert state.instructions


def test_azure_mfa_denied_shows_the_error() -> None:
    html = adfs_pages.mfa_page("azure", ACTION, "ctx", error=adfs_pages.DENIED)
    state = classify(Page(html, SERVED))
    assert isinstance(state, WaitPage)
    assert state.error == adfs_pages.DENIED
    assert state.number is None


def test_unsupported_adapter_is_named() -> None:
    state = classify(Page(adfs_pages.mfa_page("duo", ACTION, "ctx"), SERVED))
    assert state == OtherMfaPage("DuoAdfsAdapter")


@pytest.mark.parametrize(
    "html",
    [
        adfs_pages.signed_in_page(),
        adfs_pages.error_page("An error occurred"),
        "<html><head><title>Portal</title></head><body>hello</body></html>",
        "",
    ],
)
def test_anything_else_is_unknown(html: str) -> None:
    assert isinstance(classify(Page(html, SERVED)), UnknownPage)
