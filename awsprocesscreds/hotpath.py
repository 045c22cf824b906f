"""The cache-hit path: every ``aws`` command, SDK start and git fetch runs it.

It must cost little more than a bare interpreter start, so it imports nothing beyond
modules the interpreter has already loaded or that load in microseconds (``_json``,
``_sha256``): no argparse, json, re, datetime, pathlib, dataclasses or logging. It
understands the plain invocation (the options that pick a cache entry); anything else
(``--help``, ``-v``, an abbreviated option, a miss, a doubtful entry) goes to the full
CLI in ``cli``, which applies the same rules with the same functions from here.

Cache entries are the exact credential_process document we printed, written by us
(see ``cache``; its format is ``process_json``'s). Anything else in the file is not
ours and is a miss.
"""

from __future__ import annotations

import os
import sys
import time

from awsprocesscreds.process_json import (
    EXPIRATION_FORMAT,
    is_process_document,
    parse_flat_object,
    render,
)

# typing itself costs more than the rest of this path (it imports re): this spelling
# keeps the names for type checkers without importing it.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

try:  # the built-in SHA-256, without hashlib's OpenSSL load: same digest
    from _sha2 import sha256  # type: ignore[import-not-found,unused-ignore]
except ImportError:
    try:
        from _sha256 import sha256  # type: ignore[import-not-found,no-redef,unused-ignore]
    except ImportError:  # pragma: no cover
        from hashlib import sha256  # type: ignore[assignment,unused-ignore]

#: botocore re-runs the process when fewer than 15 minutes are left (advisory refresh);
#: credentials served inside that window make it re-run us on every API call.
MIN_REMAINING_SECONDS = 15 * 60
#: A cache entry is a few hundred bytes; anything much larger is not ours.
MAX_ENTRY_BYTES = 64 * 1024
#: STS's range for DurationSeconds (and the SAML SessionDuration attribute).
MIN_DURATION, MAX_DURATION = 900, 43200

#: Options whose values pick the cache entry, and options that only change how a
#: login is done (their values are skipped here; the full CLI validates them).
_KEY_OPTIONS = {
    "-e": "endpoint",
    "--endpoint": "endpoint",
    "-u": "username",
    "--username": "username",
    "-p": "provider",
    "--provider": "provider",
    "-a": "role_arn",
    "--role-arn": "role_arn",
    "--duration": "duration",
    "--entity-id": "entity_id",
}
_LOGIN_OPTIONS = frozenset({"--mfa-factor", "--mfa-timeout", "--timeout", "--okta-client-id"})
_LOGIN_FLAGS = frozenset({"--keyring", "--no-browser", "--no-idp-session"})


def key_parts(
    provider: str,
    endpoint: str,
    username: str,
    role_arn: str | None,
    duration: int | None,
    *,
    entity_id: str | None = None,
) -> dict[str, str | int | None]:
    """Everything that changes which credentials come back. How we log in (the second
    factor, timeouts) does not, so it is not part of the key. ``entity_id`` picks the
    application (and so the roles) at Entra ID; it is in the key only when given, so
    that every key made before it existed still names the same entry."""
    parts: dict[str, str | int | None] = {
        "v": 1,
        "provider": provider.lower(),
        "endpoint": endpoint,
        "username": username,
        "role_arn": role_arn,
        "duration": duration,
    }
    if entity_id is not None:
        parts["entity_id"] = entity_id
    return parts


def cache_key(parts: Mapping[str, str | int | None]) -> str:
    """SHA-256 (hex) of an unambiguous encoding of ``parts`` in key order: each name
    and value length-prefixed, None distinct from any string."""
    encoded = []
    for name in sorted(parts):
        value = parts[name]
        text = "-" if value is None else f"{type(value).__name__}{len(str(value))}:{value}"
        encoded.append(f"{len(name)}:{name}={text};")
    digest: str = sha256("".join(encoded).encode("utf-8")).hexdigest()
    return digest


def cache_directory(home: str) -> str:
    """Where the cache lives for a home directory: ``~/.aws/awsprocesscreds/cache``."""
    return os.path.join(home, ".aws", "awsprocesscreds", "cache")


