"""The one HTTP session every authenticator uses, with our safety rules built in.

- HTTPS only, checked on every request *and* every redirect (in ``send``), so an IdP
  page cannot bounce the password or a token to a plain-text URL.
- One deadline per ``request`` call (``--timeout``) for the whole exchange: connect,
  TLS, status line, headers, body and redirects. A server that drips its answer a byte
  at a time is cut off as surely as one that never answers (see ``deadline``).
- A redirect never carries a request body (the password form) to another origin:
  browsers re-post on 307/308, we refuse instead.
- Bodies read up to a bound: an IdP answer is hostile input.
- ``-v`` logs method, URL without its query (Okta puts one-time tokens there) and status.
- TLS verification, ``REQUESTS_CA_BUNDLE`` and proxy variables work as in requests.

requests errors are turned into our NetworkError here, in one place.
"""

from __future__ import annotations

import time
from typing import Any

import requests

from awsprocesscreds import __version__
from awsprocesscreds.bodies import json_body, text_body
from awsprocesscreds.deadline import DeadlineContext, deadline_context
from awsprocesscreds.errors import (
    AwsProcessCredsError,
    IdpResponseError,
    NetworkError,
)
from awsprocesscreds.logs import install_pending, logger
from awsprocesscreds.stdhttp import reason_of as _reason
from awsprocesscreds.stdhttp import too_slow as _too_slow
from awsprocesscreds.urls import host_of as _host
from awsprocesscreds.urls import origin as _origin
from awsprocesscreds.urls import redact_url, require_https, site_of

__all__ = [
    "IdpSession",
    "json_body",
    "redact_url",
    "require_https",
    "site_of",
    "text_body",
]

log = logger(__name__)

DEFAULT_CONNECT_TIMEOUT = 10.0
#: The bound on a whole exchange (``--timeout``), each redirect included.
DEFAULT_READ_TIMEOUT = 30.0
#: Real login pages are tens of kilobytes; a SAML page with many roles a few hundred.
MAX_BODY_BYTES = 5 * 1024 * 1024


class IdpSession(requests.Session):
    """A requests session with HTTPS-only, a deadline per exchange, bounded bodies and
    no request body sent to another origin on a redirect."""

    def __init__(
        self,
        connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
        read_timeout: float = DEFAULT_READ_TIMEOUT,
        max_body_bytes: int = MAX_BODY_BYTES,
    ) -> None:
        install_pending()  # requests and urllib3 log: the CLI's handler first (see ``logs``)
        super().__init__()
        self.timeout = (connect_timeout, read_timeout)
        self.max_body_bytes = max_body_bytes
        default_agent = requests.utils.default_user_agent()
        self.headers["User-Agent"] = f"awsprocesscreds/{__version__} {default_agent}"
        self.hooks["response"].append(self._on_response)
        self._tls = deadline_context()
        self.mount("https://", DeadlineAdapter(self._tls))

    def request(
        self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any
    ) -> requests.Response:
        """Send one request, following redirects, and read its body, all within the
        read timeout. Raises NetworkError, IdpResponseError or ConfigurationError."""
        kwargs.setdefault("timeout", self.timeout)
        total = self.timeout[1]
        deadline = time.monotonic() + total
        try:
            with self._tls.deadline_in(total):
                return super().request(method, url, *args, **kwargs)
        except (requests.exceptions.Timeout, requests.exceptions.ConnectionError) as exc:
            if time.monotonic() < deadline:
                raise self._network_error(exc, url) from exc
            raise _too_slow(url, total) from exc
        except requests.exceptions.RequestException as exc:
            raise self._network_error(exc, url) from exc

    def _network_error(
        self, exc: requests.exceptions.RequestException, url: str | bytes
    ) -> AwsProcessCredsError:
        """Our error for a requests failure other than the deadline passing."""
        host = _host(url)
        if isinstance(exc, requests.exceptions.SSLError):
            return NetworkError(
                f"TLS verification failed for {host}: {_reason(exc)}; if your company "
                "uses its own certificate authority, point REQUESTS_CA_BUNDLE at it"
            )
        if isinstance(exc, requests.exceptions.ConnectTimeout):
            return NetworkError(
                f"timed out connecting to {host} after {self.timeout[0]:g} s; "
                "check the endpoint and your network or proxy settings"
            )
        if isinstance(exc, requests.exceptions.ReadTimeout):
            return _too_slow(url, self.timeout[1])
        if isinstance(exc, requests.exceptions.ProxyError):
            return NetworkError(f"the proxy refused the connection to {host}")
        if isinstance(exc, requests.exceptions.ConnectionError):
            return NetworkError(f"cannot connect to {host}: {_reason(exc)}; check the endpoint URL")
        if isinstance(exc, requests.exceptions.TooManyRedirects):
            return IdpResponseError(f"{host} redirected too many times")
        return NetworkError(f"request to {host} failed: {_reason(exc)}")

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        # Redirects come through here too, so this is the one place to enforce HTTPS.
        require_https(request.url or "")
        return super().send(request, **kwargs)

    def rebuild_auth(
        self, prepared_request: requests.PreparedRequest, response: requests.Response
    ) -> None:
        """Called by requests for every redirect it follows, with the next request
        built. A 307/308 keeps the method and body (the posted password, a code): that
        body may only go back to the origin it was sent to. Raises IdpResponseError."""
        if prepared_request.body is not None:
            source = _origin(response.request.url or "")
            target = _origin(prepared_request.url or "")
            if source != target:
                raise IdpResponseError(
                    f"{source[1]} redirected the submitted form (HTTP {response.status_code}) "
                    f"to another host, {target[1] or '?'}; refusing to send it there"
                )
        super().rebuild_auth(prepared_request, response)  # type: ignore[no-untyped-call]

    def _on_response(self, response: requests.Response, **_: Any) -> requests.Response:
        log.debug(
            "%s %s -> HTTP %s",
            response.request.method,
            redact_url(response.url),
            response.status_code,
        )
        _read_bounded(response, self.max_body_bytes)
        return response


class DeadlineAdapter(requests.adapters.HTTPAdapter):
    """An adapter whose HTTPS connections (direct or through a proxy's CONNECT
    tunnel) use ``context``."""

    def __init__(self, context: DeadlineContext) -> None:
        self.context = context
        super().__init__()

    def build_connection_pool_key_attributes(
        self, request: requests.PreparedRequest, verify: Any, cert: Any = None
    ) -> Any:
        host_params, pool_kwargs = super().build_connection_pool_key_attributes(
            request, verify, cert
        )
        if host_params.get("scheme") == "https":
            # requests' documented hook for a custom context; CA bundles named by
            # ``verify``/REQUESTS_CA_BUNDLE are still loaded into it by urllib3.
            pool_kwargs["ssl_context"] = self.context
        return host_params, pool_kwargs


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
