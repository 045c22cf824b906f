"""``--profile NAME``: the options of a profile's ``credential_process`` line, so that
``roles``, ``console``, ``logout`` and ``status`` act for that profile without the
person typing ``-e -u -p`` again.

The line is found as botocore finds it: the config file is ``$AWS_CONFIG_FILE`` or
``~/.aws/config`` (``profiles.config_path``), parsed with ``RawConfigParser``; the
profile's section is ``[default]`` or ``[profile NAME]`` (the later of two wins); the
value is split with ``shlex.split``. It must run us (``awsprocesscreds-saml``, or a
Python running ``-m awsprocesscreds``), and its arguments are read by the main
command's own parser, so that the profile means here what it means to botocore.
"""

from __future__ import annotations

import argparse
import re
import shlex
from collections.abc import Mapping, Sequence
from pathlib import PurePath
from typing import NoReturn

from awsprocesscreds.errors import ConfigurationError, UsageError

#: The interpreters ``profiles.executable`` may write before ``-m awsprocesscreds``.
_PYTHON = re.compile(r"python[0-9.]*")
_LAUNCHER = "awsprocesscreds-saml"


class _Refusal(Exception):
    """What the main command's parser would have said (it would have exited)."""


class _QuietParser(argparse.ArgumentParser):
    """The main command's parser that raises instead of printing and exiting."""

    def error(self, message: str) -> NoReturn:
        raise _Refusal(message)

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        raise _Refusal(message or "it asks for --help or --version")

    def _print_message(self, message: str, file: object = None) -> None:
        pass


def profile_options(profile: str, env: Mapping[str, str]) -> dict[str, object]:
    """The main command's options (``vars`` of its namespace) in ``profile``'s
    credential_process line. Raises UsageError naming the profile when it does not
    exist, has no credential_process, or that line does not run us or does not parse;
    ConfigurationError when the config file cannot be read as botocore reads it."""
    from awsprocesscreds.profiles import config_path

    path = config_path(env)
    text = _config_text(path)
    try:
        line = credential_process(profile, text, str(path))
    except UsageError:
        raise
    except ConfigurationError as exc:
        raise ConfigurationError(f"{path}: {exc}") from exc
    if line is None:
        raise UsageError(f"profile {profile!r} has no credential_process line in {path}")
    return line_options(profile, line)


def credential_process(profile: str, text: str, where: str = "the AWS config file") -> str | None:
    """The credential_process value botocore reads for ``profile`` in config ``text``;
    None when it has none. Raises UsageError when there is no such profile (in
    ``where``), ConfigurationError when botocore cannot read ``text``."""
    from awsprocesscreds.aws_config import parse, profile_of

    parser = parse(text)
    sections = [name for name in parser.sections() if profile_of(name) == profile]
    if not sections:
        raise UsageError(f"there is no profile {profile!r} in {where}")
    # botocore keeps the last section that names a profile.
    value = parser.get(sections[-1], "credential_process", fallback=None)
    return value.strip() if value and value.strip() else None


def line_options(profile: str, line: str) -> dict[str, object]:
    """The options of one credential_process ``line``, parsed as the main command
    parses its own. Raises UsageError naming ``profile`` when the line does not run
    awsprocesscreds-saml or its arguments are not ours."""
    try:
        words = shlex.split(line)
    except ValueError as exc:
        raise UsageError(f"profile {profile!r}: credential_process does not split: {exc}") from None
    arguments = our_arguments(words)
    if arguments is None:
        program = PurePath(words[0]).name if words else ""
        raise UsageError(
            f"profile {profile!r}: its credential_process runs {program!r}, not {_LAUNCHER}"
        )
    try:
        return _parse(arguments)
    except _Refusal as exc:
        raise UsageError(f"profile {profile!r}: its credential_process line: {exc}") from None


def our_arguments(words: Sequence[str]) -> list[str] | None:
    """The arguments after the program when ``words`` run us, else None: the launcher
    (by its name, wherever it is installed) or a Python running ``-m awsprocesscreds``."""
    if not words:
        return None
    program = PurePath(words[0]).name.removesuffix(".exe")
    if program == _LAUNCHER:
        return list(words[1:])
    if _PYTHON.fullmatch(program) and list(words[1:3]) == ["-m", "awsprocesscreds"]:
        return list(words[3:])
    return None


def _parse(arguments: Sequence[str]) -> dict[str, object]:
    from awsprocesscreds.arguments import build_parser, flags
    from awsprocesscreds.option_table import IDENTITY

    parser = build_parser(_QuietParser)
    args, extra = parser.parse_known_args(list(arguments))
    if extra:
        raise _Refusal("unrecognized arguments: " + " ".join(extra))
    missing = [flags(dest) for dest in IDENTITY if not getattr(args, dest)]
    if missing:
        raise _Refusal(f"the following arguments are required: {', '.join(missing)}")
    return vars(args)


def _config_text(path: PurePath) -> str:
    """The config file's text, read as ``configure`` reads it (a regular file we own,
    at most ``profiles.MAX_CONFIG_BYTES``); "" when there is none."""
    from pathlib import Path

    from awsprocesscreds.profiles import read_config

    try:
        real = Path(path).resolve()
    except (OSError, RuntimeError) as exc:
        raise ConfigurationError(f"cannot follow {path}: {exc}") from exc
    try:
        return read_config(real)
    except ConfigurationError as exc:
        raise ConfigurationError(f"{path}: {exc}") from exc


#: What may stand next to --profile: the command's own switches, not the profile's
#: options. ``logout --keyring`` forgets the profile's stored password (an action).
_BESIDE_PROFILE = frozenset({"command", "profile", "verbose", "print_url", "destination"})
_BESIDE_PROFILE_OF = {"logout": _BESIDE_PROFILE | {"keyring"}}


def typed_beside_profile(
    parser: argparse.ArgumentParser, command: str, arguments: Sequence[str]
) -> list[str]:
    """The flags of the profile's options typed in ``arguments`` (``command``'s,
    after the command word) next to --profile: the profile's line is the one truth,
    so a command never acts on a mix of two."""
    unset = object()
    # argparse sets a default only where the namespace has no value yet, so every
    # option still ``unset`` afterwards was not typed.
    actions = parser._actions
    probe = argparse.Namespace(**{action.dest: unset for action in actions})
    parser.parse_known_args(list(arguments), namespace=probe)
    allowed = _BESIDE_PROFILE_OF.get(command, _BESIDE_PROFILE)
    return [
        "/".join(action.option_strings)
        for action in actions
        if action.option_strings
        and action.dest not in allowed
        and getattr(probe, action.dest, unset) is not unset
    ]
