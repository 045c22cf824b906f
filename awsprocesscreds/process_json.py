"""The credential_process document, as we print and cache it: one flat JSON object of
``Version`` 1 and the credential fields, ``Expiration`` as ``YYYY-MM-DDTHH:MM:SSZ``.

Read strictly (``parse_flat_object``, ``is_process_document``) and written
(``render``) with nothing beyond what the interpreter has loaded at start and json's C
scanner: the cache-hit path (``hotpath``) reads and prints with these, and so does
``credentials`` when it writes the cache, so the two can never disagree.
"""

from __future__ import annotations

# typing itself costs more than the rest of the cache-hit path (it imports re): this
# spelling keeps the names for type checkers without importing it.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

try:  # the C scanner, without json's pure-Python layer (which imports re)
    from _json import scanstring
except ImportError:  # pragma: no cover - other interpreters
    from json.decoder import py_scanstring as scanstring  # type: ignore[attr-defined,no-redef]

EXPIRATION_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
FIELDS = ("AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration")


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
