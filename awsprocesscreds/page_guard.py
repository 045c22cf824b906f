"""The loop guard of a walk over an IdP's pages: a sign-in that sees the same page
twice in a row, unchanged, would go round forever; one past MAX_PAGES pages is not
going anywhere either. Either way the error names the page."""

from __future__ import annotations

import hashlib

from awsprocesscreds.errors import IdpResponseError
from awsprocesscreds.forms import Page
from awsprocesscreds.urls import redact_url

#: Pages one sign-in may go through (polls of a second factor are not pages).
MAX_PAGES = 30


class PageGuard:
    """Counts the pages of one sign-in at the IdP called ``idp``."""

    def __init__(self, idp: str, max_pages: int = MAX_PAGES) -> None:
        self.idp = idp
        self.max_pages = max_pages
        self.count = 0
        self._last: bytes | None = None

    def see(self, page: Page, name: str) -> None:
        """Count ``page`` (called ``name`` in errors). Raises IdpResponseError past
        either bound."""
        self.count += 1
        fingerprint = hashlib.sha256(f"{redact_url(page.url)}\n{page.html}".encode()).digest()
        if fingerprint == self._last:
            raise IdpResponseError(
                f"{self.idp} sent the same page twice in a row ({name}); it would loop: "
                "sign in once in a browser to see what it asks"
            )
        self._last = fingerprint
        if self.count > self.max_pages:
            raise IdpResponseError(
                f"{self.idp} sent more than {self.max_pages} pages without finishing the "
                f"sign-in; the last was {name}"
            )

    def forget_last(self) -> None:
        """Let the next page repeat the last one: the person answered it anew (another
        one-time code), so seeing it again is no loop. The count still applies."""
        self._last = None


def page_name(page: Page) -> str:
    """How an error names a page without a better name: its title, else its address."""
    title = page.title()
    return repr(title) if title else f"the page at {redact_url(page.url)}"
