"""Defaults and option checking shared by the emulators."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

DEFAULT_USER = "alice@example.com"
DEFAULT_PASSWORD = "correct horse"


def check_option(name: str, values: Iterable[object], allowed: Sequence[object]) -> None:
    """Raise ValueError naming `name` and the valid choices if any value is not allowed."""
    unknown = [value for value in values if value not in allowed]
    if unknown:
        raise ValueError(f"{name}: unknown {unknown!r}, valid: {tuple(allowed)}")
