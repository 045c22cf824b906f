"""The HTTP side of an Entra ID sign-in: pages, form posts and the JSON calls its
pages make, with the headers Entra expects, and the loop guard over the pages seen.

Every URL comes from the pages (their ``$Config``, form actions, scripts), never from
an assumed host. All of it goes through the one ``IdpSession`` of the login, which
keeps Entra's cookies and enforces HTTPS and the deadlines.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from awsprocesscreds.authenticators.entra_pages import (
    Config,
    ConfigPage,
    EntraPage,
    classify,
    read_config,
)
from awsprocesscreds.bodies import json_body, text_body
from awsprocesscreds.errors import IdpResponseError
from awsprocesscreds.forms import Form, Page
from awsprocesscreds.page_guard import PageGuard
from awsprocesscreds.page_guard import page_name as plain_page_name
from awsprocesscreds.urls import redact_url

if TYPE_CHECKING:
    import requests

_JSON = {"Accept": "application/json", "Content-Type": "application/json; charset=utf-8"}


class EntraClient:
    """Fetches Entra's pages and calls its JSON endpoints through one session."""

    def __init__(self, session: requests.Session) -> None:
        self.session = session

    def get(self, url: str, params: Mapping[str, str] | None = None) -> Page:
        return self._page(self.session.get(url, params=params))

    def post_form(self, url: str, data: Mapping[str, str]) -> Page:
        return self._page(self.session.post(url, data=dict(data)))

    def submit(self, form: Form) -> Page:
        """Send a hidden form as the browser's script would, every field as served."""
        values = form.submission({})
        if form.method == "GET":
            return self.get(form.action, values)
        return self.post_form(form.action, values)

    def call(self, url: str, payload: Mapping[str, Any], config: Config) -> Mapping[str, Any]:
        """POST ``payload`` as JSON to an endpoint of the page ``config`` came from,
        with the page's anti-forgery and correlation headers; the JSON object answered.
        Raises IdpResponseError for an error status or an answer that is not JSON."""
        headers = dict(_JSON)
        for header, field in _CALL_HEADERS.items():
            value = config.text(field)
            if value is not None:
                headers[header] = value
        headers["Referer"] = config.page_url
        response = self.session.post(url, json=dict(payload), headers=headers)
        if response.status_code >= 400:
            raise IdpResponseError(
                f"Entra ID answered HTTP {response.status_code} at {redact_url(url)}"
            )
        return json_body(response)

    @staticmethod
    def _page(response: requests.Response) -> Page:
        page = Page(text_body(response), response.url)
        # Entra shows its errors as pages, some with an error status: those are read
        # (their $Config names the error); any other error status ends here.
        if response.status_code >= 400 and read_config(page.scripts) is None:
            detail = page.title() or "no details"
            raise IdpResponseError(
                f"Entra ID answered HTTP {response.status_code} at "
                f"{redact_url(response.url)}: {detail}"
            )
        return page


#: Header -> the ``$Config`` field it carries on Entra's JSON calls.
_CALL_HEADERS = {
    "canary": "apiCanary",
    "client-request-id": "correlationId",
    "hpgrequestid": "sessionId",
    "hpgid": "hpgid",
    "hpgact": "hpgact",
}


class PageWalk:
    """Entra's pages, classified and counted by the shared loop guard."""

    def __init__(self) -> None:
        self._guard = PageGuard("Entra ID")

    def see(self, page: Page) -> EntraPage:
        """Classify ``page`` and count it. Raises IdpResponseError naming the page
        past either bound of the guard."""
        state = classify(page)
        self._guard.see(page, page_name(state, page))
        return state


def page_name(state: EntraPage, page: Page) -> str:
    """How an error names a page: its ``pgid``, else its title, else its address."""
    if isinstance(state, ConfigPage) and state.page_id:
        return state.page_id
    return plain_page_name(page)
