"""Editing the text of the AWS config file the way botocore reads it.

botocore parses the file with ``configparser.RawConfigParser``: a key ends at the first
``=`` or ``:`` and is lower-cased; ``#`` and ``;`` start full-line comments only; a
line indented deeper than the key line above it continues that key's value; a section
or key that appears twice makes botocore reject the whole file. It then maps a section
to a profile only when it is ``default`` or, split like a shell line, exactly two words
of which the first starts with ``profile``; any other spelling (``[ profile dev ]``,
``[Profile dev]``) is silently ignored, and of two sections naming one profile the
later wins. This module classifies lines by those rules, changes only the lines of the
section botocore reads, and checks the result with the same parser before returning it.
"""

from __future__ import annotations

import configparser
import io
import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass

from awsprocesscreds.errors import ConfigurationError

# open() in text mode splits lines at \r\n, \r or \n only (str.splitlines splits at
# more, e.g. \x0c, which would misplace lines).
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
_HEADER = configparser.RawConfigParser.SECTCRE
_OPTION = configparser.RawConfigParser.OPTCRE
_COMMENT_PREFIXES = ("#", ";")


@dataclass(frozen=True)
class Line:
    """One physical line: ``kind`` is blank, comment, header, option, continuation or
    invalid; ``name`` the section header (as configparser keeps it) or the key."""

    text: str
    kind: str
    name: str = ""
    indent: int = 0

    @property
    def ending(self) -> str:
        return self.text[len(self.text.rstrip("\r\n")) :]


@dataclass(frozen=True)
class Edit:
    """The new text, the section header written, and warnings for the person."""

    text: str
    header: str
    warnings: tuple[str, ...] = ()


def section_name(profile: str) -> str:
    """The section botocore reads for ``profile``."""
    return "default" if profile == "default" else f"profile {profile}"


def profile_of(header: str) -> str | None:
    """The profile botocore maps the section ``header`` to, if any
    (botocore.configloader.build_profile_map)."""
    if header == "default":
        return "default"
    if not header.startswith("profile"):
        return None
    try:
        words = shlex.split(header)
    except ValueError:
        return None
    return words[1] if len(words) == 2 else None


def classify(text: str) -> list[Line]:
    """Every line of ``text``, classified as ``RawConfigParser._read`` does."""
    lines: list[Line] = []
    in_section = False
    key = ""  # the key whose value an indented line would continue
    key_indent = 0
    for raw in _LINE.findall(text):
        stripped = raw.strip()
        if not stripped:
            lines.append(Line(raw, "blank"))
            continue
        if stripped.startswith(_COMMENT_PREFIXES):
            lines.append(Line(raw, "comment"))
            continue
        indent = len(raw) - len(raw.lstrip())
        if key and indent > key_indent:
            lines.append(Line(raw, "continuation", key, indent))
            continue
        key_indent = indent
        header = _HEADER.match(stripped)
        option = _OPTION.match(stripped)
        if header:
            in_section, key = True, ""
            lines.append(Line(raw, "header", header.group("header"), indent))
        elif in_section and option and option.group("option"):
            key = option.group("option").rstrip().lower()
            lines.append(Line(raw, "option", key, indent))
        else:
            key = ""
            lines.append(Line(raw, "invalid", "", indent))
    return lines


def parse(text: str) -> configparser.RawConfigParser:
    """``text`` parsed as botocore parses the file. Raises ConfigurationError naming
    the line (never its content: the file may hold keys)."""
    parser = configparser.RawConfigParser()
    try:
        parser.read_file(io.StringIO(text, newline=None))
    except configparser.DuplicateSectionError as exc:
        raise _unreadable(exc.lineno, f"section [{exc.section}] appears twice") from None
    except configparser.DuplicateOptionError as exc:
        what = f"key {exc.option!r} appears twice in [{exc.section}]"
        raise _unreadable(exc.lineno, what) from None
    except configparser.MissingSectionHeaderError as exc:
        raise _unreadable(exc.lineno, "there is text before the first [section]") from None
    except configparser.ParsingError as exc:
        lineno = exc.errors[0][0] if exc.errors else None
        raise _unreadable(
            lineno, "a line is neither [section], key = value nor a comment"
        ) from None
    except configparser.Error as exc:
        raise _unreadable(None, type(exc).__name__) from None
    return parser


