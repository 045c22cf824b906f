"""Self-tests of the Shibboleth IdP emulator, driven with plain `requests` as a browser
would: the Spring Web Flow steps, client storage, login errors, consent, sessions, ECP."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from urllib.parse import urljoin

import pytest
import requests
from defusedxml import ElementTree

from tests.emulators import ShibbolethEmulator, TestTls
from tests.emulators.options import DEFAULT_PASSWORD, DEFAULT_USER
from tests.emulators.saml import AWS_SIGNIN_URL
from tests.emulators.sessions import ManualClock

ROLE_ATTRIBUTE = "https://aws.amazon.com/SAML/Attributes/Role"


def start(tls: TestTls, **options: object) -> ShibbolethEmulator:
    emulator = ShibbolethEmulator(tls, **options)  # type: ignore[arg-type]
    emulator.start()
    return emulator


@pytest.fixture
def stop() -> Iterator[list[ShibbolethEmulator]]:
    started: list[ShibbolethEmulator] = []
    yield started
    for emulator in started:
        emulator.stop()


class _Forms(HTMLParser):
    """Every form of a page: action and its inputs' (name, value, type)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, list[tuple[str, str, str]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.forms.append((values.get("action", ""), []))
        elif tag in ("input", "button") and self.forms and "name" in values:
            kind = values.get("type", "text" if tag == "input" else "submit")
            self.forms[-1][1].append((values["name"], values.get("value", ""), kind))


def form_of(page: requests.Response) -> tuple[str, list[tuple[str, str, str]]]:
    parser = _Forms()
    parser.feed(page.text)
    assert len(parser.forms) == 1, page.text
    action, inputs = parser.forms[0]
    return urljoin(page.url, action), inputs


def submit(http: requests.Session, page: requests.Response, **fields: str) -> requests.Response:
    """Post the page's form as a browser without stored state would: hidden inputs
    copied, `fields` set, client-storage successes answered "true"."""
    action, inputs = form_of(page)
    data = {name: value for name, value, kind in inputs if kind == "hidden"}
    for name in data:
        if name.startswith("shib_idp_ls_success."):
            data[name] = "true"
    data.update(fields)
    return http.post(action, data=data)


def title(page: requests.Response) -> str:
    match = re.search(r"<title>(.*?)</title>", page.text)
    return match.group(1) if match else ""


def form_error(page: requests.Response) -> str | None:
    match = re.search(r'<p class="form-element form-error">(.*?)</p>', page.text)
    return match.group(1) if match else None


def login(
    http: requests.Session,
    emulator: ShibbolethEmulator,
    user: str = DEFAULT_USER,
    password: str = DEFAULT_PASSWORD,
) -> requests.Response:
    """Entry, storage read, login: the page that follows the login post."""
    page = http.get(emulator.entry_url)
    if title(page) == "Loading Session Information":
        page = submit(http, page, _eventId_proceed="")
    assert 'name="j_username"' in page.text
    return submit(http, page, j_username=user, j_password=password, _eventId_proceed="")


def saml_of(page: requests.Response) -> str:
    action, inputs = form_of(page)
    assert action == AWS_SIGNIN_URL
    values = {name: value for name, value, _ in inputs}
    return base64.b64decode(values["SAMLResponse"]).decode()


# -- browser flow ----------------------------------------------------------------------


def test_full_flow_with_storage_views_and_redirects(
    tls: TestTls, http: requests.Session, stop: list[ShibbolethEmulator]
) -> None:
    emulator = start(tls)
    stop.append(emulator)
    first = http.get(emulator.entry_url, allow_redirects=False)
    assert first.status_code == 302
    assert first.headers["Location"] == "/idp/profile/SAML2/Unsolicited/SSO?execution=e1s1"
    assert "JSESSIONID" in http.cookies
    read = http.get(emulator.entry_url)
    assert title(read) == "Loading Session Information"
    assert read.url.endswith("execution=e2s1")
    names = {name for name, _, _ in form_of(read)[1]}
    for key in ("shib_idp_session_ss", "shib_idp_persistent_ss"):
        for part in ("exception", "success", "value"):
            assert f"shib_idp_ls_{part}.{key}" in names
    assert {"csrf_token", "_eventId_proceed"} <= names
    assert 'name="form1"' in read.text
    login_page = submit(http, read)
    assert login_page.url.endswith("execution=e2s2")
    assert form_error(login_page) is None
    assert ("_eventId_proceed", "", "submit") in form_of(login_page)[1]
    write = submit(
        http, login_page, j_username=DEFAULT_USER, j_password=DEFAULT_PASSWORD, _eventId_proceed=""
    )
    assert title(write) == "Saving Session Information"
    assert write.url.endswith("execution=e2s3")
    final = submit(http, write)
    xml = saml_of(final)
    assert "<saml2p:Response" in xml
    assert ROLE_ATTRIBUTE in xml
    assert "https&#x3a;&#x2f;&#x2f;signin" in final.text  # OpenSAML encodes the action
    assert "shib_idp_session" in http.cookies
    counts = (emulator.logins, emulator.password_posts, emulator.storage_reads)
    assert counts == (1, 1, 1)
    assert (emulator.storage_writes, emulator.sign_ins, emulator.session_reuses) == (1, 1, 0)


