"""What an Entra ID page is: pure classification of a parsed page, no HTTP.

Entra's sign-in pages are rendered in the browser from one JavaScript object literal,
``$Config={...};``, in a script of the page; its ``pgid`` names the page and its
fields carry the flow token, the URLs to call next and any error. Pages without it are
the plain HTML steps between services: auto-posting hidden forms (OIDC, WS-Federation,
the final SAML POST) and portal pages whose script sends the browser on.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from urllib.parse import urljoin

from awsprocesscreds.answers import text
from awsprocesscreds.forms import AutoPostPage, Page, SamlPage, UnknownPage

#: ``$Config=`` followed by the object; ``ServerData = $Config;`` later is not it.
_CONFIG_START = re.compile(r"\$Config\s*=\s*(?=\{)")
#: A page holds one $Config; tries past this many are a hostile page, not a real one.
_MAX_CONFIG_TRIES = 3
_DECODER = json.JSONDecoder()
#: Older pages lack ``pgid``; their ``hpgid`` names the same pages.
_PAGE_IDS = {
    "1104": "ConvergedSignIn",
    "1114": "ConvergedTFA",
    "1115": "KmsiInterrupt",
    "1121": "ConvergedProofUpRedirect",
}
#: The first sign-in page carries this code: "no session yet", not an error.
NO_SESSION_YET = "50058"
#: Seconds between polls when the page names none, and the range we accept.
DEFAULT_POLL_INTERVAL = 2.0
MIN_POLL_INTERVAL, MAX_POLL_INTERVAL = 0.5, 10.0


@dataclass(frozen=True)
class Proof:
    """One second-factor method registered for the user (``arrUserProofs``)."""

    method: str
    display: str
    is_default: bool


class Config:
    """A page's ``$Config``, read through accessors that treat a missing or
    wrong-typed field as absent."""

    def __init__(self, values: dict[str, object], page_url: str) -> None:
        self.values = values
        self.page_url = page_url

    def text(self, name: str) -> str | None:
        """The field as text (a string or a number), None if absent or empty."""
        return text(self.values.get(name)) or None

    def url(self, name: str) -> str | None:
        """The field as an absolute URL, resolved against the page (Entra sends some
        relative)."""
        value = self.text(name)
        return None if value is None else urljoin(self.page_url, value)

    @property
    def page_id(self) -> str | None:
        return self.text("pgid") or _PAGE_IDS.get(self.text("hpgid") or "")

    @property
    def error_code(self) -> str | None:
        """The AADSTS number the page reports (``sErrorCode``), without the prefix."""
        code = self.text("sErrorCode") or self.text("iErrorCode")
        return None if code in (None, "0") else code

    @property
    def error_text(self) -> str | None:
        return self.text("sErrTxt") or self.text("strServiceExceptionMessage")

    @property
    def flow_token_name(self) -> str:
        return self.text("sFTName") or "flowToken"

    def proofs(self) -> list[Proof]:
        """The user's second-factor methods, in the page's order."""
        listed = self.values.get("arrUserProofs")
        found = []
        for entry in listed if isinstance(listed, list) else []:
            if not isinstance(entry, dict):
                continue
            method = text(entry.get("authMethodId"))
            if method:
                display = text(entry.get("display")) or ""
                found.append(Proof(method, display, entry.get("isDefault") is True))
        return found

    def poll_interval(self, method: str) -> float:
        """Seconds between EndAuth polls for ``method``, kept within a sane range (a
        zero or huge value from the page must not spin or stall us)."""
        intervals = self.values.get("oPerAuthPollingInterval")
        value = intervals.get(method) if isinstance(intervals, dict) else None
        if not isinstance(value, int | float) or isinstance(value, bool):
            return DEFAULT_POLL_INTERVAL
        return min(max(float(value), MIN_POLL_INTERVAL), MAX_POLL_INTERVAL)


@dataclass(frozen=True)
class ConfigPage:
    """A page rendered from ``$Config``; ``page_id`` is its ``pgid`` ("" if none)."""

    page_id: str
    config: Config


@dataclass(frozen=True)
class ScriptRedirectPage:
    """A page whose script sends the browser to ``url`` (a SAMLRequest URL)."""

    url: str


EntraPage = SamlPage | ConfigPage | AutoPostPage | ScriptRedirectPage | UnknownPage


def classify(page: Page) -> EntraPage:
    """Decide what ``page`` is, in order of certainty: the SAMLResponse input wherever
    its form posts (a proxy such as Defender for Cloud Apps may rewrite the AWS
    address), then ``$Config``, then what a browser would do by itself."""
    assertion = page.input_value("SAMLResponse")
    if assertion is not None:
        return SamlPage(assertion.strip())
    values = read_config(page.scripts)
    if values is not None:
        config = Config(values, page.url)
        return ConfigPage(config.page_id or "", config)
    form = page.auto_post_form()
    if form is not None:
        return AutoPostPage(form)
    onward = next((url for url in page.script_locations() if "SAMLRequest=" in url), None)
    if onward is not None:
        return ScriptRedirectPage(onward)
    return UnknownPage(page.title(), page.text_by_id("service_exception_message"))


def read_config(scripts: tuple[str, ...]) -> dict[str, object] | None:
    """The object after ``$Config=`` in ``scripts``: JSON, followed by ``;`` and more
    script, which a JSON decoder that stops at the object's end ignores. None if no
    script holds one that parses."""
    tries = 0
    for script in scripts:
        for match in _CONFIG_START.finditer(script):
            tries += 1
            if tries > _MAX_CONFIG_TRIES:
                return None
            try:
                value, _ = _DECODER.raw_decode(script, match.end())
            except (ValueError, RecursionError):
                continue
            if isinstance(value, dict):
                return value
    return None
