"""The main command's line read without argparse, when it is the kind profiles carry.

Building argparse's parser costs more than the rest of a refresh on a kept IdP session
(its import, gettext's lookups, the help formatter's imports), and a
``credential_process`` line is nearly always plain: the main command's options spelled
out in full, each with a value its type accepts. Such a line is read here, from the
same option table, into what argparse would make of it; anything else (a command, an
abbreviation, ``-eURL``, ``--help``, a value argparse would refuse, a missing option)
goes to argparse, which decides and words the errors. A test holds the two together.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import SimpleNamespace

from awsprocesscreds.option_table import COMMAND_GROUPS, GROUPS, IDENTITY, OPTIONS


def parse_plain(argv: Sequence[str]) -> SimpleNamespace | None:
    """What argparse would give for ``argv`` as the main command (``command`` None),
    when every word is one of its options, spelled out in full, with a value its type
    and choices accept, and -e, -u and -p are there; None for anything else."""
    dests = [dest for group in COMMAND_GROUPS[None] for dest in GROUPS[group][1]]
    dests.append("verbose")
    by_flag = {flag: dest for dest in dests for flag in OPTIONS[dest][0]}
    found: dict[str, object] = {dest: _default(dest) for dest in dests}
    words = iter(argv)
    for word in words:
        option, has_value, value = word.partition("=")
        dest = by_flag.get(option)
        if dest is None:
            return None
        settings = OPTIONS[dest][1]
        if settings.get("action") == "store_true":
            if has_value:
                return None
            found[dest] = True
            continue
        if has_value and not option.startswith("--"):
            return None  # argparse reads ``-e=URL`` as the value "=URL"
        if not has_value:
            following = next(words, None)
            if following is None:
                return None
            value = following
        if value.startswith("-"):
            return None  # an option where a value should be: argparse's error
        parsed = _typed(value, settings)
        if parsed is None:
            return None
        found[dest] = parsed
    if not all(found[dest] for dest in IDENTITY):
        return None
    return SimpleNamespace(**found, command=None)


def _default(dest: str) -> object:
    settings = OPTIONS[dest][1]
    return settings.get("default", False if settings.get("action") == "store_true" else None)


def _typed(value: str, settings: dict[str, object]) -> object | None:
    """``value`` as the option's type makes it, or None when argparse would refuse it."""
    convert = settings.get("type")
    parsed: object = value
    if callable(convert):
        try:
            parsed = convert(value)
        except Exception:  # ArgumentTypeError, ValueError...: argparse words it
            return None
    choices = settings.get("choices")
    if isinstance(choices, Sequence) and parsed not in choices:
        return None
    return parsed
