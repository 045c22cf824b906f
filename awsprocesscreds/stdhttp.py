"""HTTP with the standard library alone, for what a refresh sends: the STS call, and
the one GET that tries a kept IdP session. Importing requests (and botocore, before)
cost more than the whole refresh; sign-ins keep ``http.IdpSession``.

The rules are those of ``IdpSession`` where they apply, and the environment is read
as requests and botocore read it:

- one deadline for a whole exchange, redirects included (``deadline.DeadlineContext``
  bounds every TLS read and write), and bodies read up to a bound;
- the CA bundle: the first of the variables the caller names that is set, else
  certifi's (which requests and botocore use), else the system's;
- proxies from ``https_proxy`` / ``http_proxy`` / ``all_proxy`` (lower case first),
  ``no_proxy`` honoured, CONNECT tunnels for HTTPS;
- a redirect may lead only to https:// when the caller says so (``https_only``).

Network failures become NetworkError with a cause that never quotes the URL.
"""

from __future__ import annotations

import http.client
import importlib.util
import logging
import os
import ssl
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from http.cookiejar import CookieJar
from typing import IO, Any
from urllib.parse import urlsplit

from awsprocesscreds.deadline import DeadlineContext, deadline_context
from awsprocesscreds.errors import ConfigurationError, NetworkError, Unreachable
from awsprocesscreds.urls import host_of, redact_url, require_https

log = logging.getLogger(__name__)

MAX_REDIRECTS = 10


@dataclass(frozen=True)
class Answer:
    """What a server answered, whatever the status: the final URL after redirects,
    the status, the headers and the (bounded) body."""

    url: str
    status: int
    headers: Mapping[str, str]
    body: bytes

    def text(self) -> str:
        """The body as text: the charset the server named, else UTF-8."""
        charset = "utf-8"
        for parameter in self.headers.get("Content-Type", "").split(";")[1:]:
            key, _, value = parameter.strip().partition("=")
            if key.lower() == "charset" and value:
                charset = value.strip("\"'")
        try:
            return self.body.decode(charset, errors="replace")
        except (LookupError, UnicodeError):
            return self.body.decode("utf-8", errors="replace")


@dataclass(frozen=True)
class Client:
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
        """One exchange, redirects followed (for GET), within ``timeout``. Raises
        NetworkError when no answer came, ConfigurationError for a non-https URL or
        redirect under ``https_only`` or an unreadable CA bundle."""
        if self.https_only:
            require_https(url)
        elif urlsplit(url).scheme.lower() not in ("http", "https"):
            raise ConfigurationError(f"{redact_url(url)!r} is not an http:// or https:// URL")
        context = self._tls()
        handlers: list[urllib.request.BaseHandler] = [
            urllib.request.HTTPSHandler(context=context),
            _Proxies(self.env),
            _Redirects(self.https_only),
        ]
        if cookies is not None:
            handlers.append(urllib.request.HTTPCookieProcessor(cookies))
        opener = urllib.request.build_opener(*handlers)
        # Only http(s) gets here (checked above): no file:// or custom schemes.
        request = urllib.request.Request(  # noqa: S310
            url, data=body, headers=dict(headers or {}), method=method
        )
        with context.deadline_in(self.timeout):
            try:
                with opener.open(request, timeout=self.timeout) as response:
                    answer = self._answer(response, response.status)
            except urllib.error.HTTPError as exc:
                answer = self._answer(exc, exc.code)
            except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
                raise self._failure(url, exc) from exc
        log.debug("%s %s -> HTTP %s", method, redact_url(answer.url), answer.status)
        return answer

    def _tls(self) -> DeadlineContext:
        context = deadline_context()
        named = next(((name, self.env[name]) for name in self.ca_names if self.env.get(name)), None)
        where = named[1] if named else certifi_bundle()
        try:
            if where is None:
                context.load_default_certs()
            elif os.path.isdir(where):
                context.load_verify_locations(capath=where)
            else:
                context.load_verify_locations(cafile=where)
        except (OSError, ssl.SSLError) as exc:
            source = f"{named[0]} names" if named else "certifi's bundle is"
            raise ConfigurationError(
                f"cannot read the CA bundle {source} {where!r}: {exc.strerror or exc}"
                if isinstance(exc, OSError) and not isinstance(exc, ssl.SSLError)
                else f"cannot read the CA bundle {source} {where!r}: not a PEM file"
            ) from exc
        return context

    def _answer(self, response: Any, status: int) -> Answer:
        body = _read(response, self.max_body)
        if body is None:
            raise NetworkError(
                f"{host_of(response.geturl())} sent more than "
                f"{self.max_body // 1024 // 1024} MiB; that is not what was asked for"
            )
        headers = {key: value for key, value in response.headers.items()}
        return Answer(response.geturl(), status, headers, body)

    def _failure(self, url: str, exc: BaseException) -> NetworkError:
        host = host_of(url)
        cause = exc.reason if isinstance(exc, urllib.error.URLError) else exc
        if isinstance(cause, ssl.SSLCertVerificationError) or (
            isinstance(cause, ssl.SSLError) and "CERTIFICATE_VERIFY_FAILED" in str(cause)
        ):
            return NetworkError(
                f"TLS verification failed for {host}: certificate verify failed "
                f"(unknown authority or wrong host){self.hint}"
            )
        if isinstance(cause, TimeoutError):
            return NetworkError(
                f"{host} did not answer within {self.timeout:g} s; try again later "
                "or raise --timeout"
            )
        why = reason_of(cause) if isinstance(cause, BaseException) else str(cause)
        return Unreachable(f"cannot connect to {host}: {why}")


