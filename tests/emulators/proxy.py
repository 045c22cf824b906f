"""A CONNECT proxy on 127.0.0.1 that only tunnels to 127.0.0.1 and counts tunnels,
to check that HTTPS_PROXY is honoured like requests does."""

from __future__ import annotations

import contextlib
import select
import socket
import socketserver
import threading

from tests.emulators.service import Service

IDLE_TIMEOUT = 10.0


class _Tunnel(socketserver.BaseRequestHandler):
    server: _ProxyServer

    def handle(self) -> None:
        client: socket.socket = self.request
        client.settimeout(IDLE_TIMEOUT)
        head = b""
        while b"\r\n\r\n" not in head and len(head) < 65536:
            chunk = client.recv(4096)
            if not chunk:
                return
            head += chunk
        method, target, *_ = head.split(b"\r\n", 1)[0].decode("latin-1").split(" ")
        host, _, port = target.rpartition(":")
        if method != "CONNECT" or host not in ("127.0.0.1", "localhost"):
            client.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
            return
        authorization = next(
            (
                line.split(b":", 1)[1].strip().decode("latin-1")
                for line in head.split(b"\r\n")[1:]
                if line.lower().startswith(b"proxy-authorization:")
            ),
            None,
        )
        with self.server.lock:
            self.server.tunnels.append(target)
            self.server.authorizations.append(authorization)
        upstream = socket.create_connection(("127.0.0.1", int(port)), timeout=IDLE_TIMEOUT)
        with upstream:
            client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
            self._pipe(client, upstream)

    @staticmethod
    def _pipe(a: socket.socket, b: socket.socket) -> None:
        for _ in range(100_000):  # bounded: a login is a few hundred chunks
            ready, _, _ = select.select([a, b], [], [], IDLE_TIMEOUT)
            if not ready:
                return
            for source in ready:
                data = source.recv(65536)
                if not data:
                    return
                (b if source is a else a).sendall(data)


class _ProxyServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Tunnel)
        self.lock = threading.Lock()
        self.tunnels: list[str] = []
        #: The Proxy-Authorization header of each CONNECT (None when there was none).
        self.authorizations: list[str | None] = []


class ConnectProxy(Service):
    """Context manager: `url` for HTTPS_PROXY, `tunnels` lists the CONNECT targets and
    `authorizations` their Proxy-Authorization headers."""

    def __init__(self) -> None:
        self._server = _ProxyServer()
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def tunnels(self) -> list[str]:
        with self._server.lock:
            return list(self._server.tunnels)

    @property
    def authorizations(self) -> list[str | None]:
        with self._server.lock:
            return list(self._server.authorizations)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        with contextlib.suppress(OSError):
            self._server.server_close()