def expiration_after(seconds: float, clock: Callable[[], float] = time.time) -> str:
    """The Expiration text of the moment ``seconds`` from now (UTC)."""
    return time.strftime(EXPIRATION_FORMAT, time.gmtime(clock() + seconds))


def read_own_file(path: str, limit: int) -> bytes | None:
    """The first ``limit + 1`` bytes of ``path`` if it is a regular file owned by us,
    else None (absent, a link, a FIFO or device, someone else's, unreadable). Opened
    non-blocking and checked with ``fstat`` before any read, so a FIFO or device
    planted at the path can never hold the run. Callers compare the length with
    ``limit`` to refuse oversized files."""
    found = read_own(path, limit)
    return None if found is None else found[0]


def read_own(path: str, limit: int) -> tuple[bytes, float] | None:
    """``read_own_file``, with the file's modification time (from the same ``fstat``)."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return None
    try:
        status = os.fstat(fd)
        if (status.st_mode & 0o170000) != 0o100000:  # S_IFMT / S_IFREG, without stat
            return None
        if hasattr(os, "getuid") and status.st_uid != os.getuid():
            return None  # planted by someone else
        return os.read(fd, limit + 1), status.st_mtime
    except OSError:
        return None
    finally:
        os.close(fd)


def read_entry(path: str, fresh_until: str) -> dict[str, str | int] | None:
    """The cached document at ``path`` if it is ours, whole, and expires no earlier
    than ``fresh_until`` (an Expiration text); None for any kind of miss."""
    data = read_own_file(path, MAX_ENTRY_BYTES)
    if data is None or len(data) > MAX_ENTRY_BYTES:
        return None
    try:
        document = parse_flat_object(data.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return None
    if document is None or not is_process_document(document):
        return None
    # Same fixed UTC format on both sides, so text order is time order.
    if str(document["Expiration"]) < fresh_until:
        return None
    return document


def parse_plain_args(argv: Sequence[str]) -> dict[str, str | int | None] | None:
    """The cache key parts of a plain invocation, or None when the full CLI must
    decide (unknown or abbreviated options, -v, --no-cache, --help, bad values)."""
    found: dict[str, str] = {}
    i = 0
    while i < len(argv):
        option, has_value, value = argv[i].partition("=")
        if option in _LOGIN_FLAGS and not has_value:
            i += 1
            continue
        if option not in _KEY_OPTIONS and option not in _LOGIN_OPTIONS:
            return None
        if has_value and not option.startswith("--"):
            return None
        if not has_value:
            if i + 1 >= len(argv):
                return None
            i += 1
            value = argv[i]
        if not value or value.startswith("-"):
            return None
        if option in _KEY_OPTIONS:
            found[_KEY_OPTIONS[option]] = value
        i += 1
    if not {"endpoint", "username", "provider"} <= found.keys():
        return None
    duration = found.get("duration")
    if duration is not None and not (
        # ASCII digits only: "²".isdigit() is true, and int() refuses it.
        duration.isascii() and duration.isdigit() and MIN_DURATION <= int(duration) <= MAX_DURATION
    ):
        return None
    return key_parts(
        found["provider"],
        found["endpoint"],
        found["username"],
        found.get("role_arn"),
        None if duration is None else int(duration),
        entity_id=found.get("entity_id"),
    )


def serve(argv: Sequence[str], env: Mapping[str, str]) -> str | None:
    """The cached document text for a plain invocation, or None."""
    parts = parse_plain_args(argv)
    if parts is None:
        return None
    home = env.get("HOME") or os.path.expanduser("~")
    if not os.path.isabs(home):
        return None  # a relative HOME would put the cache under the working directory
    path = os.path.join(cache_directory(home), cache_key(parts) + ".json")
    document = read_entry(path, expiration_after(MIN_REMAINING_SECONDS))
    if document is None:
        return None
    return render(document)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``awsprocesscreds-saml``: print a cached document, or hand over
    to the full CLI."""
    args = sys.argv[1:] if argv is None else list(argv)
    try:
        document = serve(args, os.environ)
    except Exception:
        # This path must never fail: whatever it cannot handle, the full CLI decides
        # (with its own messages, and a traceback only under -v).
        document = None
    if document is not None:
        sys.stdout.write(document + "\n")
        sys.stdout.flush()
        return 0
    from awsprocesscreds.cli import main as full_main

    return full_main(args)
