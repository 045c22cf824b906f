"""The form engine's walk, stepped with ``send()`` over pages served from a script:
no server, no sleeping, no terminal. The pages are the AD FS emulator's own markup."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

import pytest
import requests

from awsprocesscreds.authenticators.adfs import ADFS, AdfsAuthenticator
from awsprocesscreds.authenticators.base import LoginContext
from awsprocesscreds.authenticators.form_description import Approval, Blocked
from awsprocesscreds.authenticators.form_walk import FormWalk
from awsprocesscreds.errors import AuthenticationError, IdpResponseError, MfaError
from awsprocesscreds.forms import Page
from awsprocesscreds.interaction import Flow, Notify, Prompt, Wait
from tests.emulators import adfs_pages

IDP = "https://adfs.example.com"
SERVED = f"{IDP}/adfs/ls/?client-request-id=1"
ACTION = "/adfs/ls/?client-request-id=1"
ELSEWHERE = "https://login.example.net/login.srf"
SAML = adfs_pages.final_page("QUJD")


class ScriptedAdfs(AdfsAuthenticator):
    """AD FS whose answers are ``pages``, served in order from ``SERVED``; records
    every request as (method, url, data)."""

    def __init__(self, pages: list[str], *, clock_step: float = 0.0) -> None:
        self.now = 0.0
        self.clock_step = clock_step
        super().__init__(
            LoginContext(SERVED, "alice", requests.Session(), mfa_timeout=9, monotonic=self.tick)
        )
        self.pages = list(pages)
        self.sent: list[tuple[str, str, dict[str, str]]] = []

    def tick(self) -> float:
        self.now += self.clock_step
        return self.now

    def fetch(self, method: str, url: str, data: Mapping[str, str] | None) -> Page:
        self.sent.append((method, url, dict(data or {})))
        if not self.pages:
            raise AssertionError(f"no page scripted for {method} {url}")
        return Page(self.pages.pop(0), SERVED)


def step(flow: Flow[object], answers: list[str]) -> tuple[object, list[object]]:
    """Run ``flow`` to its end, typing ``answers`` at its prompts; its result (or the
    error it raised) and the steps it yielded."""
    seen: list[object] = []
    answer: object = None
    for _ in range(200):
        try:
            asked = flow.send(answer)
        except StopIteration as done:
            return done.value, seen
        except Exception as exc:  # the flow's own error is the result
            return exc, seen
        seen.append(asked)
        answer = answers.pop(0) if isinstance(asked, Prompt) else None
    raise AssertionError("the flow did not end")


def login() -> str:
    return adfs_pages.login_page(ACTION)


def wait_page(context: str = "ctx-1", error: str | None = None) -> str:
    return adfs_pages.mfa_page("azure_number", ACTION, context, entropy=58, error=error)


# --- approvals polled by re-posting the page's form ---------------------------------


def test_a_reposted_approval_posts_only_its_fields_until_another_page_comes() -> None:
    idp = ScriptedAdfs([login(), wait_page("ctx-1"), wait_page("ctx-2"), wait_page("ctx-3"), SAML])
    result, seen = step(idp.authenticate(), ["pw"])
    assert result == "QUJD"
    assert [s for s in seen if not isinstance(s, Prompt)] == [
        Notify("Open your Authenticator app, and enter the number shown to sign in.", "58"),
        Wait(3.0),
        Wait(3.0),
        Wait(3.0),
    ]
    # Each re-post carries the Context of the page it answers, and nothing else.
    assert [data for _, _, data in idp.sent[2:]] == [
        {"AuthMethod": "AzureMfaAuthentication", "Context": f"ctx-{n}"} for n in (1, 2, 3)
    ]


def test_a_reposted_approval_page_showing_an_error_is_a_refusal() -> None:
    idp = ScriptedAdfs([login(), wait_page(), wait_page(error=adfs_pages.DENIED)])
    result, _ = step(idp.authenticate(), ["pw"])
    assert isinstance(result, MfaError)
    assert str(result) == f"AzureMfaAuthentication did not approve the login: {adfs_pages.DENIED}"


def test_a_reposted_approval_ends_at_the_mfa_timeout() -> None:
    idp = ScriptedAdfs([login(), *[wait_page()] * 10], clock_step=2.0)
    result, seen = step(idp.authenticate(), ["pw"])
    assert isinstance(result, MfaError)
    assert str(result).startswith("the AzureMfaAuthentication approval did not arrive within 9 s")
    assert 0 < seen.count(Wait(3.0)) <= 5


def test_a_login_page_after_the_approval_is_the_second_factors_refusal() -> None:
    denied = adfs_pages.login_page(ACTION, error=adfs_pages.DENIED)
    result, _ = step(ScriptedAdfs([login(), wait_page(), denied]).authenticate(), ["pw"])
    assert isinstance(result, MfaError)
    assert str(result) == f"the second factor did not approve the login: {adfs_pages.DENIED}"


@pytest.mark.parametrize(
    ("poll", "repost"), [(None, ()), (lambda session, page: "done", ("Context",))]
)
def test_an_approval_polls_one_way(poll: object, repost: tuple[str, ...]) -> None:
    with pytest.raises(ValueError, match="either"):
        Approval(lambda page: None, lambda page: ("", None), poll, repost)  # type: ignore[arg-type]


# --- one-time codes -------------------------------------------------------------------


def test_a_code_page_served_again_unchanged_is_no_loop_but_counts_the_attempts() -> None:
    refused = adfs_pages.mfa_page("securid", ACTION, "ctx", error=adfs_pages.WRONG_CODE)
    first = adfs_pages.mfa_page("securid", ACTION, "ctx")
    idp = ScriptedAdfs([login(), first, refused, refused, refused])
    result, seen = step(idp.authenticate(), ["pw", "1", "2", "3"])
    assert isinstance(result, MfaError)
    assert str(result) == f"the one-time code was refused 3 times ({adfs_pages.WRONG_CODE})"
    assert seen.count(Notify(adfs_pages.WRONG_CODE)) == 2
    assert [data.get("Passcode") for _, _, data in idp.sent[2:]] == ["1", "2", "3"]


def test_the_same_page_twice_without_the_person_is_still_a_loop() -> None:
    unknown = "<html><head><title>Step</title></head><body>hi</body></html>"
    working = (
        '<html><body><form method="post" action="/next"><input type="hidden" name="a" '
        'value="1"/></form><script>document.forms[0].submit()</script></body></html>'
    )
    result, _ = step(ScriptedAdfs([working, working, unknown]).authenticate(), [])
    assert isinstance(result, IdpResponseError)
    assert "sent the same page twice in a row" in str(result)


# --- the end of a walk ----------------------------------------------------------------


def working_page(action: str) -> str:
    return adfs_pages.wsfed_form(action, "<t:RequestSecurityTokenResponse/>", "ctx")


def test_run_to_exit_stops_at_a_form_posting_to_another_site_without_posting_it() -> None:
    idp = ScriptedAdfs([login(), working_page(ELSEWHERE)])
    result, _ = step(idp.run_to_exit(SERVED), ["pw"])
    assert isinstance(result, Page)
    assert result.auto_post_form() is not None
    assert [method for method, _, _ in idp.sent] == ["GET", "POST"]


def test_run_to_exit_follows_a_form_posting_to_its_own_site() -> None:
    idp = ScriptedAdfs([working_page(f"{IDP}/adfs/ls/next"), login(), SAML])
    result, _ = step(idp.run_to_exit(SERVED), ["pw"])
    assert isinstance(result, Page)
    assert result.input_value("SAMLResponse") == "QUJD"
    assert [url for _, url, _ in idp.sent][1] == f"{IDP}/adfs/ls/next"


def test_an_empty_samlresponse_is_no_login() -> None:
    result, _ = step(ScriptedAdfs([login(), adfs_pages.final_page("")]).authenticate(), ["pw"])
    assert isinstance(result, AuthenticationError)
    assert str(result) == "AD FS answered without a SAMLResponse: the login did not succeed"


def test_an_unknown_page_with_the_idps_error_after_the_password_is_a_refusal() -> None:
    refused = adfs_pages.error_page("x").replace(
        '<div id="errorArea">', f'<span id="errorText">{adfs_pages.LOCKED}</span>'
    )
    result, _ = step(ScriptedAdfs([login(), refused]).authenticate(), ["pw"])
    assert isinstance(result, AuthenticationError)
    assert str(result) == f"AD FS refused the login: {adfs_pages.LOCKED}"


# --- pages answered without the person ------------------------------------------------


@pytest.mark.parametrize(
    ("html", "automatic"),
    [
        # AD FS's sign-in options form is hidden and its script submits it: a page
        # with a password field asks the person all the same.
        (adfs_pages.login_page(ACTION), False),
        (adfs_pages.adfs2_login_page(ACTION), False),
        (adfs_pages.mfa_page("azure", ACTION, "ctx"), False),
        (adfs_pages.mfa_page("azure_otp", ACTION, "ctx"), False),
        (adfs_pages.mfa_page("duo", ACTION, "ctx"), False),
        (working_page(ELSEWHERE), True),
        (adfs_pages.signed_in_page(), False),
    ],
)
def test_automatic_posts_only_pages_that_ask_nothing(html: str, automatic: bool) -> None:
    walk = FormWalk(ScriptedAdfs([]))
    assert (walk.automatic(Page(html, SERVED)) is not None) is automatic


def test_a_kept_session_that_ends_at_the_login_page_posts_nothing() -> None:
    idp = ScriptedAdfs([login()])
    result, seen = step(idp.resume(), [])
    assert result is None
    assert seen == []
    assert [method for method, _, _ in idp.sent] == ["GET"]


def test_blocked_names_what_the_page_asks_for() -> None:
    page = Page(adfs_pages.mfa_page("duo", ACTION, "ctx"), SERVED)
    [blocked] = ADFS.blocked
    assert blocked.matches(page)
    assert blocked.what(page) == "a second factor through the 'DuoAdfsAdapter' adapter"
    plain = replace(blocked, name="a browser", detail=None)
    assert isinstance(plain, Blocked)
    assert plain.what(page) == "a browser"
    result, _ = step(ScriptedAdfs([login(), page.html]).authenticate(), ["pw"])
    assert isinstance(result, MfaError)
    assert str(result).startswith(
        "AD FS asks for a second factor through the 'DuoAdfsAdapter' adapter: it is not "
        "supported; supported: AzureMfaAuthentication, AzureMfaServerAuthentication and "
        "one-time-code adapters"
    )


def test_a_kept_session_that_ends_at_an_empty_samlresponse_posts_it_nowhere() -> None:
    idp = ScriptedAdfs([adfs_pages.final_page("")])
    result, _ = step(idp.resume(), [])
    assert result is None
    assert [method for method, _, _ in idp.sent] == ["GET"]
