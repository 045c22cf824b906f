"""URL rules shared by both HTTP clients."""

from __future__ import annotations

import pytest

from awsprocesscreds.urls import with_query


@pytest.mark.parametrize(
    ("url", "params", "expected"),
    [
        ("https://h/p", {"a": "1"}, "https://h/p?a=1"),
        ("https://h/p?x=y", {"a": "b c"}, "https://h/p?x=y&a=b+c"),
        ("https://h/p?x=y#f", {"a": "&="}, "https://h/p?x=y&a=%26%3D#f"),
        ("https://h/p", {}, "https://h/p"),
    ],
)
def test_with_query_encodes_and_keeps_what_was_there(
    url: str, params: dict[str, str], expected: str
) -> None:
    assert with_query(url, params) == expected
