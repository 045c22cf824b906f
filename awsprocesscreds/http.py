"""The one HTTP session every authenticator uses, with our safety rules built in.

- HTTPS only, checked on every request *and* every redirect (in ``send``), so an IdP
  page cannot bounce the password or a token to a plain-text URL.
- Connect and read timeouts on every request: a hung IdP is an error, not a hang.
- Bodies read up to a bound: an IdP answer is hostile input.
- ``-v`` logs method, URL without its query (Okta puts one-time tokens there) and status.
- TLS verification, ``REQUESTS_CA_BUNDLE`` and proxy variables work as in requests.

requests errors are turned into our NetworkError here, in one place.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests

from awsprocesscreds import __version__
from awsprocesscreds.errors import ConfigurationError, IdpResponseError, NetworkError

log = logging.getLogger(__name__)

DEFAULT_CONNECT_TIMEOUT = 10.0
DEFAULT_READ_TIMEOUT = 30.0
#: Real login pages are tens of kilobytes; a SAML page with many roles a few hundred.
MAX_BODY_BYTES = 5 * 1024 * 1024


def redact_url(url: str) -> str:
    """The URL with query and fragment cut off, safe for logs and error messages."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def require_https(url: str) -> None:
    """Raise ConfigurationError unless ``url`` is an absolute https:// URL."""
    parts = urlsplit(url)
    if parts.scheme.lower() != "https" or not parts.hostname:
        raise ConfigurationError(
            f"refusing to send credentials to {redact_url(url) or url!r}: "
            "only https:// URLs are allowed"
        )


class IdpSession(requests.Session):
    """A requests session with HTTPS-only, timeouts and bounded bodies."""

    def __init__(
        self,
        connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
        read_timeout: float = DEFAULT_READ_TIMEOUT,
        max_body_bytes: int = MAX_BODY_BYTES,
    ) -> None:
        super().__init__()
        self.timeout = (connect_timeout, read_timeout)
        self.max_body_bytes = max_body_bytes
        default_agent = requests.utils.default_user_agent()
        self.headers["User-Agent"] = f"awsprocesscreds/{__version__} {default_agent}"
        self.hooks["response"].append(self._on_response)

    def request(
        self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any
    ) -> requests.Response:
        kwargs.setdefault("timeout", self.timeout)
        try:
            return super().request(method, url, *args, **kwargs)
        except requests.exceptions.SSLError as exc:
            raise NetworkError(
                f"TLS verification failed for {_host(url)}: {_reason(exc)}; if your company "
                "uses its own certificate authority, point REQUESTS_CA_BUNDLE at it"
            ) from exc
        except requests.exceptions.ConnectTimeout as exc:
            raise NetworkError(
                f"timed out connecting to {_host(url)} after {self.timeout[0]:g} s; "
                "check the endpoint and your network or proxy settings"
            ) from exc
        except requests.exceptions.ReadTimeout as exc:
            raise NetworkError(
                f"{_host(url)} did not answer within {self.timeout[1]:g} s; "
                "try again later or raise --timeout"
            ) from exc
        except requests.exceptions.ProxyError as exc:
            raise NetworkError(f"the proxy refused the connection to {_host(url)}") from exc
        except requests.exceptions.ConnectionError as exc:
            raise NetworkError(
                f"cannot connect to {_host(url)}: {_reason(exc)}; check the endpoint URL"
            ) from exc
        except requests.exceptions.TooManyRedirects as exc:
            raise IdpResponseError(f"{_host(url)} redirected too many times") from exc
        except requests.exceptions.RequestException as exc:
            raise NetworkError(f"request to {_host(url)} failed: {_reason(exc)}") from exc

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        # Redirects come through here too, so this is the one place to enforce HTTPS.
        require_https(request.url or "")
        return super().send(request, **kwargs)

    def _on_response(self, response: requests.Response, **_: Any) -> requests.Response:
        log.debug(
            "%s %s -> HTTP %s",
            response.request.method,
            redact_url(response.url),
            response.status_code,
        )
        _read_bounded(response, self.max_body_bytes)
        return response


def _read_bounded(response: requests.Response, limit: int) -> None:
    """Load the body now, refusing more than ``limit`` bytes."""
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_content(chunk_size=64 * 1024):
        size += len(chunk)
        if size > limit:
            response.close()
            raise IdpResponseError(
                f"{_host(response.url)} sent more than {limit // 1024 // 1024} MiB; "
                "that is not a login page"
            )
        chunks.append(chunk)
    # requests keeps a loaded body in _content; setting it is how a bounded read is
    # handed back without reading the stream twice.
    response._content = b"".join(chunks)


def _host(url: str | bytes) -> str:
    text = url.decode("utf-8", "replace") if isinstance(url, bytes) else url
    return urlsplit(text).netloc or text


def _reason(exc: BaseException) -> str:
    """A short cause for ``exc``. requests' own message embeds the full URL, query
    (and so Okta's one-time token) included, so it is never shown as it is."""
    text = str(exc)
    for marker, reason in _KNOWN_REASONS:
        if marker in text:
            return reason
    inner: BaseException = exc
    for _ in range(10):  # walk to the root cause, bounded
        nxt = inner.__cause__ or inner.__context__
        if nxt is None:
            break
        inner = nxt
    return type(inner).__name__


_KNOWN_REASONS = (
    ("CERTIFICATE_VERIFY_FAILED", "certificate verify failed (unknown authority or wrong host)"),
    ("Connection refused", "connection refused"),
    ("Name or service not known", "host name not found"),
    ("nodename nor servname", "host name not found"),
    ("Temporary failure in name resolution", "host name not found"),
    ("RemoteDisconnected", "the server closed the connection"),
)


def json_body(response: requests.Response) -> Mapping[str, Any]:
    """The response's JSON object, or IdpResponseError if it is not one."""
    try:
        body = response.json()
    except ValueError as exc:
        raise IdpResponseError(
            f"{_host(response.url)} answered HTTP {response.status_code} with something "
            "that is not JSON; is the endpoint right?"
        ) from exc
    if not isinstance(body, dict):
        raise IdpResponseError(f"{_host(response.url)} answered JSON that is not an object")
    return body


def text_body(response: requests.Response) -> str:
    """The body as text: the charset the server named, else UTF-8 (requests' own
    guess is slow on large pages and wrong for HTML without a charset)."""
    content_type = response.headers.get("Content-Type", "")
    charset = "utf-8"
    for parameter in content_type.split(";")[1:]:
        key, _, value = parameter.strip().partition("=")
        if key.lower() == "charset" and value:
            charset = value.strip("\"'")
    try:
        return response.content.decode(charset, errors="replace")
    except LookupError:
        return response.content.decode("utf-8", errors="replace")