def certifi_bundle() -> str | None:
    """The path of certifi's CA bundle, found without importing certifi (whose
    import costs more than this whole module's), or None."""
    spec = importlib.util.find_spec("certifi")
    if spec is None or spec.origin is None:
        return None
    path = os.path.join(os.path.dirname(spec.origin), "cacert.pem")
    return path if os.path.isfile(path) else None


def _read(response: IO[bytes], limit: int) -> bytes | None:
    """Up to ``limit`` bytes of the body; None when there is more."""
    body = response.read(limit + 1)
    return None if len(body) > limit else body


class _Proxies(urllib.request.ProxyHandler):
    """Proxies from ``env`` as requests reads them, ``no_proxy`` included (urllib's
    own handler would read ``no_proxy`` from the process environment instead)."""

    def __init__(self, env: Mapping[str, str]) -> None:
        proxies = {}
        for scheme in ("https", "http"):
            for name in (f"{scheme}_proxy", f"{scheme.upper()}_PROXY", "all_proxy", "ALL_PROXY"):
                if env.get(name):
                    proxies[scheme] = env[name]
                    break
        self.no_proxy = env.get("no_proxy") or env.get("NO_PROXY") or ""
        super().__init__(proxies)

    def proxy_open(self, req: urllib.request.Request, proxy: str, type: str) -> Any:
        # Typeshed lacks proxy_bypass_environment; urllib has had it since 3.3.
        bypass = getattr(urllib.request, "proxy_bypass_environment")  # noqa: B009
        if self.no_proxy and bypass(req.host, {"no": self.no_proxy}):
            return None
        return super().proxy_open(req, proxy, type)


class _Redirects(urllib.request.HTTPRedirectHandler):
    """urllib's redirects (GET only for 307/308), at most MAX_REDIRECTS, and only to
    https:// under ``https_only``."""

    max_redirections = MAX_REDIRECTS

    def __init__(self, https_only: bool) -> None:
        self.https_only = https_only

    def redirect_request(  # noqa: PLR0917 (urllib's signature)
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: Any,
        newurl: str,
    ) -> urllib.request.Request | None:
        if self.https_only:
            require_https(newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


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
