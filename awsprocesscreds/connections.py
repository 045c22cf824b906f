"""The connections of one ``stdhttp`` exchange: one per origin, kept open across
redirects, each direct or through the proxy the environment names for its host."""

from __future__ import annotations

import base64
import http.client
import ssl
import urllib.request
from collections.abc import Mapping
from urllib.parse import unquote, urlsplit, urlunsplit


class Connections:
    """One connection per origin, kept open across redirects; through the proxy of
    ``env`` unless ``no_proxy`` names the host (as requests reads them: lower case
    first, then upper case, then ``all_proxy``)."""

    def __init__(self, env: Mapping[str, str], context: ssl.SSLContext, timeout: float) -> None:
        self.env = env
        self.context = context
        self.timeout = timeout
        self.open_ones: dict[str, http.client.HTTPConnection] = {}

    def open(self, url: str) -> tuple[http.client.HTTPConnection, str]:
        """The connection for ``url``'s origin, and the request target to send."""
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        host, port = parts.hostname or "", parts.port or (443 if scheme == "https" else 80)
        target = urlunsplit(("", "", parts.path or "/", parts.query, ""))
        proxy = self._proxy(scheme, host)
        origin = f"{scheme}://{host}:{port}"
        connection = self.open_ones.get(origin)
        if connection is None:
            connection = self._connect(scheme, host, port, proxy)
            self.open_ones[origin] = connection
        if proxy is not None and scheme == "http":
            target = urlunsplit((scheme, f"{host}:{port}", parts.path or "/", parts.query, ""))
        return connection, target

    def close(self) -> None:
        for connection in self.open_ones.values():
            connection.close()

    def _connect(
        self, scheme: str, host: str, port: int, proxy: str | None
    ) -> http.client.HTTPConnection:
        if proxy is None:
            if scheme == "https":
                return http.client.HTTPSConnection(
                    host, port, timeout=self.timeout, context=self.context
                )
            return http.client.HTTPConnection(host, port, timeout=self.timeout)
        via = urlsplit(proxy if "://" in proxy else f"http://{proxy}")
        proxy_host, proxy_port = via.hostname or "", via.port or 8080
        if scheme == "http":
            return http.client.HTTPConnection(proxy_host, proxy_port, timeout=self.timeout)
        connection = http.client.HTTPSConnection(
            proxy_host, proxy_port, timeout=self.timeout, context=self.context
        )
        tunnel_headers = {}
        if via.username is not None:
            user_pass = f"{unquote(via.username)}:{unquote(via.password or '')}"
            token = base64.b64encode(user_pass.encode("utf-8")).decode("ascii")
            tunnel_headers["Proxy-Authorization"] = f"Basic {token}"
        connection.set_tunnel(host, port, headers=tunnel_headers)
        return connection

    def _proxy(self, scheme: str, host: str) -> str | None:
        env = self.env
        no_proxy = env.get("no_proxy") or env.get("NO_PROXY") or ""
        # Typeshed lacks proxy_bypass_environment; urllib has had it since 3.3.
        bypass = getattr(urllib.request, "proxy_bypass_environment")  # noqa: B009
        if no_proxy and bypass(host, {"no": no_proxy}):
            return None
        for name in (f"{scheme}_proxy", f"{scheme.upper()}_PROXY", "all_proxy", "ALL_PROXY"):
            if env.get(name):
                return env[name]
        return None
