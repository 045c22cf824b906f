"""forms.Page on small hostile and broken pages: what is read, what is refused.

Speed on the 5 MiB shapes of ``tests/emulators/hostile.py`` is measured by ``make
bench``; here only correctness, on pages small enough for any parser.
"""

from __future__ import annotations

import pytest

from awsprocesscreds import markup
from awsprocesscreds.errors import IdpResponseError
from awsprocesscreds.forms import MAX_TEXT, Page
from tests.emulators.hostile import PAGE_BYTES, hostile_pages

URL = "https://idp.example.com/adfs/ls/"


def test_a_form_start_tag_inside_an_open_form_is_ignored_as_browsers_do() -> None:
    page = Page('<form action="/a"><input name="x"><form action="/b"><input name="y">', URL)
    assert len(page.forms) == 1
    assert page.forms[0].action == "https://idp.example.com/a"
    assert [field.name for field in page.forms[0].fields] == ["x", "y"]


def test_a_form_ends_at_its_end_tag() -> None:
    page = Page("<form><input name=a></form><input name=b><form><input name=c></form>", URL)
    assert [[f.name for f in form.fields] for form in page.forms] == [["a"], ["c"]]


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ('<p id="e">one <b>two</b><br>three&amp;four</p>', "one two three&four"),
        ('<p id="e">shown<script>var s = "<p id=e>";</script></p>', "shown"),
        ("<div id=e>no end tag<span>inner", "no end tag inner"),
        ('<input id="e" name="x">after', ""),
        ("</span></span><p id=e>stray end tags ignored</p>", "stray end tags ignored"),
        ('<p id="e">first</p><p id="e">second</p>', "first"),
    ],
)
def test_text_by_id(html: str, expected: str) -> None:
    assert Page(html, URL).text_by_id("e") == expected


@pytest.mark.parametrize(
    ("html", "value"),
    [
        ('<input name="SAMLResponse" value="QUJD">', "QUJD"),
        ('<INPUT NAME=SAMLResponse VALUE="a&gt;b">', "a>b"),
        ("<input name=SAMLResponse value='a>b'>", "a>b"),
        ('<input name="SAMLResponse" value="first" value="second">', "first"),
        ('<!-- <input name="SAMLResponse" value="no"> -->', None),
        ('<script>"<input name=SAMLResponse value=no>"</script>', None),
        ('<input name="SAMLResponse" value="cut off', None),
        ('<!-- never closed <input name="SAMLResponse" value="no">', None),
        ("<input name=SAMLResponse>", None),
    ],
)
def test_input_value(html: str, value: str | None) -> None:
    assert Page(html, URL).input_value("SAMLResponse") == value


def test_title_is_the_first_one_and_can_hold_markup_characters() -> None:
    page = Page("<title> Sign &amp; <b>in</b> </title><title>second</title>", URL)
    assert page.title() == "Sign & <b>in</b>"


def test_a_page_with_more_markup_than_any_login_page_is_refused() -> None:
    html = "<p>" * (markup.MAX_MARKUP + 1)
    with pytest.raises(IdpResponseError, match="not a login page"):
        Page(html, URL)


def test_a_page_at_the_limit_is_read() -> None:
    html = "<form>" + "<input name=a>" * (markup.MAX_MARKUP // 2 - 1)
    assert len(Page(html, URL).forms[0].fields) == markup.MAX_MARKUP // 2 - 1


def test_hostile_pages_are_about_the_body_limit_and_each_is_read_or_refused() -> None:
    pages = hostile_pages()
    assert len(pages) >= 10
    for name, html in pages.items():
        assert PAGE_BYTES * 0.99 <= len(html) <= PAGE_BYTES, name
        try:
            page: Page | None = Page(html, URL)
        except IdpResponseError as exc:
            page = None
            refusal = str(exc)
        if page is None:
            assert "not a login page" in refusal, name
        else:
            assert page.input_value("SAMLResponse") is None, name


def test_texts_shown_in_messages_are_clipped() -> None:
    html = f"<title>{'t ' * 5000}</title><p id=e>{'word ' * 100_000}</p>"
    page = Page(html, URL)
    assert len(page.title()) == len(page.text_by_id("e") or "") == MAX_TEXT
    assert (page.text_by_id("e") or "").endswith("...")
