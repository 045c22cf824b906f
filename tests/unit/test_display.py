"""safe_text: every control and bidi override replaced, ordinary text of any script kept."""

from __future__ import annotations

import logging
import sys

import pytest

from awsprocesscreds.display import REPLACEMENT, safe_text
from awsprocesscreds.stderr_log import SafeFormatter

R = REPLACEMENT


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Incorrect user ID or password.", "Incorrect user ID or password."),
        ("", ""),
        # C0, including the ones a terminal acts on
        ("\x1b[2J\x1b]0;owned\x07", f"{R}[2J{R}]0;owned{R}"),
        ("ab\x08\x08XY", f"ab{R}{R}XY"),
        ("real\rfake", f"real{R}fake"),
        ("one\ntwo", f"one{R}two"),
        ("a\tb", f"a{R}b"),
        ("\x00\x01\x1f", R * 3),
        ("del\x7f", f"del{R}"),
        # C1: U+0080-U+009F (CSI is U+009B, OSC U+009D, NEL U+0085)
        ("\x80\x85\x9b31m\x9d\x9f", f"{R}{R}{R}31m{R}{R}"),
        # bidi embeddings and overrides, isolates, marks
        ("\u202aa\u202bb\u202cc\u202dd\u202ee", f"{R}a{R}b{R}c{R}d{R}e"),
        ("\u2066x\u2067y\u2068z\u2069", f"{R}x{R}y{R}z{R}"),
        ("\u200e\u200f\u061c", R * 3),
        ("line\u2028para\u2029", f"line{R}para{R}"),
        # ordinary letters and symbols of any script stay
        ("Zoë Ærøskøbing, naïve ✓", "Zoë Ærøskøbing, naïve ✓"),
        ("Пароль 密码 كلمة המר", "Пароль 密码 كلمة המר"),
        ("arn:aws:iam::123456789012:role/Dev+Ops@x", "arn:aws:iam::123456789012:role/Dev+Ops@x"),
        ("\u00a0\u00e9\u00ff\u0100", "\u00a0\u00e9\u00ff\u0100"),
    ],
)
def test_safe_text(text: str, expected: str) -> None:
    assert safe_text(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("one\ntwo\n", "one\ntwo\n"),
        ("one\r\ntwo", f"one{R}\ntwo"),
        ("\x1b[31mred\x1b[0m\n\x07", f"{R}[31mred{R}[0m\n{R}"),
        ("tab\there\u202e", f"tab{R}here{R}"),
    ],
)
def test_safe_text_keeping_newlines(text: str, expected: str) -> None:
    assert safe_text(text, newlines=True) == expected


def test_log_lines_are_safe_and_a_traceback_keeps_its_lines() -> None:
    formatter = SafeFormatter("prog: %(message)s")
    try:
        raise ValueError("bad \x1b[2J value")
    except ValueError:
        exc_info = sys.exc_info()
    record = logging.LogRecord(
        "awsprocesscreds",
        logging.DEBUG,
        __file__,
        1,
        "AD FS said %s",
        ("\x1b]0;x\x07hi\u202e",),
        exc_info,
    )
    first, *rest = formatter.format(record).split("\n")
    assert first == f"prog: AD FS said {R}]0;x{R}hi{R}"
    assert rest[0] == "Traceback (most recent call last):"
    assert rest[-1] == f"ValueError: bad {R}[2J value"
