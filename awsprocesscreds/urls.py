"""URL rules shared by both HTTP clients (``http`` for sign-ins, ``stdhttp`` for
refreshes): what a log may show of a URL, and which URLs may carry secrets. Standard
library only: a refresh imports this without requests."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode, urlsplit, urlunsplit

from awsprocesscreds.errors import ConfigurationError


def redact_url(url: str) -> str:
    """The URL with query and fragment cut off, safe for logs and error messages."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def site_of(url: str) -> str:
    """``scheme://host[:port]`` of ``url``: where an IdP's APIs live beside its page."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "", "", ""))


def require_https(url: str) -> None:
    """Raise ConfigurationError unless ``url`` is an absolute https:// URL."""
    parts = urlsplit(url)
    if parts.scheme.lower() != "https" or not parts.hostname:
        raise ConfigurationError(
            f"refusing to send credentials to {redact_url(url) or url!r}: "
            "only https:// URLs are allowed"
        )


def origin(url: str) -> tuple[str, str]:
    """(scheme, host:port) with the default port made explicit."""
    parts = urlsplit(url)
    try:
        port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    except ValueError:
        port = -1  # an invalid port never equals a real one
    return parts.scheme.lower(), f"{(parts.hostname or '').lower()}:{port}"


def host_of(url: str | bytes) -> str:
    """``host[:port]`` of ``url`` for messages (the URL itself when it has none)."""
    text = url.decode("utf-8", "replace") if isinstance(url, bytes) else url
    return urlsplit(text).netloc or text


def with_query(url: str, params: Mapping[str, str]) -> str:
    """``url`` with ``params`` added to its query (encoded, never concatenated)."""
    parts = urlsplit(url)
    query = "&".join(part for part in (parts.query, urlencode(params)) if part)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))
