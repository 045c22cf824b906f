"""Self-tests of the Keycloak emulator, driven with plain `requests` as a browser would,
through each path the client will take."""

from __future__ import annotations

import base64
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests

from tests.conftest import Starter
from tests.emulators import KeycloakEmulator, ManualClock, TestTls
from tests.emulators.options import DEFAULT_PASSWORD, DEFAULT_USER

AWS = "https://signin.aws.amazon.com/saml"
Make = Callable[..., KeycloakEmulator]
HOSTILE = '<script>alert("x")</script> & "quotes"'


@pytest.fixture
def make(starter: Starter, tls: TestTls) -> Make:
    return functools.partial(starter, KeycloakEmulator, tls)


# -- a few lines of browser ----------------------------------------------------------------


@dataclass
class Form:
    id: str
    action: str
    inputs: list[tuple[str, str, str]] = field(default_factory=list)  # (type, name, value)

    def fields(self) -> dict[str, str]:
        """What a browser posts: text and hidden inputs, the checked radio."""
        return {name: value for kind, name, value in self.inputs if kind != "submit" and name}


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self.radios: list[tuple[str, str, bool]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.forms.append(Form(values.get("id", ""), values.get("action", "")))
        elif tag == "input" and self.forms:
            kind = values.get("type", "text").lower()
            if kind == "checkbox" and "checked" not in values:
                return
            if kind == "radio":
                checked = "checked" in values
                self.radios.append((values["name"], values.get("value", ""), checked))
                if not checked:
                    return
            self.forms[-1].inputs.append((kind, values.get("name", ""), values.get("value", "")))


def forms_of(page: requests.Response) -> dict[str, Form]:
    parser = _Forms()
    parser.feed(page.text)
    return {form.id or str(index): form for index, form in enumerate(parser.forms)}


def submit(
    http: requests.Session, page: requests.Response, form_id: str, **values: str
) -> requests.Response:
    form = forms_of(page)[form_id]
    return http.post(urljoin(page.url, form.action), data={**form.fields(), **values})


def login(
    http: requests.Session, kc: KeycloakEmulator, user: str, password: str
) -> requests.Response:
    page = http.get(kc.entry_url)
    assert page.status_code == 200
    return submit(http, page, "kc-form-login", username=user, password=password)


def roles_in(page: requests.Response) -> str:
    match = re.search(r'NAME="SAMLResponse" VALUE="([^"]+)"', page.text)
    assert match, page.text[:500]
    return base64.b64decode(match.group(1)).decode()


def feedback(page: requests.Response, element_id: str) -> str:
    match = re.search(rf'id="{element_id}"[^>]*>(.*?)</(span|div)>', page.text, re.S)
    assert match, element_id
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def alert_text(page: requests.Response) -> str:
    match = re.search(r'class="pf(?:-v5)?-c-alert__title kc-feedback-text">(.*?)</span>', page.text)
    assert match
    return match.group(1)


# -- the tests -------------------------------------------------------------------------------


@pytest.mark.parametrize("auth_prefix", [False, True])
def test_password_sign_in_answers_the_saml_page_with_session_cookies(
    make: Make, http: requests.Session, auth_prefix: bool
) -> None:
    kc = make(auth_prefix=auth_prefix, realm="corp", client="urn:amazon:webservices")
    prefix = "/auth" if auth_prefix else ""
    assert (
        kc.entry_url
        == f"{kc.url}{prefix}/realms/corp/protocol/saml/clients/urn%3Aamazon%3Awebservices"
    )
    page = http.get(kc.entry_url)
    assert {"AUTH_SESSION_ID", "KC_RESTART"} <= set(http.cookies.keys())
    action = forms_of(page)["kc-form-login"].action
    split = urlsplit(action)
    assert split.path == f"{prefix}/realms/corp/login-actions/authenticate"
    assert set(parse_qs(split.query)) == {"session_code", "execution", "client_id", "tab_id"}
    done = submit(http, page, "kc-form-login", username=DEFAULT_USER, password=DEFAULT_PASSWORD)
    assert done.status_code == 200
    assert "<TITLE>SAML HTTP Post Binding</TITLE>" in done.text
    assert f'ACTION="{AWS}"' in done.text
    assert "arn:aws:iam::123456789012:role/Dev" in roles_in(done)
    cookies = {cookie.name: cookie for cookie in http.cookies}
    assert cookies["KEYCLOAK_IDENTITY"].path == f"{prefix}/realms/corp/"
    assert cookies["KEYCLOAK_IDENTITY"].has_nonstandard_attr("HttpOnly")
    assert cookies["KEYCLOAK_SESSION"].path == f"{prefix}/realms/corp/"
    assert (kc.logins, kc.password_posts, kc.sign_ins, kc.session_reuses) == (1, 1, 1, 0)


def test_the_session_cookie_answers_the_entry_url_until_revoked(
    make: Make, http: requests.Session
) -> None:
    clock = ManualClock()
    kc = make(clock=clock, session_lifetime=600.0)
    login(http, kc, DEFAULT_USER, DEFAULT_PASSWORD)
    again = http.get(kc.entry_url)
    assert "SAMLResponse" in again.text
    assert (kc.logins, kc.sign_ins, kc.session_reuses, kc.password_posts) == (2, 1, 1, 1)
    kc.revoke_sessions()
    assert 'id="kc-form-login"' in http.get(kc.entry_url).text
    login(http, kc, DEFAULT_USER, DEFAULT_PASSWORD)
    clock.now += 601
    assert 'id="kc-form-login"' in http.get(kc.entry_url).text
    assert (kc.sign_ins, kc.session_reuses) == (2, 1)


@pytest.mark.parametrize(
    ("theme", "locale", "element", "text"),
    [
        ("v1", "en", "input-error", "Invalid username or password."),
        ("v2", "en", "input-error-username", "Invalid username or password."),
        ("v2", "ja", "input-error-username", "無効なユーザー名またはパスワードです。"),
    ],
)
def test_a_wrong_password_renders_the_login_page_again_with_the_theme_error(
    make: Make,
    http: requests.Session,
    theme: str,
    locale: str,
    element: str,
    text: str,
) -> None:
    kc = make(theme=theme, locale=locale)
    page = login(http, kc, DEFAULT_USER, "wrong")
    assert page.status_code == 200
    assert feedback(page, element) == text
    assert "kc-feedback-text" in page.text
    other = "input-error-username" if theme == "v1" else 'id="input-error"'
    assert other not in page.text
    assert forms_of(page)["kc-form-login"].fields()["username"] == DEFAULT_USER
    # the re-rendered form still works
    done = submit(http, page, "kc-form-login", username=DEFAULT_USER, password=DEFAULT_PASSWORD)
    assert "SAMLResponse" in done.text
    assert (kc.password_posts, kc.logins, kc.sign_ins) == (2, 1, 1)


def test_an_unknown_user_gets_the_same_message(make: Make, http: requests.Session) -> None:
    kc = make()
    page = login(http, kc, "nobody", DEFAULT_PASSWORD)
    assert feedback(page, "input-error-username") == "Invalid username or password."


@pytest.mark.parametrize(
    ("theme", "locale", "text"),
    [
        ("v1", "en", "Account is disabled, contact your administrator."),
        ("v2", "en", "Account is disabled, contact your administrator."),
        ("v2", "ja", "アカウントが無効になっています。管理者に連絡してください。"),
    ],
)
def test_a_disabled_user_sees_the_alert(
    make: Make, http: requests.Session, theme: str, locale: str, text: str
) -> None:
    kc = make(disabled_users={DEFAULT_USER}, theme=theme, locale=locale)
    page = login(http, kc, DEFAULT_USER, DEFAULT_PASSWORD)
    assert page.status_code == 200
    assert alert_text(page) == text
    pf = "pf" if theme == "v1" else "pf-v5"
    assert f'<div class="alert-error {pf}-c-alert pf-m-inline pf-m-danger">' in page.text
    assert "input-error" not in page.text
    assert forms_of(page)["kc-form-login"].fields()["username"] == DEFAULT_USER
    assert (kc.logins, kc.sign_ins) == (0, 0)


def test_hostile_texts_are_escaped(make: Make, http: requests.Session) -> None:
    kc = make(error_text=HOSTILE, users={HOSTILE: "pw"}, otp_devices=[HOSTILE, "two"])
    escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;quotes&quot;"
    page = login(http, kc, HOSTILE, "wrong")
    assert "<script>alert" not in page.text
    assert page.text.count(escaped) == 2  # the message and the username kept
    assert forms_of(page)["kc-form-login"].fields()["username"] == HOSTILE
    otp = submit(http, page, "kc-form-login", username=HOSTILE, password="pw")
    assert "<script>alert" not in otp.text
    assert escaped in otp.text


def test_the_login_page_carries_the_real_pages_noise(make: Make, http: requests.Session) -> None:
    kc = make()
    assert kc.entry_url == f"{kc.url}/realms/example/protocol/saml/clients/amazon-aws"
    page = http.get(kc.entry_url)
    forms = forms_of(page)
    assert set(forms) == {"kc-form-login", "kc-select-try-another-way-form"}
    query = parse_qs(urlsplit(forms["kc-form-login"].action).query)
    assert query["client_id"] == ["urn:amazon:webservices"]
    assert forms["kc-form-login"].action == forms["kc-select-try-another-way-form"].action
    assert forms["kc-form-login"].fields() == {"username": "", "password": "", "credentialId": ""}
    assert 'name="rememberMe" type="checkbox"' in page.text
    assert 'name="login" id="kc-login" type="submit"' in page.text


def test_kerberos_answers_401_first_and_its_form_leads_to_the_login(
    make: Make, http: requests.Session
) -> None:
    kc = make(kerberos=True)
    first = http.get(kc.entry_url)
    assert first.status_code == 401
    assert first.headers["WWW-Authenticate"] == "Negotiate"
    assert "<TITLE>Kerberos Unsupported</TITLE>" in first.text
    page = submit(http, first, "0")
    assert page.status_code == 200
    done = submit(http, page, "kc-form-login", username=DEFAULT_USER, password=DEFAULT_PASSWORD)
    assert "SAMLResponse" in done.text
    assert (kc.password_posts, kc.sign_ins) == (1, 1)


def test_the_old_otp_page_cancel_button_is_never_pressed_silently(
    make: Make, http: requests.Session
) -> None:
    kc = make(otp_devices=["FreeOTP"], otp_field="totp")
    page = login(http, kc, DEFAULT_USER, DEFAULT_PASSWORD)
    assert 'name="cancel" id="kc-cancel" type="submit"' in page.text
    refused = submit(http, page, "kc-totp-login-form", totp="123456", cancel="Cancel")
    assert refused.status_code == 400
    assert "cancel: not modelled" in refused.text
    assert (kc.otp_attempts, kc.sign_ins) == (0, 0)


@pytest.mark.parametrize(
    ("otp_field", "form_id"), [("otp", "kc-otp-login-form"), ("totp", "kc-totp-login-form")]
)
def test_one_otp_device_asks_for_the_code(
    make: Make, http: requests.Session, otp_field: str, form_id: str
) -> None:
    kc = make(otp_devices=["FreeOTP"], otp_field=otp_field, otp_code="654321")
    page = login(http, kc, DEFAULT_USER, DEFAULT_PASSWORD)
    forms = forms_of(page)
    assert set(forms) == {form_id, "kc-select-try-another-way-form"}
    assert f'id="{otp_field}" name="{otp_field}"' in page.text
    assert "selectedCredentialId" not in page.text
    assert kc.sign_ins == 0
    wrong = submit(http, page, form_id, **{otp_field: "000000"})
    assert alert_text(wrong) == "Invalid authenticator code."
    assert form_id in forms_of(wrong)
    done = submit(http, wrong, form_id, **{otp_field: "654321"})
    assert "SAMLResponse" in done.text
    assert (kc.otp_attempts, kc.password_posts, kc.sign_ins, kc.logins) == (2, 1, 1, 1)
    assert kc.selected_credentials == []


def test_several_devices_offer_selected_credential_radios(
    make: Make, http: requests.Session
) -> None:
    kc = make(otp_devices=["FreeOTP", "Google Authenticator", "Work phone"])
    page = login(http, kc, DEFAULT_USER, DEFAULT_PASSWORD)
    parser = _Forms()
    parser.feed(page.text)
    assert parser.radios == [
        ("selectedCredentialId", "cred-0", True),
        ("selectedCredentialId", "cred-1", False),
        ("selectedCredentialId", "cred-2", False),
    ]
    labels = re.findall(r'<span class="pf-c-tile__title">([^<]*)</span>', page.text)
    assert labels == ["FreeOTP", "Google Authenticator", "Work phone"]
    assert 'id="kc-otp-credential-2"' in page.text
    unknown = submit(http, page, "kc-otp-login-form", selectedCredentialId="cred-9", otp="123456")
    assert alert_text(unknown) == "Invalid authenticator code."
    done = submit(http, unknown, "kc-otp-login-form", selectedCredentialId="cred-1", otp="123456")
    assert "SAMLResponse" in done.text
    assert kc.selected_credentials == ["cred-9", "cred-1"]


def test_webauthn_only_shows_the_webauthn_page_and_never_signs_in(
    make: Make, http: requests.Session
) -> None:
    kc = make(webauthn_only=True, otp_devices=["FreeOTP"])
    page = login(http, kc, DEFAULT_USER, DEFAULT_PASSWORD)
    forms = forms_of(page)
    assert {"webauth", "authn_select"} <= set(forms)
    assert set(forms["webauth"].fields()) == {
        "clientDataJSON",
        "authenticatorData",
        "signature",
        "credentialId",
        "userHandle",
        "error",
    }
    assert re.search(r'let challenge = "[A-Za-z0-9_-]+";', page.text)
    assert 'let rpId = "127.0.0.1";' in page.text
    assert 'name="authn_use_chk"' in page.text
    again = submit(http, page, "webauth", error="NotAllowedError")
    assert "webauth" in forms_of(again)
    assert (kc.sign_ins, kc.logins) == (0, 0)


def test_a_stale_session_code_restarts_the_login(make: Make, http: requests.Session) -> None:
    kc = make(otp_devices=["FreeOTP"])
    first = http.get(kc.entry_url)
    otp = submit(http, first, "kc-form-login", username=DEFAULT_USER, password=DEFAULT_PASSWORD)
    assert "kc-otp-login-form" in forms_of(otp)
    stale = submit(http, first, "kc-form-login", username=DEFAULT_USER, password=DEFAULT_PASSWORD)
    assert alert_text(stale).startswith("Your login attempt timed out.")
    assert "kc-form-login" in forms_of(stale)
    assert kc.password_posts == 1


def test_posts_without_the_auth_session_cookie_get_the_error_page(
    make: Make, http: requests.Session
) -> None:
    kc = make()
    page = http.get(kc.entry_url)
    http.cookies.clear()
    answer = submit(http, page, "kc-form-login", username=DEFAULT_USER, password=DEFAULT_PASSWORD)
    assert answer.status_code == 400
    assert 'id="kc-error-message"' in answer.text
    assert "Cookie not found." in answer.text
    assert kc.password_posts == 0


def test_try_another_way_and_unknown_paths_are_refused(make: Make, http: requests.Session) -> None:
    kc = make(otp_devices=["FreeOTP"])
    page = login(http, kc, DEFAULT_USER, DEFAULT_PASSWORD)
    assert submit(http, page, "kc-select-try-another-way-form").status_code == 400
    assert http.get(f"{kc.url}/realms/other/protocol/saml/clients/x").status_code == 404
    assert kc.errors == []


def test_unknown_options_are_refused(tls: TestTls) -> None:
    for options in ({"theme": "v3"}, {"locale": "fr"}, {"otp_field": "code"}):
        (name,) = options
        with pytest.raises(ValueError, match=f"^{name}: unknown"):
            KeycloakEmulator(tls, **options)  # type: ignore[arg-type]