def update_profile(text: str, profile: str, settings: Mapping[str, str]) -> Edit:
    """``text`` with ``settings`` set in the section botocore reads for ``profile``:
    a key already there (in any case, with ``=`` or ``:``) is replaced in place with
    its continuation lines, other keys go after the section's last key, a missing
    section is appended. Every other line stays as it was; new lines take the file's
    line ending. Keys must be lower case and values one line without outer spaces.

    Raises ConfigurationError when botocore cannot read ``text`` (it is not edited)
    or, as a last guard, when the result would not read back as intended.
    """
    before = parse(text)
    lines = classify(text)
    newline = next((line.ending for line in lines if line.ending), "\n")
    wanted = section_name(profile)
    headers = [(i, line.name) for i, line in enumerate(lines) if line.kind == "header"]
    read = [i for i, name in headers if profile_of(name) == profile]
    target = read[-1] if read else None
    ignored = [(i, name) for i, name in headers if i != target and _looks_like(name, profile)]
    if target is None:
        texts = [line.text for line in lines]
        if texts and not lines[-1].ending:
            texts[-1] += newline
        if text.strip():
            texts.append(newline)
        texts.append(f"[{wanted}]{newline}")
        texts += [f"{key} = {value}{newline}" for key, value in settings.items()]
        header = wanted
    else:
        texts = _edit_section(lines, target, settings, newline)
        header = lines[target].name
    result = "".join(texts)
    _check(before, parse(result), header, profile, settings)
    warnings = tuple(
        f"line {i + 1}: [{name}] is ignored by botocore ({_why_ignored(name)}); "
        f"wrote [{header}], the section it reads"
        for i, name in ignored
    )
    return Edit(result, header, warnings)


def _edit_section(
    lines: list[Line], start: int, settings: Mapping[str, str], newline: str
) -> list[str]:
    end = next((i for i in range(start + 1, len(lines)) if lines[i].kind == "header"), len(lines))
    remaining = dict(settings)
    texts: list[str | None] = [line.text for line in lines]
    last_key = start  # the section's last key or continuation line
    replacing = ""
    for i in range(start + 1, end):
        line = lines[i]
        if line.kind == "option":
            replacing = line.name if line.name in remaining else ""
            if replacing:
                value = remaining.pop(replacing)
                texts[i] = f"{line.text[: line.indent]}{replacing} = {value}{line.ending}"
        elif line.kind == "continuation" and replacing:
            texts[i] = None  # the old value's further lines would join the new value
        if line.kind in ("option", "continuation"):
            last_key = i
    if remaining:
        # As deep as the next section's header, so it cannot become a continuation.
        indent = " " * lines[end].indent if end < len(lines) else ""
        added = [f"{indent}{key} = {value}{newline}" for key, value in remaining.items()]
        if not lines[last_key].ending:
            texts[last_key] = f"{texts[last_key] or ''}{newline}"
        texts[last_key + 1 : last_key + 1] = added
    return [text for text in texts if text is not None]


def _looks_like(header: str, profile: str) -> bool:
    """A section a person may have meant for ``profile`` (spacing or case aside)."""
    spelled = " ".join(header.split()).lower()
    return spelled in {section_name(profile).lower(), f"profile {profile}".lower()}


def _why_ignored(header: str) -> str:
    if profile_of(header) is not None:
        return "a later section for the same profile wins"
    if header != header.strip():
        return "no spaces are allowed inside the brackets"
    return "botocore expects [default] or [profile NAME], in lower case"


def _check(
    before: configparser.RawConfigParser,
    after: configparser.RawConfigParser,
    header: str,
    profile: str,
    settings: Mapping[str, str],
) -> None:
    """The last guard: only ``header``'s ``settings`` changed, and botocore reads them."""
    old, new = _sections(before), _sections(after)
    expected = {**old, header: {**old.get(header, {}), **settings}}
    readers = [name for name in new if profile_of(name) == profile]
    if new != expected or not readers or readers[-1] != header:
        raise ConfigurationError(
            f"could not update profile {profile!r} safely; the file is left unchanged"
        )


def _sections(parser: configparser.RawConfigParser) -> dict[str, dict[str, str]]:
    return {name: dict(parser.items(name, raw=True)) for name in parser.sections()}


def _unreadable(lineno: int | None, what: str) -> ConfigurationError:
    where = f"line {lineno}: " if lineno else ""
    return ConfigurationError(
        f"botocore cannot read this file ({where}{what}); fix it, then run configure again"
    )
