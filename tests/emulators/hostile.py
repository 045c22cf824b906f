"""Hostile HTML: pages shaped to make a parser slow, each about 5 MiB (our body limit).

Pure functions, shared by the parsing tests and the benchmark (``make bench`` times
``forms.Page`` and the page readers over each of ``hostile_pages()``).
"""

from __future__ import annotations

#: The IdP body limit (``http.MAX_BODY_BYTES``): a larger page is never parsed.
PAGE_BYTES = 5 * 1024 * 1024

#: name -> the unit repeated to fill the page (after a short prefix).
_UNITS = {
    # BeautifulSoup nested these and searched every form's subtree: quadratic.
    "unclosed_forms": '<form action="/x"><input name="a" value="1">',
    "nested_unclosed_tags": "<div><span>",
    "stray_end_tags": "</p></span>",
    "many_inputs": '<input type="hidden" name="f" value="v">',
    "many_ids": '<div id="e">x',
    "many_distinct_ids": None,  # built below: every id differs
    # html.parser before 3.13.4 rescans to the end of the page from each of these.
    "unterminated_comments": "<!--",
    "unterminated_declarations": "<!x",
    "unterminated_start_tags": "<a ",
    "unterminated_quotes": '<a x="',
    "unterminated_end_tags": "</a",
    "bare_angles": "<<",
    "entities": "&amp;&#x41;&bogus",
}


def hostile_pages() -> dict[str, str]:
    """name -> about 5 MiB of HTML, one per hostile shape (see ``_UNITS`` and the
    single-construct pages: one huge comment, ``<script>``, CDATA, attribute list)."""
    pages = {name: _fill(unit) for name, unit in _UNITS.items() if unit is not None}
    pages["many_distinct_ids"] = _distinct_ids()
    pages["one_unterminated_comment"] = "<html><!--" + "x" * (PAGE_BYTES - 10)
    pages["one_unterminated_script"] = "<script>" + "</scrip<" * ((PAGE_BYTES - 8) // 8)
    pages["one_unterminated_cdata"] = "<![CDATA[" + "]]" * ((PAGE_BYTES - 9) // 2)
    pages["one_tag_many_attributes"] = "<input " + "a=b " * ((PAGE_BYTES - 8) // 4) + ">"
    pages["just_under_the_markup_limit"] = _under_markup_limit()
    return pages


def _fill(unit: str) -> str:
    prefix = "<!DOCTYPE html><html><head><title>Sign In</title></head><body>"
    return prefix + unit * ((PAGE_BYTES - len(prefix)) // len(unit))


def _under_markup_limit() -> str:
    # 90,000 tags (a parser may refuse pages with more markup than that, never fewer),
    # all inside the error element AD FS reads, so its text spans the whole page.
    page = '<form><input type="password" name="Password"></form><p id="errorText">'
    page += ("<i>" + "x" * 55) * 90_000
    return page + "x" * (PAGE_BYTES - len(page))


def _distinct_ids() -> str:
    parts: list[str] = []
    size = index = 0
    while size + 20 < PAGE_BYTES:
        part = f'<p id="i{index}">t'
        parts.append(part)
        size += len(part)
        index += 1
    return "".join(parts)
