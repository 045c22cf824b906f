"""The kept IdP session tried as every provider's first step (``Authenticator.resume_url``),
with the standard library: one GET of that URL with the kept cookies, redirects
followed (HTTPS only), and the SAMLResponse of the page it ends on.

This is what an hourly refresh costs when the IdP still knows the session: no
requests, no authenticator flow, nothing typed. Providers whose ``resume`` does more
(Entra ID's portal, Shibboleth's storage pages) keep theirs, through the session of
a sign-in.
"""

from __future__ import annotations

from collections.abc import Mapping
from http.cookiejar import CookieJar
from typing import NamedTuple

from awsprocesscreds import __version__
from awsprocesscreds.forms import Page
from awsprocesscreds.stdhttp import Client

#: Where the CA bundle for the IdP is named, as requests reads it.
IDP_CA_BUNDLE_VARIABLES = ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")
USER_AGENT = f"awsprocesscreds/{__version__}"


class KeptAnswer(NamedTuple):
    """What the GET with a kept session found: the SAMLResponse, or none; and whether
    the page goes on by itself (a form a browser posts without the person, on a page
    that asks nothing), where a provider's own ``resume`` may get further."""

    assertion: str | None
    goes_on: bool = False


def resume_at_entry(
    endpoint: str, cookies: CookieJar, env: Mapping[str, str], timeout: float
) -> KeptAnswer:
    """What the IdP answers ``endpoint`` with, given ``cookies``: its SAMLResponse while
    the session lives; none for anything else (a login page: the session is over).
    Raises NetworkError when the IdP cannot be reached, ConfigurationError for a
    non-https endpoint or redirect."""
    client = Client(
        env,
        IDP_CA_BUNDLE_VARIABLES,
        timeout=timeout,
        https_only=True,
        hint="; if your company uses its own certificate authority, point REQUESTS_CA_BUNDLE at it",
    )
    answer = client.send("GET", endpoint, cookies=cookies, headers={"User-Agent": USER_AGENT})
    if answer.status >= 400:
        return KeptAnswer(None)
    page = Page(answer.text(), answer.url)
    value = (page.input_value("SAMLResponse") or "").strip()
    if value:
        return KeptAnswer(value)
    asks = any(form.field_of_type("password") for form in page.forms)
    return KeptAnswer(None, goes_on=not asks and page.auto_post_form() is not None)
