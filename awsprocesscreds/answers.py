"""Reading an IdP's JSON without trusting its shape: every access goes through these
two functions, so an answer of an unexpected shape reads as missing values, never as
an AttributeError or KeyError traceback."""

from __future__ import annotations

from collections.abc import Mapping


def dig(value: object, *keys: str) -> object:
    """``value[k1][k2]...``, or None as soon as a step is not a JSON object or lacks
    the key."""
    for key in keys:
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value


def text(value: object) -> str | None:
    """A JSON string or number as text; None for anything else (objects, lists,
    booleans, null), so a wrong type reads as missing."""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None
