"""HTTP with the standard library alone, for what a refresh sends: the STS call, and
the one GET that tries a kept IdP session. Importing requests (and botocore, before)
cost more than the whole refresh; sign-ins keep ``http.IdpSession``.

The rules are those of ``IdpSession`` where they apply, and the environment is read
as requests and botocore read it:

- one deadline for a whole exchange, redirects included (``deadline.DeadlineContext``
  bounds every TLS read and write), and bodies read up to a bound;
- the CA bundle: the first of the variables the caller names that is set, else
  certifi's (which requests and botocore use), else the system's; each bundle is
  loaded once per run (``trusting``), so the IdP and STS cost one load of it;
- proxies from ``https_proxy`` / ``http_proxy`` / ``all_proxy`` (lower case first),
  ``no_proxy`` honoured, CONNECT tunnels for HTTPS;
- redirects of a GET are followed (at most MAX_REDIRECTS), on the same connection
  while they stay on its origin (a refresh's redirect costs no second TLS handshake),
  and only to https:// when the caller says so (``https_only``); cookies go through a
  ``CookieJar`` as a browser's would.

Network failures become NetworkError with a cause that never quotes the URL.
"""

from __future__ import annotations

import functools
import http.client
import importlib.util
import os
import ssl
import urllib.request
from collections.abc import Mapping, Sequence
from http.cookiejar import CookieJar
from typing import NamedTuple
from urllib.parse import urljoin, urlsplit

from awsprocesscreds.bodies import decoded
from awsprocesscreds.connections import Connections
from awsprocesscreds.deadline import DeadlineContext, deadline_context
from awsprocesscreds.errors import ConfigurationError, NetworkError, Unreachable
from awsprocesscreds.logs import logger
from awsprocesscreds.urls import host_of, redact_url, require_https

log = logger(__name__)

MAX_REDIRECTS = 10


class Answer(NamedTuple):
    """What a server answered, whatever the status: the final URL after redirects,
    the status, the headers (names in lower case) and the (bounded) body."""

    url: str
    status: int
    headers: Mapping[str, str]
    body: bytes

    def text(self) -> str:
        """The body as text: the charset the server named, else UTF-8."""
        return decoded(self.body, self.headers.get("content-type", ""))


