"""One linear pass over an HTML page, keeping only what login flows read.

IdP pages are hostile input, and every general-purpose parser at hand has shapes that
cost quadratic time: BeautifulSoup's tree searches over unclosed ``<form>`` tags, and
the standard library's ``html.parser`` (as shipped with the Pythons we support) over
unterminated comments or start tags. So this scanner is our own, built so that every
byte is looked at a bounded number of times:

- every search for the end of a construct (comment, tag, ``<script>`` body) either
  finds it and moves past it, or hits the end of the page and stops there, as a
  browser does at end of file; nothing is searched again from an earlier point;
- the regular expressions are single character classes or fixed text, so they match
  in one forward pass (no backtracking);
- end tags pop the open-element stack using a per-name count of open elements, so a
  stray ``</span>`` under a million open ``<div>`` costs nothing;
- at most :data:`MAX_MARKUP` tags, comments and attributes are read: a login page has
  a few hundred, and more means the page is not one (:class:`MarkupLimitError`).

What is kept follows browsers where they and a tree parser differ: a ``<form>`` start
tag inside an open form is ignored, and a form ends at ``</form>``.
"""

from __future__ import annotations

import re

#: Tags, comments and attributes read from one page before it is refused.
MAX_MARKUP = 100_000
#: Class names read from one ``class`` attribute (real ones have a handful).
_MAX_CLASSES = 16

_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "meta"}
    | {"param", "source", "track", "wbr"}
)
#: Elements whose content is not markup: it runs to the matching end tag.
_RAW_TEXT = frozenset({"script", "style", "title", "textarea", "xmp", "iframe", "noembed"})
#: Raw-text content that a browser shows as text (the rest is code).
_SHOWN = frozenset({"title", "textarea", "xmp"})

# Each pattern is one character class repeated, or fixed text: it matches in one
# forward pass, with nothing to backtrack into.
_MARKUP_START = re.compile(r"<(?:!--|[!?/]|[A-Za-z])")
_TAG_NAME = re.compile(r"[A-Za-z][^\s/>]*")
_END_TAG_NAME = re.compile(r"</([A-Za-z][^\s/>]*)")
_SEPARATORS = re.compile(r"[\s/]*")
_SPACES = re.compile(r"\s*")
_ATTRIBUTE_NAME = re.compile(r"[^\s/>][^\s/>=]*")
_UNQUOTED_VALUE = re.compile(r"[^\s>]*")


def unescape(text: str) -> str:
    """``html.unescape``, whose table of 2,000 entities is imported only for text
    that has an entity: the SAML form a refresh reads has none."""
    if "&" not in text:
        return text
    import html

    return html.unescape(text)


def _match_end(pattern: re.Pattern[str], page: str, pos: int) -> int:
    """Where ``pattern`` matched at ``pos`` ends (``pos`` when it does not match)."""
    match = pattern.match(page, pos)
    return pos if match is None else match.end()


class MarkupLimitError(ValueError):
    """The page has more markup than any login page; it was not read to the end."""


# Plain classes, not dataclasses: the scanner fills them in as it reads, and they are
# on the path of every refresh, where a dataclass's creation costs more than the page.
class Element:
    """An element with an ``id``: its attributes and the span of ``Markup.texts``
    that lies inside it."""

    __slots__ = ("attrs", "name", "text_end", "text_start")

    def __init__(
        self, name: str, attrs: dict[str, str], text_start: int, text_end: int | None = None
    ) -> None:
        self.name = name
        self.attrs = attrs
        self.text_start = text_start
        self.text_end = text_end


class FormRecord:
    __slots__ = ("attrs", "inputs")

    def __init__(self, attrs: dict[str, str]) -> None:
        self.attrs = attrs
        self.inputs: list[dict[str, str]] = []


class Markup:
    """What one pass kept: forms with their inputs, the first input of each name, the
    first element of each id, the first title, the page's visible text runs, and its
    inline scripts (with ``<body onload>``, which runs like one)."""

    def __init__(self) -> None:
        self.forms: list[FormRecord] = []
        self.inputs: dict[str, dict[str, str]] = {}
        self.ids: dict[str, Element] = {}
        #: The first element of each class name (``class="a b"`` counts for both).
        self.classes: dict[str, Element] = {}
        #: The first ``<label for=ID>`` of each ID.
        self.labels: dict[str, Element] = {}
        self.title: str | None = None
        self.texts: list[str] = []
        self.scripts: list[str] = []

    def text_of(self, element: Element) -> str:
        """The element's text runs joined by spaces, entities decoded."""
        end = len(self.texts) if element.text_end is None else element.text_end
        return " ".join(unescape(text) for text in self.texts[element.text_start : end])


def scan(page: str) -> Markup:
    """Read ``page`` once. Raises MarkupLimitError past :data:`MAX_MARKUP`."""
    return _Scanner(page).run()


