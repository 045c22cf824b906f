"""Writing a profile's ``credential_process`` line into the AWS config file, keeping
every other line, comment and profile exactly as it was."""

from __future__ import annotations

import os
import re
import shlex
import stat
import sys
from collections.abc import Sequence
from pathlib import Path

from awsprocesscreds.files import write_atomic

LAUNCHER = "awsprocesscreds-saml"
_SECTION = re.compile(r"^\s*\[\s*([^\]]+?)\s*\]\s*(?:[#;].*)?$")


def config_path(env: dict[str, str] | os._Environ[str]) -> Path:
    """``$AWS_CONFIG_FILE`` or ``~/.aws/config``."""
    configured = env.get("AWS_CONFIG_FILE")
    return Path(configured).expanduser() if configured else Path.home() / ".aws" / "config"


def executable() -> list[str]:
    """The absolute command that runs this installation (GUI programs and IDEs often
    have another PATH, and shims make every call slower)."""
    candidates = [Path(sys.executable).with_name(LAUNCHER)]
    if Path(sys.argv[0]).name == LAUNCHER:  # the launcher running us (pip --user)
        candidates.append(Path(sys.argv[0]))
    for launcher in candidates:
        if launcher.is_file() and os.access(launcher, os.X_OK):
            return [str(launcher.absolute())]
    return [str(Path(sys.executable).absolute()), "-m", "awsprocesscreds"]


def command_line(arguments: Sequence[str]) -> str:
    """The credential_process value: quoted so that botocore's ``shlex.split`` gives
    back exactly ``arguments`` (URLs with ``?`` and ``&``, paths with spaces)."""
    return shlex.join([*executable(), *arguments])


def section_name(profile: str) -> str:
    return "default" if profile == "default" else f"profile {profile}"


def update_profile(text: str, profile: str, settings: dict[str, str]) -> str:
    """``text`` with ``settings`` (e.g. credential_process, region) set in the
    profile's section: existing keys replaced in place, new ones added at the end
    of the section, a missing section appended. Nothing else changes."""
    lines = text.splitlines(keepends=True)
    wanted = section_name(profile)
    start = next((i for i, line in enumerate(lines) if _section_of(line) == wanted), None)
    if start is None:
        block = "" if not text or text.endswith("\n") else "\n"
        block += ("\n" if text.strip() else "") + f"[{wanted}]\n"
        block += "".join(f"{key} = {value}\n" for key, value in settings.items())
        return text + block
    end = next(
        (i for i in range(start + 1, len(lines)) if _section_of(lines[i]) is not None), len(lines)
    )
    remaining = dict(settings)
    for i in range(start + 1, end):
        key = lines[i].split("=", 1)[0].strip() if "=" in lines[i] else None
        if key in remaining and not lines[i][:1].isspace():
            lines[i] = f"{key} = {remaining.pop(key)}\n"
    insert_at = end
    while insert_at > start + 1 and not lines[insert_at - 1].strip():
        insert_at -= 1  # keep blank lines between sections where they were
    if insert_at > 0 and not lines[insert_at - 1].endswith("\n"):
        lines[insert_at - 1] += "\n"
    added = [f"{key} = {value}\n" for key, value in remaining.items()]
    return "".join(lines[:insert_at] + added + lines[insert_at:])


def _section_of(line: str) -> str | None:
    match = _SECTION.match(line)
    return " ".join(match.group(1).split()) if match else None


def write_config(path: Path, text: str) -> None:
    """Replace ``path`` atomically, keeping its mode (0600 for a new file). A symlinked
    config (dotfile managers) is written through, not replaced by a file."""
    path = path.resolve()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        mode = 0o600
    write_atomic(path, text, mode)
