"""Self-tests of the PingFederate emulator, driven with plain `requests` as a browser
would, through each path the client will take."""

from __future__ import annotations

import base64
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin

import pytest
import requests

from tests.conftest import Starter
from tests.emulators import ManualClock, PingFedEmulator, TestTls
from tests.emulators.options import DEFAULT_PASSWORD, DEFAULT_USER

AWS = "https://signin.aws.amazon.com/saml"
Make = Callable[..., PingFedEmulator]
HOSTILE = '<script>alert("x")</script> & "quotes"'


@pytest.fixture
def make(starter: Starter, tls: TestTls) -> Make:
    return functools.partial(starter, PingFedEmulator, tls)


# -- a few lines of browser ----------------------------------------------------------------


@dataclass
class Form:
    id: str
    name: str
    action: str
    method: str
    inputs: dict[str, str] = field(default_factory=dict)


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self.devices: list[tuple[str, str]] = []  # (data-id, device name)
        self._classes: list[str] = []
        self.texts: dict[str, str] = {}  # class of a div -> the text of the last one

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "form":
            method = values.get("method", "get").upper()
            self.forms.append(Form(values.get("id", ""), values.get("name", ""), "", method))
            self.forms[-1].action = values.get("action", "")
        elif tag == "input" and self.forms and values.get("type", "text").lower() != "submit":
            self.forms[-1].inputs[values.get("name", "")] = values.get("value", "")
        elif tag == "li" and "data-id" in values:
            self.devices.append((values["data-id"], ""))
        if tag == "div":
            self._classes.append(values.get("class", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "div" and self._classes:
            self._classes.pop()

    def handle_data(self, data: str) -> None:
        if self._classes and data.strip():
            kind = self._classes[-1]
            self.texts[kind] = data.strip()
            if kind == "device-name" and self.devices and not self.devices[-1][1]:
                self.devices[-1] = (self.devices[-1][0], data.strip())


def parse(page: requests.Response) -> _Page:
    parser = _Page()
    parser.feed(page.text)
    return parser


def form(page: requests.Response, key: str = "") -> Form:
    """The form with this id (or name); "" the first one."""
    forms = parse(page).forms
    if not key:
        return forms[0]
    return next(each for each in forms if key in (each.id, each.name))


def submit(
    http: requests.Session, page: requests.Response, key: str = "", **values: str
) -> requests.Response:
    chosen = form(page, key)
    url = urljoin(page.url, chosen.action)
    data = {**chosen.inputs, **values}
    if chosen.method == "GET":
        return http.get(url, params=data)
    return http.post(url, data=data)


def login(
    http: requests.Session, pf: PingFedEmulator, password: str = DEFAULT_PASSWORD
) -> requests.Response:
    page = http.get(pf.entry_url)
    assert page.status_code == 200
    return submit(http, page, **{"pf.username": DEFAULT_USER, "pf.pass": password})


def roles_in(page: requests.Response) -> str:
    done = form(page)
    assert done.action == AWS, page.text[:500]
    return base64.b64decode(done.inputs["SAMLResponse"]).decode()


def through_pingid(http: requests.Session, page: requests.Response) -> requests.Response:
    """Follow the hand-over to PingID and answer the WebAuthn probe as a terminal would."""
    assert "ppm_request" in form(page).inputs
    page = submit(http, page)
    probe = form(page)
    assert probe.id == "start-form"
    assert "isWebAuthnSupportedByBrowser" in probe.inputs
    return submit(http, page, "start-form", isWebAuthnSupportedByBrowser="false")


# -- the tests -------------------------------------------------------------------------------


def test_a_password_alone_signs_in_with_the_pf_session_cookie(
    make: Make, http: requests.Session
) -> None:
    pf = make(
        roles=[
            ("arn:aws:iam::123456789012:role/Dev", "arn:aws:iam::123456789012:saml-provider/Ping")
        ]
    )
    page = http.get(pf.entry_url)
    login_form = form(page)
    assert re.fullmatch(r"/idp/[^/]+/resumeSAML20/idp/startSSO\.ping", login_form.action)
    assert set(login_form.inputs) >= {
        "pf.username",
        "pf.pass",
        "pf.ok",
        "pf.cancel",
        "pf.adapterId",
    }
    assert "ping-error" not in page.text
    done = submit(http, page, **{"pf.username": DEFAULT_USER, "pf.pass": DEFAULT_PASSWORD})
    assert "arn:aws:iam::123456789012:role/Dev" in roles_in(done)
    cookie = next(each for each in http.cookies if each.name == "PF")
    assert cookie.secure
    assert cookie.has_nonstandard_attr("HttpOnly")
    assert (pf.logins, pf.password_posts, pf.sign_ins, pf.session_reuses) == (1, 1, 1, 0)


def test_every_flow_has_its_own_resume_path(make: Make, tls: TestTls) -> None:
    pf = make()
    actions = set()
    for _ in range(3):
        with requests.Session() as browser:
            browser.trust_env, browser.verify = False, str(tls.ca_file)
            actions.add(form(browser.get(pf.entry_url)).action)
    assert len(actions) == 3


def test_the_session_cookie_answers_the_entry_url_until_it_ends(
    make: Make, http: requests.Session
) -> None:
    clock = ManualClock()
    pf = make(clock=clock, session_lifetime=600.0, pingid=["otp"])
    page = through_pingid(http, login(http, pf))
    roles_in(submit(http, submit(http, page, "otp-form", otp="123456")))
    assert roles_in(http.get(pf.entry_url))
    assert (pf.logins, pf.sign_ins, pf.session_reuses, pf.password_posts) == (2, 1, 1, 1)
    pf.revoke_sessions()
    assert "pf.pass" in http.get(pf.entry_url).text
    page = through_pingid(http, login(http, pf))
    roles_in(submit(http, submit(http, page, "otp-form", otp="123456")))
    clock.now += 601
    assert "pf.pass" in http.get(pf.entry_url).text
    assert (pf.sign_ins, pf.session_reuses) == (2, 1)


@pytest.mark.parametrize(
    ("error_text", "shown"),
    [
        (None, "We didn't recognize the username or password you entered. Please try again."),
        (HOSTILE, HOSTILE),
    ],
)
def test_a_wrong_password_shows_the_login_page_again_with_the_adapter_error(
    make: Make, http: requests.Session, error_text: str | None, shown: str
) -> None:
    pf = make(error_text=error_text)
    page = login(http, pf, "wrong")
    assert page.status_code == 200
    assert parse(page).texts["ping-error"] == shown
    assert "<script>alert" not in page.text
    assert form(page).inputs["pf.username"] == DEFAULT_USER
    done = submit(http, page, **{"pf.username": DEFAULT_USER, "pf.pass": DEFAULT_PASSWORD})
    assert roles_in(done)
    assert (pf.password_posts, pf.logins, pf.sign_ins) == (2, 1, 1)


def test_a_resume_post_without_the_flow_cookie_is_refused(
    make: Make, http: requests.Session, tls: TestTls
) -> None:
    pf = make()
    page = http.get(pf.entry_url)
    with requests.Session() as stranger:
        stranger.trust_env, stranger.verify = False, str(tls.ca_file)
        refused = submit(
            stranger, page, **{"pf.username": DEFAULT_USER, "pf.pass": DEFAULT_PASSWORD}
        )
    assert refused.status_code == 400
    assert pf.sign_ins == 0


def test_one_time_code_with_a_wrong_code_first(make: Make, http: requests.Session) -> None:
    pf = make(pingid=["otp"], otp_code="654321")
    page = through_pingid(http, login(http, pf))
    otp = form(page, "otp-form")
    assert set(otp.inputs) == {"otp", "csrfToken"}
    assert otp.inputs["csrfToken"]
    assert 'class="csrf"' in page.text
    again = submit(http, page, "otp-form", otp="000000")
    assert parse(again).texts["error-message"] == "Incorrect passcode. Please try again."
    back = submit(http, again, "otp-form", otp="654321")
    assert set(form(back).inputs) == {"ppm_response"}
    assert form(back).action.endswith("/resumeSAML20/idp/startSSO.ping")
    assert roles_in(submit(http, back))
    assert (pf.otp_attempts, pf.sign_ins, pf.logins, pf.swipe_polls) == (2, 1, 1, 0)


def test_a_wrong_csrf_token_is_refused(make: Make, http: requests.Session) -> None:
    pf = make(pingid=["otp"])
    page = through_pingid(http, login(http, pf))
    assert submit(http, page, "otp-form", otp="123456", csrfToken="forged").status_code == 403
    assert pf.otp_attempts == 0


@pytest.mark.parametrize("number", [42, None])
def test_an_approved_swipe_after_the_waits(
    make: Make, http: requests.Session, number: int | None
) -> None:
    pf = make(pingid=["swipe"], number=number, swipe_polls=2, webauthn_probe=False)
    page = submit(http, login(http, pf))  # the ppm_request hand-over, no probe
    assert {each.id for each in parse(page).forms} >= {"form1", "reponseView"}
    assert parse(page).texts.get("numbermatching") == (None if number is None else str(number))
    poll = form(page, "form1")
    statuses = [http.get(poll.action, params=poll.inputs).json()["status"] for _ in range(3)]
    assert statuses == ["ASYNC_AUTH_WAIT", "ASYNC_AUTH_WAIT", "OK"]
    back = submit(http, page, "reponseView", status="OK")
    assert roles_in(submit(http, back))
    assert (pf.swipe_polls, pf.sign_ins, pf.logins) == (3, 1, 1)


@pytest.mark.parametrize(
    ("outcome", "status", "reason"),
    [
        ("deny", "DENIED", "Authentication was denied on your device."),
        ("timeout", "TIMEOUT", "Authentication timed out. Please try again."),
        ("claim_timeout", "DEVICE_CLAIM_TIMEOUT", "Authentication timed out. Please try again."),
        ("never", "ASYNC_AUTH_WAIT", "Authentication timed out. Please try again."),
    ],
)
def test_a_swipe_that_is_not_approved_ends_on_the_error_page(
    make: Make, http: requests.Session, outcome: str, status: str, reason: str
) -> None:
    pf = make(pingid=["swipe"], swipe_outcome=outcome, swipe_polls=1)
    page = through_pingid(http, login(http, pf))
    poll = form(page, "form1")
    statuses = [http.get(poll.action, params=poll.inputs).json()["status"] for _ in range(2)]
    assert statuses == ["ASYNC_AUTH_WAIT", status]
    failed = submit(http, page, "reponseView", status=status)
    assert parse(failed).texts["text"] == reason
    assert not parse(failed).forms
    assert (pf.sign_ins, pf.logins) == (0, 0)


def test_several_devices_are_chosen_on_the_selection_page(
    make: Make, http: requests.Session
) -> None:
    pf = make(pingid=["swipe", "otp"])
    page = through_pingid(http, login(http, pf))
    devices = parse(page).devices
    assert [name for _, name in devices] == ["iPhone 1", "Desktop Mac 2"]
    chooser = form(page, "device-form")
    assert chooser.name == "device-form"
    assert set(chooser.inputs) == {"csrfToken", "deviceId"}
    otp = submit(http, page, "device-form", deviceId=devices[1][0])
    back = submit(http, otp, "otp-form", otp="123456")
    assert roles_in(submit(http, back))
    assert pf.selected_devices == ["Desktop Mac 2"]
    assert (pf.device_selections, pf.otp_attempts, pf.sign_ins) == (1, 1, 1)


def test_an_unknown_device_is_refused(make: Make, http: requests.Session) -> None:
    pf = make(pingid=["otp", "otp"])
    page = through_pingid(http, login(http, pf))
    assert submit(http, page, "device-form", deviceId="42").status_code == 400
    assert pf.selected_devices == []


def test_a_browser_that_claims_webauthn_is_refused(make: Make, http: requests.Session) -> None:
    pf = make(pingid=["otp"])
    page = submit(http, login(http, pf))
    assert submit(http, page, isWebAuthnSupportedByBrowser="true").status_code == 400
    assert pf.sign_ins == 0


def test_a_forged_ppm_response_is_refused(make: Make, http: requests.Session) -> None:
    pf = make(pingid=["otp"])
    page = through_pingid(http, login(http, pf))
    back = submit(http, page, "otp-form", otp="123456")
    forged = http.post(form(back).action, data={"ppm_response": "forged"})
    assert forged.status_code == 400
    assert pf.sign_ins == 0


def test_bad_options_are_refused(tls: TestTls) -> None:
    with pytest.raises(ValueError, match="pingid"):
        PingFedEmulator(tls, pingid=["sms"])
    with pytest.raises(ValueError, match="swipe_outcome"):
        PingFedEmulator(tls, swipe_outcome="maybe")