class _Scanner:
    def __init__(self, page: str) -> None:
        self.page = page
        self.out = Markup()
        self.budget = MAX_MARKUP
        # Open elements (name, element-with-id or None) and how many of each name.
        self.stack: list[tuple[str, Element | None]] = []
        self.open_count: dict[str, int] = {}
        self.form: FormRecord | None = None

    def run(self) -> Markup:
        page, pos, size = self.page, 0, len(self.page)
        while pos < size:
            found = _MARKUP_START.search(page, pos)
            if found is None:
                self._text(page[pos:])
                break
            if found.start() > pos:
                self._text(page[pos : found.start()])
            pos = self._markup(found.start())
        for _name, element in self.stack:
            if element is not None and element.text_end is None:
                element.text_end = len(self.out.texts)
        return self.out

    def _markup(self, at: int) -> int:
        """Handle the construct starting at ``at``; return where scanning resumes
        (the end of the page when the construct is not closed)."""
        page = self.page
        self._spend()
        if page.startswith("<!--", at):
            end = page.find("-->", at + 4)
            return len(page) if end < 0 else end + 3
        if page.startswith("</", at):
            end = page.find(">", at + 2)
            if end < 0:
                return len(page)
            end_tag = _END_TAG_NAME.match(page, at)
            if end_tag is not None:
                self._end(end_tag.group(1).lower())
            return end + 1
        if page[at + 1] in "!?":
            end = page.find(">", at + 2)
            return len(page) if end < 0 else end + 1
        name_end = _match_end(_TAG_NAME, page, at + 1)
        name = page[at + 1 : name_end].lower()
        attrs: dict[str, str] = {}
        end = self._attributes(name_end, attrs)
        if end < 0:
            return len(page)  # a start tag cut off by the end of the page
        self._start(name, attrs)
        if name in _RAW_TEXT:
            return self._raw_text(name, end)
        return end

    def _attributes(self, pos: int, attrs: dict[str, str]) -> int:
        """Read attributes from ``pos`` into ``attrs`` up to the tag's ``>``; return
        the position after it, or -1 when the page ends first."""
        page, size = self.page, len(self.page)
        while True:
            pos = _match_end(_SEPARATORS, page, pos)
            if pos >= size:
                return -1
            if page[pos] == ">":
                return pos + 1
            self._spend()
            name_end = _match_end(_ATTRIBUTE_NAME, page, pos)
            name = page[pos:name_end].lower()
            pos = _match_end(_SPACES, page, name_end)
            value = ""
            if pos < size and page[pos] == "=":
                pos = _match_end(_SPACES, page, pos + 1)
                if pos < size and page[pos] in "\"'":
                    close = page.find(page[pos], pos + 1)
                    if close < 0:
                        return -1
                    value, pos = page[pos + 1 : close], close + 1
                else:
                    value_end = _match_end(_UNQUOTED_VALUE, page, pos)
                    value, pos = page[pos:value_end], value_end
            # A repeated attribute keeps its first value, as in browsers.
            attrs.setdefault(name, unescape(value))

    def _raw_text(self, name: str, start: int) -> int:
        page = self.page
        closing = re.compile(rf"</{name}[\s/>]", re.IGNORECASE).search(page, start)
        end = len(page) if closing is None else closing.start()
        content = page[start:end]
        if name == "title" and self.out.title is None:
            self.out.title = unescape(content)
        if name in _SHOWN:
            self._text(content)
        elif name == "script":
            self.out.scripts.append(content)
        self._end(name)
        if closing is None:
            return len(page)
        after = page.find(">", closing.end() - 1)
        return len(page) if after < 0 else after + 1

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        if name == "body" and attrs.get("onload"):
            self.out.scripts.append(attrs["onload"])
        if name == "form":
            if self.form is not None:
                return  # browsers ignore a form start tag inside an open form
            self.form = FormRecord(attrs)
            self.out.forms.append(self.form)
        elif name == "input":
            if self.form is not None:
                self.form.inputs.append(attrs)
            input_name = attrs.get("name")
            if input_name is not None:
                self.out.inputs.setdefault(input_name, attrs)
        element = None
        element_id = attrs.get("id")
        if element_id is not None and element_id not in self.out.ids:
            element = Element(name, attrs, len(self.out.texts))
            self.out.ids[element_id] = element
        target = attrs.get("for") if name == "label" else None
        if target is not None and target not in self.out.labels:
            element = element or Element(name, attrs, len(self.out.texts))
            self.out.labels[target] = element
        for class_name in attrs.get("class", "").split()[:_MAX_CLASSES]:
            if class_name not in self.out.classes:
                element = element or Element(name, attrs, len(self.out.texts))
                self.out.classes[class_name] = element
        if name in _VOID:
            if element is not None:
                element.text_end = element.text_start
            return
        self.stack.append((name, element))
        self.open_count[name] = self.open_count.get(name, 0) + 1

    def _end(self, name: str) -> None:
        if name == "form":
            self.form = None
        if not self.open_count.get(name):
            return  # nothing of that name is open: ignored
        while self.stack:
            popped, element = self.stack.pop()
            self.open_count[popped] -= 1
            if element is not None:
                element.text_end = len(self.out.texts)
            if popped == name:
                return

    def _text(self, text: str) -> None:
        self.out.texts.append(text)

    def _spend(self) -> None:
        self.budget -= 1
        if self.budget < 0:
            raise MarkupLimitError(f"more than {MAX_MARKUP} tags and attributes")