def test_without_local_storage_the_login_comes_first(
    tls: TestTls, http: requests.Session, stop: list[ShibbolethEmulator]
) -> None:
    emulator = start(tls, local_storage=False, session_duration=7200)
    stop.append(emulator)
    final = login(http, emulator)
    assert "SessionDuration" in saml_of(final)
    assert (emulator.storage_reads, emulator.storage_writes, emulator.logins) == (0, 0, 1)


@pytest.mark.parametrize(
    ("options", "user", "password", "message"),
    [
        ({}, DEFAULT_USER, "wrong", "The password you entered was incorrect."),
        ({}, "nobody", "x", "The username you entered cannot be identified."),
        ({"error_text": "Falsches Passwort."}, DEFAULT_USER, "wrong", "Falsches Passwort."),
        (
            {"account_status": {DEFAULT_USER: "locked"}},
            DEFAULT_USER,
            DEFAULT_PASSWORD,
            "Your account is locked.",
        ),
        (
            {"account_status": {DEFAULT_USER: "expired"}},
            DEFAULT_USER,
            DEFAULT_PASSWORD,
            "Your password has expired.",
        ),
    ],
)
def test_a_refused_login_shows_the_login_view_again_with_its_message(
    tls: TestTls,
    http: requests.Session,
    stop: list[ShibbolethEmulator],
    options: dict[str, object],
    user: str,
    password: str,
    message: str,
) -> None:
    emulator = start(tls, **options)
    stop.append(emulator)
    again = login(http, emulator, user, password)
    assert form_error(again) == message
    assert 'name="j_password"' in again.text
    assert again.url.endswith("execution=e1s3")
    assert (emulator.logins, emulator.sign_ins, emulator.password_posts) == (0, 0, 1)
    if options:
        return
    write = submit(
        http, again, j_username=DEFAULT_USER, j_password=DEFAULT_PASSWORD, _eventId_proceed=""
    )
    assert title(write) == "Saving Session Information"


def test_a_stale_execution_and_a_wrong_csrf_token_get_error_views(
    tls: TestTls, http: requests.Session, stop: list[ShibbolethEmulator]
) -> None:
    emulator = start(tls)
    stop.append(emulator)
    read = http.get(emulator.entry_url)
    login_page = submit(http, read)
    stale = submit(http, read)  # the read view's execution is no longer current
    assert title(stale) == "Web Login Service - Stale Request"
    forged = submit(http, login_page, csrf_token="forged", _eventId_proceed="")
    assert "CSRF" in title(forged)
    assert emulator.password_posts == 0


def test_version_3_has_no_csrf_token(
    tls: TestTls, http: requests.Session, stop: list[ShibbolethEmulator]
) -> None:
    emulator = start(tls, version=3)
    stop.append(emulator)
    read = http.get(emulator.entry_url)
    assert "csrf_token" not in read.text
    write = login(http, emulator)
    assert title(write) == "Saving Session Information"
    saml_of(submit(http, write))


def test_a_post_without_an_event_shows_the_same_view(
    tls: TestTls, http: requests.Session, stop: list[ShibbolethEmulator]
) -> None:
    emulator = start(tls, local_storage=False)
    stop.append(emulator)
    page = http.get(emulator.entry_url)
    again = submit(http, page, j_username=DEFAULT_USER, j_password=DEFAULT_PASSWORD)
    assert 'name="j_password"' in again.text
    assert again.url.endswith("e1s2")
    assert emulator.password_posts == 0


