"""The HTTP side of an Entra ID sign-in: pages, form posts and the JSON calls its
pages make, with the headers Entra expects, and the loop guard over the pages seen.

Every URL comes from the pages (their ``$Config``, form actions, scripts), never from
an assumed host. All of it goes through the one ``IdpSession`` of the login, which
keeps Entra's cookies and enforces HTTPS and the deadlines.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

import requests

from awsprocesscreds.authenticators.entra_pages import (
    Config,
    ConfigPage,
    EntraPage,
    classify,
    read_config,
)
from awsprocesscreds.errors import IdpResponseError
from awsprocesscreds.forms import Form, Page
from awsprocesscreds.http import json_body, redact_url, text_body

#: Pages one sign-in may go through (polls of a second factor are not pages).
MAX_PAGES = 30
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
    """The loop guard of one sign-in: at most MAX_PAGES pages, and never the same
    page twice in a row (a page that answers itself would loop forever)."""

    def __init__(self) -> None:
        self.count = 0
        self._last: bytes | None = None

    def see(self, page: Page) -> EntraPage:
        """Classify ``page`` and count it. Raises IdpResponseError naming the page
        past either bound."""
        state = classify(page)
        self.count += 1
        fingerprint = hashlib.sha256(f"{redact_url(page.url)}\n{page.html}".encode()).digest()
        if fingerprint == self._last:
            raise IdpResponseError(
                f"Entra ID sent the same page twice in a row ({page_name(state, page)}); "
                "it would loop: sign in once in a browser to see what it asks"
            )
        self._last = fingerprint
        if self.count > MAX_PAGES:
            raise IdpResponseError(
                f"Entra ID sent more than {MAX_PAGES} pages without finishing the sign-in; "
                f"the last was {page_name(state, page)}"
            )
        return state


def page_name(state: EntraPage, page: Page) -> str:
    """How an error names a page: its ``pgid``, else its title, else its address."""
    if isinstance(state, ConfigPage) and state.page_id:
        return state.page_id
    title = page.title()
    return repr(title) if title else f"the page at {redact_url(page.url)}"
