"""Setting up a profile: the ``credential_process`` line that runs this installation,
the checks of everything that goes into the AWS config file, and the locked
read-edit-write of that file (the editing itself is ``aws_config``)."""

from __future__ import annotations

import os
import re
import shlex
import stat
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from awsprocesscreds.aws_config import Edit, profile_of, section_name, update_profile
from awsprocesscreds.errors import CacheLockTimeout, ConfigurationError, ProviderNotFoundError
from awsprocesscreds.files import write_atomic
from awsprocesscreds.hotpath import read_own_file
from awsprocesscreds.locks import hold
from awsprocesscreds.request import CredentialRequest

LAUNCHER = "awsprocesscreds-saml"
#: Far above any real config; a bigger file is refused rather than read whole.
MAX_CONFIG_BYTES = 1 << 20
#: How long ``configure`` waits for another one editing the same file.
LOCK_TIMEOUT = 10.0
# us-east-1, eu-central-2, us-gov-west-1, cn-north-1, us-isob-east-1, eusc-de-east-1
_REGION = re.compile(r"[a-z]{2,4}(?:-[a-z]+)+-[0-9]{1,2}")
# Characters botocore cannot read back from [profile NAME]: shlex splits at spaces
# and strips quotes and backslashes; configparser ends the header at a bracket.
_NAME_BREAKERS = frozenset("'\"\\[]")


def config_path(env: Mapping[str, str]) -> Path:
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


def check_profile_name(profile: str) -> None:
    """Raises ConfigurationError unless botocore reads ``[profile NAME]`` back as
    ``profile`` (it silently ignores a section it cannot split into two words)."""
    if (
        not profile
        or any(
            char in _NAME_BREAKERS or char.isspace() or not char.isprintable() for char in profile
        )
        or profile_of(section_name(profile)) != profile
    ):
        raise ConfigurationError(
            f"botocore would ignore a profile named {profile!r}: use a name without spaces, "
            "quotes, backslashes, brackets or control characters"
        )


def check_one_line(option: str, value: str) -> None:
    """Raises ConfigurationError if ``value`` holds a line break or another control
    character: written into the file it would start new lines, even new sections."""
    if not all(char.isprintable() for char in value):
        raise ConfigurationError(
            f"{option} contains a line break or control character; nothing was written"
        )


def check_login(request: CredentialRequest) -> None:
    """Raises ConfigurationError (ProviderNotFoundError) for an endpoint that is not
    https://, a provider no installed authenticator answers to, a role ARN that does
    not parse, or an option the provider does not honour (``check_request``)."""
    from awsprocesscreds.registry import load_authenticator, provider_names
    from awsprocesscreds.saml import role_arn_parts

    endpoint, provider, role_arn = request.endpoint, request.provider, request.role_arn

    try:
        parts = urlsplit(endpoint)
        secure = parts.scheme.lower() == "https" and bool(parts.hostname)
    except ValueError:
        secure = False
    if not secure:
        raise ConfigurationError("-e must be the https:// URL of your IdP's sign-in page")
    known = provider_names()
    if provider.lower() not in {name.lower() for name in known}:
        raise ProviderNotFoundError(
            f"unknown provider {provider!r}; choose one of: {', '.join(known) or 'none'}"
        )
    load_authenticator(provider).check_request(request)
    if role_arn is not None and role_arn_parts(role_arn) is None:
        raise ConfigurationError(
            f"-a {role_arn!r} is not an IAM role ARN such as arn:aws:iam::123456789012:role/Dev"
        )


def check_region(region: str) -> None:
    """Raises ConfigurationError for a name that cannot be an AWS region."""
    if not _REGION.fullmatch(region):
        raise ConfigurationError(
            f"--region {region!r} is not an AWS region name such as us-east-1 or eu-west-2"
        )


def configure_profile(path: Path, profile: str, settings: Mapping[str, str]) -> Edit:
    """Set ``settings`` in ``profile`` in the config file at ``path`` (created if
    absent; a symlink is followed), holding a lock beside the file so that concurrent
    runs cannot lose each other's profiles. Raises ConfigurationError, with the file
    unchanged, when it cannot be read as botocore reads it or cannot be written."""
    try:
        real = path.resolve()
    except (OSError, RuntimeError) as exc:  # RuntimeError: a symlink loop before 3.13
        raise ConfigurationError(f"cannot follow {path}: {exc}") from exc
    try:
        real.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        with _locked(real):
            try:
                edit = update_profile(read_config(real), profile, settings)
            except ConfigurationError as exc:
                raise ConfigurationError(f"{path}: {exc}") from exc
            write_config(real, edit.text)
    except OSError as exc:
        raise ConfigurationError(f"cannot update {path}: {exc.strerror or exc}") from exc
    return edit


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


@contextmanager
def _locked(real: Path) -> Iterator[None]:
    """An OS lock on a file beside the config: every configure that edits the same
    file, through whatever symlink, takes the same one; a killed holder frees it."""
    lock_path = real.with_name(f".{real.name}.lock")
    try:
        with hold(lock_path, LOCK_TIMEOUT, f"another configure editing {real}"):
            yield
    except CacheLockTimeout as exc:
        raise ConfigurationError(str(exc)) from exc


def read_config(real: Path) -> str:
    """The config text ("" if there is none yet). Read without following links or
    blocking (a FIFO planted there cannot hang us), and only a regular file of ours."""
    data = read_own_file(str(real), MAX_CONFIG_BYTES)
    if data is None:
        if not os.path.lexists(real):
            return ""
        raise ConfigurationError(
            "it is not a regular file you own and can read; it is left unchanged"
        )
    if len(data) > MAX_CONFIG_BYTES:
        raise ConfigurationError(
            f"it is larger than {MAX_CONFIG_BYTES // 1024} KiB; it is left unchanged"
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigurationError(
            f"it is not UTF-8 text (at byte {exc.start + 1}); it is left unchanged"
        ) from None
