"""Reading HTML login pages: their forms, fields and marked-up messages.

Pure functions over page text; the HTTP happens elsewhere. The page is read in one
linear pass by ``markup.scan``, which tolerates the broken markup real IdP pages carry
and cannot be made slow by a hostile one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import NamedTuple
from urllib.parse import urljoin

from awsprocesscreds import markup
from awsprocesscreds.errors import IdpResponseError
from awsprocesscreds.urls import redact_url

#: Longest text read by id or as the title: it is shown in one-line messages.
MAX_TEXT = 300
#: Input types a browser never submits by themselves.
_NOT_SUBMITTED = frozenset({"button", "reset", "image", "file"})
#: A script that submits a form by itself ("Working..." pages, WS-Fed and OIDC posts).
_SUBMITS = re.compile(r"\.submit\(\s*\)")
#: ``window.location = '...'``, ``location.href = "..."``, ``location.replace('...')``.
#: The value stops at the first quote or line break, so each candidate is read once.
_LOCATION = re.compile(
    r"location(?:\.href)?\s*=\s*(['\"])([^'\"\n]*)\1|location\.replace\(\s*(['\"])([^'\"\n]*)\3"
)
_JS_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|x([0-9A-Fa-f]{2})|(.))")


class Field(NamedTuple):
    """One ``<input>`` of a form, as served."""

    name: str
    value: str
    type: str
    id: str | None = None


class Form(NamedTuple):
    """A form with its action resolved against the URL of the page that served it."""

    action: str
    method: str
    id: str | None
    name: str | None
    fields: tuple[Field, ...]
    #: Every radio button, checked or not (``fields`` holds only what would be sent).
    radios: tuple[Field, ...] = ()

    def field(self, name: str) -> Field | None:
        """The first field called ``name``."""
        return next((field for field in self.fields if field.name == name), None)

    def has_field(self, name: str) -> bool:
        return self.field(name) is not None

    def field_of_type(self, input_type: str) -> Field | None:
        """The first field of ``input_type`` (``password``, ``email``...)."""
        return next((field for field in self.fields if field.type == input_type), None)

    @property
    def hidden_only(self) -> bool:
        """True for a form of hidden fields alone (buttons aside): nothing to type."""
        shown = [f for f in self.fields if f.type not in _NOT_SUBMITTED and f.type != "submit"]
        return bool(shown) and all(field.type == "hidden" for field in shown)

    def submission(self, values: Mapping[str, str], pressed: str | None = None) -> dict[str, str]:
        """What a browser would post with ``values`` typed in: every field once (AD FS
        2019 rejects a repeated field), unchecked boxes and extra buttons left out.
        The button sent is the first submit input, or the one named ``pressed`` (its
        value, or empty for a ``<button>`` element, which is no input here)."""
        posted: dict[str, str] = {}
        submit_seen = pressed is not None
        for field in self.fields:
            if field.name in posted or field.type in _NOT_SUBMITTED:
                continue
            if field.type == "submit":
                if submit_seen:
                    continue
                submit_seen = True
            posted[field.name] = field.value
        if pressed is not None:
            button = next((f for f in self.fields if f.name == pressed), None)
            posted[pressed] = button.value if button is not None else ""
        for name, value in values.items():
            posted[name] = value
        return posted


class SamlPage(NamedTuple):
    """The final page of a sign-in: ``assertion`` is its SAMLResponse value (may be
    empty when the IdP refused)."""

    assertion: str


class AutoPostPage(NamedTuple):
    """A page that posts a hidden form by itself: WS-Federation's return to the
    service, OIDC's form_post, SAML's POST binding between services."""

    form: Form


class UnknownPage(NamedTuple):
    """A page no rule recognised: its title and any error text it shows."""

    title: str
    error: str | None = None


class Page:
    """A parsed HTML page and the URL it was actually served from (after redirects).

    Parsing is one linear pass (``markup.scan``), whatever the IdP sends. Raises
    IdpResponseError for a page with more markup than any login page has.
    """

    def __init__(self, html: str, url: str) -> None:
        self.url = url
        self.html = html
        try:
            self._markup = markup.scan(html)
        except markup.MarkupLimitError as exc:
            raise IdpResponseError(
                f"the page at {redact_url(url)} has {exc}; that is not a login page"
            ) from exc
        self.forms: tuple[Form, ...] = tuple(_read_form(form, url) for form in self._markup.forms)
        #: The inline scripts, in page order (``<body onload>`` among them).
        self.scripts: tuple[str, ...] = tuple(self._markup.scripts)

    def input_value(self, name: str) -> str | None:
        """The value of the first ``<input name=...>`` anywhere on the page."""
        attrs = self._markup.inputs.get(name)
        return None if attrs is None else attrs.get("value")

    def text_by_id(self, element_id: str) -> str | None:
        """The whitespace-normalised text of the first element with ``id``, if present,
        clipped to MAX_TEXT characters (it ends up in one-line messages)."""
        element = self._markup.ids.get(element_id)
        if element is None:
            return None
        return _clip(self._markup.text_of(element))

    def text_by_class(self, class_name: str) -> str | None:
        """``text_by_id`` for the first element of a class."""
        element = self._markup.classes.get(class_name)
        if element is None:
            return None
        return _clip(self._markup.text_of(element))

    def label_of(self, field_id: str) -> str | None:
        """The text of the ``<label for=...>`` of an input, clipped like ``text_by_id``."""
        element = self._markup.labels.get(field_id)
        if element is None:
            return None
        return _clip(self._markup.text_of(element))

    def title(self) -> str:
        """The first title, whitespace-normalised and clipped like ``text_by_id``."""
        title = self._markup.title
        return "" if title is None else _clip(title)

    def auto_post_form(self) -> Form | None:
        """The form a browser would post by itself: hidden fields only, and a script
        on the page that submits it (the "Working..." pages of WS-Federation, OIDC
        form_post and SAML POST bindings). None when there is no such form."""
        if not any(_SUBMITS.search(script) for script in self.scripts):
            return None
        return next((form for form in self.forms if form.hidden_only), None)

    def script_locations(self) -> list[str]:
        """The absolute URLs the page's scripts send the browser to
        (``window.location = '...'``), JavaScript escapes and entities undone."""
        found = []
        for script in self.scripts:
            for match in _LOCATION.finditer(script):
                raw = match.group(2) if match.group(1) else match.group(4)
                found.append(urljoin(self.url, markup.unescape(unescape_js(raw))))
        return found

    def form_with_field(self, names: Iterable[str]) -> Form | None:
        """The first form holding any of the field ``names``."""
        wanted = tuple(names)
        return next((form for form in self.forms if any(form.has_field(n) for n in wanted)), None)


def unescape_js(text: str) -> str:
    """``\\u0026``, ``\\x26`` and ``\\/`` as a JavaScript string literal reads them."""

    def one(match: re.Match[str]) -> str:
        code = match.group(1) or match.group(2)
        return chr(int(code, 16)) if code else match.group(3)

    return _JS_ESCAPE.sub(one, text)


def _clip(text: str) -> str:
    words = " ".join(text[: MAX_TEXT * 4].split())
    return words if len(words) <= MAX_TEXT else words[: MAX_TEXT - 3] + "..."


def _read_form(form: markup.FormRecord, page_url: str) -> Form:
    fields = []
    radios = []
    for attrs in form.inputs:
        name = attrs.get("name")
        if not name:
            continue
        input_type = (attrs.get("type") or "text").lower()
        if input_type == "radio":
            radios.append(Field(name, attrs.get("value") or "", "radio", attrs.get("id")))
        if input_type in ("checkbox", "radio") and "checked" not in attrs:
            continue
        fields.append(
            Field(
                name=name,
                value=attrs.get("value") or ("on" if input_type == "checkbox" else ""),
                type=input_type,
                id=attrs.get("id"),
            )
        )
    return Form(
        action=urljoin(page_url, form.attrs.get("action") or ""),
        method=(form.attrs.get("method") or "get").upper(),
        id=form.attrs.get("id"),
        name=form.attrs.get("name"),
        fields=tuple(fields),
        radios=tuple(radios),
    )