class Client(NamedTuple):
    """How to reach one service: its CA bundle, proxies, deadline and bounds.

    ``ca_names`` are the variables naming a CA bundle, in the order they win;
    ``hint`` ends a TLS failure's message (which variable to set)."""

    env: Mapping[str, str]
    ca_names: Sequence[str]
    timeout: float = 30.0
    max_body: int = 5 * 1024 * 1024
    https_only: bool = False
    hint: str = ""

    def send(
        self,
        method: str,
        url: str,
        *,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        cookies: CookieJar | None = None,
    ) -> Answer:
        """One exchange within ``timeout``, redirects of a GET followed over the same
        connection when they stay on its origin. Raises NetworkError when no answer
        came, ConfigurationError for a URL that is not http(s) (not https under
        ``https_only``, redirects included) or an unreadable CA bundle."""
        self._check(url)
        context = self._tls()
        connections = Connections(self.env, context, self.timeout)
        try:
            with context.deadline_in(self.timeout):
                answer = self._exchange(
                    connections, method, url, body=body, headers=headers or {}, cookies=cookies
                )
        except (OSError, http.client.HTTPException) as exc:
            raise self._failure(url, exc) from exc
        finally:
            connections.close()
        log.debug("%s %s -> HTTP %s", method, redact_url(answer.url), answer.status)
        return answer

    def _check(self, url: str) -> None:
        if self.https_only:
            require_https(url)
        elif urlsplit(url).scheme.lower() not in ("http", "https"):
            raise ConfigurationError(f"{redact_url(url)!r} is not an http:// or https:// URL")

    def _exchange(
        self,
        connections: Connections,
        method: str,
        url: str,
        *,
        body: bytes | None,
        headers: Mapping[str, str],
        cookies: CookieJar | None,
    ) -> Answer:
        for _ in range(MAX_REDIRECTS + 1):  # bounded
            # A urllib Request only to let the cookie jar pick and take cookies.
            request = urllib.request.Request(url, method=method)  # noqa: S310 (http(s) only)
            if cookies is not None:
                cookies.add_cookie_header(request)
            sent = {**headers, **request.unredirected_hdrs}
            if body is not None:
                sent["Content-Length"] = str(len(body))
            connection, target = connections.open(url)
            reused = connection.sock is not None
            try:
                connection.request(method, target, body=body, headers=sent)
                response = connection.getresponse()
            except _STALE as exc:
                # A server may close a kept-alive connection between two requests:
                # an idempotent request goes once more, on a fresh connection.
                if not reused or method not in ("GET", "HEAD"):
                    raise
                log.debug("the connection was closed (%s); connecting again", type(exc).__name__)
                connection.close()
                connection.request(method, target, body=body, headers=sent)
                response = connection.getresponse()
            content = response.read(self.max_body + 1)
            if len(content) > self.max_body:
                raise _TooLarge(host_of(url), self.max_body)
            if cookies is not None:
                cookies.extract_cookies(response, request)
            location = response.getheader("Location")
            if response.status in _REDIRECTS and location and method in ("GET", "HEAD"):
                url = urljoin(url, location)
                self._check(url)
                continue
            answer_headers = {key.lower(): value for key, value in response.getheaders()}
            return Answer(url, response.status, answer_headers, content)
        raise NetworkError(f"{host_of(url)} redirected more than {MAX_REDIRECTS} times")

    def _tls(self) -> DeadlineContext:
        named = next(((name, self.env[name]) for name in self.ca_names if self.env.get(name)), None)
        where = named[1] if named else certifi_bundle()
        try:
            return trusting(where)
        except (OSError, ssl.SSLError) as exc:
            source = f"{named[0]} names" if named else "certifi's bundle is"
            raise ConfigurationError(
                f"cannot read the CA bundle {source} {where!r}: {exc.strerror or exc}"
                if isinstance(exc, OSError) and not isinstance(exc, ssl.SSLError)
                else f"cannot read the CA bundle {source} {where!r}: not a PEM file"
            ) from exc

    def _failure(self, url: str, exc: BaseException) -> NetworkError:
        if isinstance(exc, _TooLarge):
            return NetworkError(
                f"{exc.host} sent more than {exc.limit // 1024 // 1024} MiB; "
                "that is not what was asked for"
            )
        host = host_of(url)
        if isinstance(exc, ssl.SSLCertVerificationError) or (
            isinstance(exc, ssl.SSLError) and "CERTIFICATE_VERIFY_FAILED" in str(exc)
        ):
            return NetworkError(
                f"TLS verification failed for {host}: certificate verify failed "
                f"(unknown authority or wrong host){self.hint}"
            )
        if isinstance(exc, TimeoutError):
            return too_slow(url, self.timeout)
        if isinstance(exc, http.client.HTTPException) and not isinstance(exc, ConnectionError):
            # A status line or headers that are not HTTP (or too long): an answer came,
            # so sending the same request again would get the same.
            return NetworkError(f"{host} answered something that is not HTTP ({reason_of(exc)})")
        return Unreachable(f"cannot connect to {host}: {reason_of(exc)}")


def trusting(where: str | None) -> DeadlineContext:
    """A verifying context that trusts the CA bundle at ``where`` (a PEM file, or a
    hashed directory; None: the system's certificates). One per bundle and process,
    while the file stays as it was: OpenSSL parses every certificate of a bundle as it
    loads it (about 15 ms for certifi's), and a refresh reaches the IdP and STS through
    the same one. Raises OSError or ssl.SSLError for a bundle it cannot read (never
    remembered)."""
    if where is None:
        return _trusting(None, None)
    status = os.stat(where)
    return _trusting(where, (status.st_ino, status.st_size, status.st_mtime_ns))


@functools.lru_cache(maxsize=8)
def _trusting(where: str | None, version: tuple[int, int, int] | None) -> DeadlineContext:
    context = deadline_context()
    if where is None:
        context.load_default_certs()
    elif os.path.isdir(where):
        context.load_verify_locations(capath=where)
    else:
        context.load_verify_locations(cafile=where)
    return context


def certifi_bundle() -> str | None:
    """The path of certifi's CA bundle, found without importing certifi (whose
    import costs more than this whole module's), or None."""
    spec = importlib.util.find_spec("certifi")
    if spec is None or spec.origin is None:
        return None
    path = os.path.join(os.path.dirname(spec.origin), "cacert.pem")
    return path if os.path.isfile(path) else None


_REDIRECTS = frozenset({301, 302, 303, 307, 308})
#: What reusing a connection the server closed meanwhile raises.
_STALE = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)


class _TooLarge(OSError):
    def __init__(self, host: str, limit: int) -> None:
        super().__init__(host)
        self.host = host
        self.limit = limit


def too_slow(url: str | bytes, seconds: float) -> NetworkError:
    """The error for a server that did not answer ``url`` within ``seconds`` (the
    deadline of one exchange), for this client and ``http.IdpSession`` alike."""
    return NetworkError(
        f"{host_of(url)} did not answer within {seconds:g} s; try again later or raise --timeout"
    )


def reason_of(exc: BaseException) -> str:
    """A short cause for ``exc``. Library messages may embed a full URL, query (and
    so one-time tokens) included, so they are never shown as they are."""
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