@pytest.mark.parametrize("answer", ["accepted", "refused"])
def test_consent_lists_the_attributes_and_records_the_answer(
    tls: TestTls, http: requests.Session, stop: list[ShibbolethEmulator], answer: str
) -> None:
    emulator = start(tls, consent=True, consent_attributes=("uid", "mail"))
    stop.append(emulator)
    page = submit(http, login(http, emulator))
    assert title(page) == "Information Release"
    assert "<td>uid</td><td>alice</td>" in page.text
    assert f"<td>mail</td><td>{DEFAULT_USER}</td>" in page.text
    names = [name for name, _, _ in form_of(page)[1]]
    assert names.count("_shib_idp_consentOptions") == 3
    event = "_eventId_proceed" if answer == "accepted" else "_eventId_AttributeReleaseRejected"
    assert event in names
    result = submit(
        http, page, **{event: "", "_shib_idp_consentOptions": "_shib_idp_rememberConsent"}
    )
    assert emulator.consent_answers == [answer]
    assert emulator.consent_posts == 1
    if answer == "refused":
        assert "you did not consent" in result.text
        assert emulator.logins == 0
        return
    saml_of(result)
    # Remembered: the next sign-in (session reused) goes without the consent view.
    write = submit(http, http.get(emulator.entry_url))
    saml_of(submit(http, write))
    assert emulator.consent_posts == 1
    assert emulator.session_reuses == 1


def test_a_session_cookie_skips_the_login_until_revoked_or_expired(
    tls: TestTls, http: requests.Session, stop: list[ShibbolethEmulator]
) -> None:
    clock = ManualClock()
    emulator = start(tls, local_storage=False, session_lifetime=600.0, clock=clock)
    stop.append(emulator)
    saml_of(login(http, emulator))
    cookie = next(c for c in http.cookies if c.name == "shib_idp_session")
    assert cookie.path == "/idp"
    assert cookie.secure
    assert cookie.has_nonstandard_attr("HttpOnly")
    saml_of(http.get(emulator.entry_url))
    assert (emulator.sign_ins, emulator.session_reuses, emulator.password_posts) == (1, 1, 1)
    emulator.revoke_sessions()
    assert 'name="j_password"' in http.get(emulator.entry_url).text
    saml_of(login(http, emulator))
    clock.now += 601
    assert 'name="j_password"' in http.get(emulator.entry_url).text
    assert emulator.sign_ins == 2


def test_donotcache_sets_no_session_cookie(
    tls: TestTls, http: requests.Session, stop: list[ShibbolethEmulator]
) -> None:
    emulator = start(tls, local_storage=False)
    stop.append(emulator)
    page = http.get(emulator.entry_url)
    final = submit(
        http,
        page,
        j_username=DEFAULT_USER,
        j_password=DEFAULT_PASSWORD,
        donotcache="1",
        _eventId_proceed="",
    )
    saml_of(final)
    assert "shib_idp_session" not in http.cookies


def test_an_unknown_provider_gets_an_error_view(
    tls: TestTls, http: requests.Session, stop: list[ShibbolethEmulator]
) -> None:
    emulator = start(tls)
    stop.append(emulator)
    page = http.get(emulator.entry_url.replace("urn:amazon:webservices", "urn:other"))
    assert title(page) == "Web Login Service - Unsupported Request"


# -- ECP ---------------------------------------------------------------------------------

AUTHN_REQUEST = """<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"
 xmlns:saml2="urn:oasis:names:tc:SAML:2.0:assertion"
 xmlns:saml2p="urn:oasis:names:tc:SAML:2.0:protocol"><S:Body>
<saml2p:AuthnRequest ID="_1" Version="2.0" IssueInstant="2026-01-01T00:00:00Z"
 ProtocolBinding="urn:oasis:names:tc:SAML:2.0:bindings:{binding}"
 AssertionConsumerServiceURL="https://signin.aws.amazon.com/saml">
<saml2:Issuer>urn:amazon:webservices</saml2:Issuer></saml2p:AuthnRequest>
</S:Body></S:Envelope>"""


def ecp_post(
    http: requests.Session,
    emulator: ShibbolethEmulator,
    password: str = DEFAULT_PASSWORD,
    binding: str = "PAOS",
) -> requests.Response:
    return http.post(
        emulator.ecp_url,
        data=AUTHN_REQUEST.format(binding=binding).encode(),
        headers={"Content-Type": "text/xml"},
        auth=(DEFAULT_USER, password),
    )


