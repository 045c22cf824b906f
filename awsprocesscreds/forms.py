"""Reading HTML login pages: their forms, fields and marked-up messages.

Pure functions over page text; the HTTP happens elsewhere. Uses BeautifulSoup with the
standard library's parser, which tolerates the broken markup real IdP pages carry.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urljoin

from bs4 import BeautifulSoup
from bs4.element import Tag

#: Input types a browser never submits by themselves.
_NOT_SUBMITTED = frozenset({"button", "reset", "image", "file"})


@dataclass(frozen=True)
class Field:
    """One ``<input>`` of a form, as served."""

    name: str
    value: str
    type: str
    id: str | None = None


@dataclass(frozen=True)
class Form:
    """A form with its action resolved against the URL of the page that served it."""

    action: str
    method: str
    id: str | None
    name: str | None
    fields: tuple[Field, ...]

    def field(self, name: str) -> Field | None:
        """The first field called ``name``."""
        return next((field for field in self.fields if field.name == name), None)

    def has_field(self, name: str) -> bool:
        return self.field(name) is not None

    def field_of_type(self, input_type: str) -> Field | None:
        """The first field of ``input_type`` (``password``, ``email``...)."""
        return next((field for field in self.fields if field.type == input_type), None)

    def submission(self, values: Mapping[str, str]) -> dict[str, str]:
        """What a browser would post with ``values`` typed in: every field once (AD FS
        2019 rejects a repeated field), unchecked boxes and extra buttons left out."""
        posted: dict[str, str] = {}
        submit_seen = False
        for field in self.fields:
            if field.name in posted or field.type in _NOT_SUBMITTED:
                continue
            if field.type == "submit":
                if submit_seen:
                    continue
                submit_seen = True
            posted[field.name] = field.value
        for name, value in values.items():
            posted[name] = value
        return posted


class Page:
    """A parsed HTML page and the URL it was actually served from (after redirects)."""

    def __init__(self, html: str, url: str) -> None:
        self.url = url
        self._soup = BeautifulSoup(html, "html.parser")
        self.forms: tuple[Form, ...] = tuple(_read_form(tag, url) for tag in self._tags("form"))

    def input_value(self, name: str) -> str | None:
        """The value of the first ``<input name=...>`` anywhere on the page."""
        for tag in self._tags("input"):
            if tag.get("name") == name:
                return _attr(tag, "value")
        return None

    def text_by_id(self, element_id: str) -> str | None:
        """The whitespace-normalised text of the element with ``id``, if present."""
        tag = self._soup.find(id=element_id)
        if not isinstance(tag, Tag):
            return None
        return " ".join(tag.get_text(" ").split())

    def title(self) -> str:
        tag = self._soup.find("title")
        return " ".join(tag.get_text(" ").split()) if isinstance(tag, Tag) else ""

    def form_with_field(self, names: Iterable[str]) -> Form | None:
        """The first form holding any of the field ``names``."""
        wanted = tuple(names)
        return next((form for form in self.forms if any(form.has_field(n) for n in wanted)), None)

    def _tags(self, name: str) -> list[Tag]:
        return [tag for tag in self._soup.find_all(name) if isinstance(tag, Tag)]


def _read_form(tag: Tag, page_url: str) -> Form:
    fields = []
    for element in tag.find_all("input"):
        name = _attr(element, "name")
        if not name:
            continue
        input_type = (_attr(element, "type") or "text").lower()
        if input_type in ("checkbox", "radio") and not element.has_attr("checked"):
            continue
        fields.append(
            Field(
                name=name,
                value=_attr(element, "value") or ("on" if input_type == "checkbox" else ""),
                type=input_type,
                id=_attr(element, "id"),
            )
        )
    return Form(
        action=urljoin(page_url, _attr(tag, "action") or ""),
        method=(_attr(tag, "method") or "get").upper(),
        id=_attr(tag, "id"),
        name=_attr(tag, "name"),
        fields=tuple(fields),
    )


def _attr(tag: Tag, name: str) -> str | None:
    value = tag.get(name)
    if value is None:
        return None
    if isinstance(value, list):
        return " ".join(value)
    return str(value)
