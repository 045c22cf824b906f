"""The cache-hit path: every ``aws`` command, SDK start and git fetch runs it.

It must cost little more than a bare interpreter start, so it imports nothing beyond
modules the interpreter has already loaded or that load in microseconds (``_json``,
``_sha256``): no argparse, json, re, datetime, pathlib, dataclasses or logging. It
understands the plain invocation (the options that pick a cache entry); anything else
(``--help``, ``-v``, an abbreviated option, a miss, a doubtful entry) goes to the full
CLI in ``cli``, which applies the same rules with the same functions from here.

Cache entries are the exact credential_process document we printed, written by us
(see ``cache``): a flat JSON object with ``Expiration`` as ``YYYY-MM-DDTHH:MM:SSZ``.
Anything else in the file is not ours and is a miss.
"""

from __future__ import annotations

import os
import sys
import time

# typing itself costs more than the rest of this path (it imports re): this spelling
# keeps the names for type checkers without importing it.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

try:  # the C scanner, without json's pure-Python layer (which imports re)
    from _json import scanstring
except ImportError:  # pragma: no cover - other interpreters
    from json.decoder import py_scanstring as scanstring  # type: ignore[attr-defined,no-redef]

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
EXPIRATION_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
#: STS's range for DurationSeconds (and the SAML SessionDuration attribute).
MIN_DURATION, MAX_DURATION = 900, 43200
FIELDS = ("AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration")

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


def is_process_document(document: Mapping[str, object]) -> bool:
    """True for a credential_process document we could have written: ``Version`` the
    integer 1, the credential fields plain values, ``Expiration`` a real UTC moment in
    our format, and every other value a string or a non-negative integer (what
    ``parse_flat_object`` reads). The one definition both the cache-hit path and
    ``credentials.from_process_json`` apply, so the two never disagree."""
    version = document.get("Version")
    if type(version) is not int or version != 1:  # not True, not 1.0
        return False
    if not all(is_plain_value(document.get(name)) for name in FIELDS):
        return False
    if not is_expiration_text(str(document["Expiration"])):
        return False
    return all(
        isinstance(value, str) or (type(value) is int and value >= 0) for value in document.values()
    )


def is_expiration_text(text: str) -> bool:
    """True for ``YYYY-MM-DDTHH:MM:SSZ`` exactly, naming a real moment: a month of the
    year, a day of that month (leap years counted), no leap second. The same texts
    ``datetime`` accepts, without importing it."""
    shape = "dddd-dd-ddTdd:dd:ddZ"
    if len(text) != len(shape) or not all(
        "0" <= char <= "9" if want == "d" else char == want
        for char, want in zip(text, shape, strict=True)
    ):
        return False
    year, month, day = int(text[0:4]), int(text[5:7]), int(text[8:10])
    hour, minute, second = int(text[11:13]), int(text[14:16]), int(text[17:19])
    if year < 1 or not 1 <= month <= 12:
        return False
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    days = (31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)[month - 1]
    return 1 <= day <= days and hour <= 23 and minute <= 59 and second <= 59


def parse_flat_object(text: str) -> dict[str, str | int] | None:
    """Parse a JSON object whose values are strings or non-negative integers; None for
    any other JSON (or non-JSON) text. Strict: no duplicate keys, nothing trailing."""
    result: dict[str, str | int] = {}
    end = len(text)
    i = _skip(text, 0)
    if i >= end or text[i] != "{":
        return None
    i = _skip(text, i + 1)
    if i < end and text[i] == "}":
        return result if _skip(text, i + 1) == end else None
    while i < end:
        if text[i] != '"':
            return None
        key, i = scanstring(text, i + 1, True)
        i = _skip(text, i)
        if i >= end or text[i] != ":" or key in result:
            return None
        i = _skip(text, i + 1)
        if i < end and text[i] == '"':
            value, i = scanstring(text, i + 1, True)
            result[key] = value
        else:
            start = i
            while i < end and "0" <= text[i] <= "9":
                i += 1
            if i == start or (text[start] == "0" and i - start > 1):
                return None  # JSON has no leading zeros: "01" is not a number
            result[key] = int(text[start:i])
        i = _skip(text, i)
        if i < end and text[i] == ",":
            i = _skip(text, i + 1)
            continue
        if i < end and text[i] == "}":
            return result if _skip(text, i + 1) == end else None
        return None
    return None


def _skip(text: str, i: int) -> int:
    while i < len(text) and text[i] in " \t\r\n":
        i += 1
    return i


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


def render(document: Mapping[str, str | int]) -> str:
    """The credential_process document as one line of JSON, keys in botocore's order.
    Values are printable ASCII without quotes or backslashes (``read_entry`` and
    ``credentials`` check it), so they need no escaping."""
    fields = ", ".join(f'"{name}": "{document[name]}"' for name in FIELDS)
    return '{"Version": 1, ' + fields + "}"


def is_plain_value(text: object) -> bool:
    """True for a non-empty printable-ASCII string without ``"`` or ``\\``: what AWS
    credentials are made of, and what ``render`` can print as it is."""
    return (
        isinstance(text, str)
        and bool(text)
        and all(" " <= char <= "~" and char not in '"\\' for char in text)
    )


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