def test_ecp_answers_a_soap_envelope_with_the_response(
    tls: TestTls, http: requests.Session, stop: list[ShibbolethEmulator]
) -> None:
    emulator = start(tls)
    stop.append(emulator)
    answer = ecp_post(http, emulator)
    assert answer.status_code == 200
    root = ElementTree.fromstring(answer.content)
    soap = "{http://schemas.xmlsoap.org/soap/envelope/}"
    header = root.find(f"{soap}Header/{{urn:oasis:names:tc:SAML:2.0:profiles:SSO:ecp}}Response")
    assert header is not None
    assert header.get("AssertionConsumerServiceURL") == AWS_SIGNIN_URL
    response = root.find(f"{soap}Body/{{urn:oasis:names:tc:SAML:2.0:protocol}}Response")
    assert response is not None
    assert ROLE_ATTRIBUTE in answer.text
    assert (emulator.ecp_requests, emulator.logins, emulator.sign_ins) == (1, 1, 0)


def test_ecp_refusals(tls: TestTls, http: requests.Session, stop: list[ShibbolethEmulator]) -> None:
    emulator = start(tls)
    stop.append(emulator)
    wrong = ecp_post(http, emulator, password="wrong")
    assert wrong.status_code == 401
    assert wrong.headers["WWW-Authenticate"].startswith("Basic ")
    assert ecp_post(http, emulator, binding="HTTP-POST").status_code == 400
    no_auth = http.post(
        emulator.ecp_url,
        data=AUTHN_REQUEST.format(binding="PAOS").encode(),
        headers={"Content-Type": "text/xml"},
    )
    assert no_auth.status_code == 401
    assert emulator.logins == 0
    assert emulator.ecp_requests == 3
    emulator.ecp = False
    disabled = ecp_post(http, emulator)
    assert disabled.status_code == 500
    assert "<soap11:Fault>" in disabled.text
    assert emulator.logins == 0


def test_bad_options_are_refused(tls: TestTls) -> None:
    with pytest.raises(ValueError, match="version"):
        ShibbolethEmulator(tls, version=2)
    with pytest.raises(ValueError, match="account_status"):
        ShibbolethEmulator(tls, account_status={"a": "gone"})


def test_a_target_comes_back_as_relay_state(
    tls: TestTls, http: requests.Session, stop: list[ShibbolethEmulator]
) -> None:
    emulator = start(tls, local_storage=False)
    stop.append(emulator)
    page = http.get(emulator.entry_url + "&target=https%3A%2F%2Fconsole.aws.amazon.com%2F")
    final = submit(
        http, page, j_username=DEFAULT_USER, j_password=DEFAULT_PASSWORD, _eventId_proceed=""
    )
    inputs = {name: value for name, value, _ in form_of(final)[1]}
    assert inputs["RelayState"] == "https://console.aws.amazon.com/"


def test_an_ended_flow_and_an_unknown_path_get_error_views(
    tls: TestTls, http: requests.Session, stop: list[ShibbolethEmulator]
) -> None:
    emulator = start(tls, local_storage=False)
    stop.append(emulator)
    page = http.get(emulator.entry_url)
    saml_of(login(http, emulator))
    assert title(http.get(page.url)) == "Web Login Service - Stale Request"
    missing = http.get(emulator.url + "/idp/profile/nothing")
    assert missing.status_code == 404
    assert emulator.errors == []


def test_ecp_refuses_a_document_type_declaration(
    tls: TestTls, http: requests.Session, stop: list[ShibbolethEmulator]
) -> None:
    emulator = start(tls)
    stop.append(emulator)
    hostile = '<!DOCTYPE x [<!ENTITY e "e">]>' + AUTHN_REQUEST.format(binding="PAOS")
    answer = http.post(
        emulator.ecp_url,
        data=hostile.encode(),
        headers={"Content-Type": "text/xml"},
        auth=(DEFAULT_USER, DEFAULT_PASSWORD),
    )
    assert answer.status_code == 400
    assert "<soap11:Fault>" in answer.text
    assert emulator.logins == 0


def test_revoke_consent_at_the_login_asks_for_consent_again(
    tls: TestTls, http: requests.Session, stop: list[ShibbolethEmulator]
) -> None:
    emulator = start(tls, local_storage=False, consent=True)
    stop.append(emulator)
    accept = {"_eventId_proceed": "", "_shib_idp_consentOptions": "_shib_idp_globalConsent"}
    saml_of(submit(http, login(http, emulator), **accept))
    emulator.revoke_sessions()
    saml_of(login(http, emulator))  # remembered: no consent view
    emulator.revoke_sessions()
    page = http.get(emulator.entry_url)
    fields = {"j_username": DEFAULT_USER, "j_password": DEFAULT_PASSWORD}
    again = submit(http, page, **fields, _shib_idp_revokeConsent="true", _eventId_proceed="")
    assert title(again) == "Information Release"
    assert emulator.consent_answers == ["accepted"]
    assert emulator.gets == 8  # 3 entries and their first views, 2 consent views
