"""Shared HTTPS plumbing for the identity-provider emulators.

An emulator subclasses `EmulatorServer` and implements `handle(request) -> Response`;
it never touches sockets, threads or TLS. The base class listens on 127.0.0.1 on an
ephemeral port, answers each connection in a daemon thread (TLS handshake included, so
a stuck client cannot block the others), keeps thread-safe counters and the list of
requests seen, and offers a `hang` mode in which every request is read and then never
answered until `stop()`.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar, cast, overload
from urllib.parse import parse_qs, urlsplit

from tests.emulators.messages import Request, Response, parse_cookies
from tests.emulators.service import Service
from tests.emulators.tls import TestTls

MAX_BODY_BYTES = 1_000_000
_S = TypeVar("_S", bound="EmulatorServer")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle's algorithm the second waits
    # for the client's delayed ACK, about 40 ms a request.
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        """Stay silent: tests own stdout and stderr."""

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_HEAD(self) -> None:
        self._serve()

    def _serve(self) -> None:
        emulator = cast(_TlsServer, self.server).emulator
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY_BYTES:
            self.close_connection = True  # the unread body must not be parsed as a request
            self._send(Response.html("bad Content-Length", 400))
            return
        split = urlsplit(self.path)
        request = Request(
            method=self.command,
            path=split.path,
            query=parse_qs(split.query, keep_blank_values=True),
            headers={name.lower(): value for name, value in self.headers.items()},
            body=self.rfile.read(length),
            cookies=parse_cookies(self.headers.get("Cookie", "")),
        )
        response = emulator._respond(request)
        if response is None:
            self.close_connection = True
            return
        self._send(response)

    def _send(self, response: Response) -> None:
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        for name, value in response.headers:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)


class _TlsServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, emulator: EmulatorServer, context: ssl.SSLContext, timeout: float):
        self.emulator = emulator
        self.context = context
        self.io_timeout = timeout
        super().__init__(("127.0.0.1", 0), _Handler)

    def finish_request(self, request: Any, client_address: Any) -> None:
        # The handshake runs here, in the connection's own thread, not in accept().
        request.settimeout(self.io_timeout)
        try:
            connection = self.context.wrap_socket(request, server_side=True)
        except OSError:
            return
        self.emulator._track(connection, True)
        try:
            _Handler(connection, client_address, self)
        except OSError:
            pass
        finally:
            self.emulator._track(connection, False)
            connection.close()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Stay silent; handler exceptions are recorded by the emulator instead."""


class Count:
    """A read-only counter attribute: `logins = Count()` reads the counter "logins"."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, obj: None, objtype: type | None = None) -> Count: ...
    @overload
    def __get__(self, obj: EmulatorServer, objtype: type | None = None) -> int: ...
    def __get__(self, obj: EmulatorServer | None, objtype: type | None = None) -> int | Count:
        return self if obj is None else obj._count(self.name)


class EmulatorServer(Service):
    """Base of every HTTPS emulator: start/stop, URL, hang mode, counters, request log.

    Subclasses implement `handle()` and may use `self._lock` (re-entrant) to guard
    their own state, `self._bump(name)` to count and `Count()` attributes to expose
    counters. `logins` (assertion pages served) is common to all identity providers.
    `stop()` returns within about `io_timeout` seconds at worst, hang mode included.
    """

    def __init__(
        self,
        tls: TestTls,
        *,
        hang: bool = False,
        hang_limit: float = 60.0,
        io_timeout: float = 10.0,
    ) -> None:
        self._tls = tls
        self._hang = hang
        self._hang_limit = hang_limit
        self._io_timeout = io_timeout
        self._lock = threading.RLock()
        self._counts: Counter[str] = Counter()
        self._seen: list[tuple[str, str]] = []
        self._errors: list[BaseException] = []
        self._connections: set[socket.socket] = set()
        self._stopping = threading.Event()
        self._server: _TlsServer | None = None
        self._thread: threading.Thread | None = None

    def handle(self, request: Request) -> Response:
        """Answer one request. Subclasses override; exceptions become HTTP 500."""
        raise NotImplementedError

    def start(self) -> None:
        """Bind 127.0.0.1:0 and serve in a daemon thread. Raises RuntimeError if running."""
        if self._server is not None:
            raise RuntimeError("emulator already started")
        self._stopping.clear()
        self._server = _TlsServer(self, self._tls.server_context(), self._io_timeout)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"{type(self).__name__}-{self.port}",
            daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop serving, release hung requests and drop open connections. Idempotent."""
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        self._stopping.set()
        server.shutdown()
        server.server_close()
        with self._lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        thread.join(timeout=self._io_timeout)
        self._server = self._thread = None

    logins = Count()

    @property
    def port(self) -> int:
        """The bound port. Raises RuntimeError before start()."""
        if self._server is None:
            raise RuntimeError("emulator not started")
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        """Base URL, `https://127.0.0.1:PORT` (no trailing slash)."""
        return f"https://127.0.0.1:{self.port}"

    @property
    def ca_file(self) -> str:
        """Path of the CA certificate that signed this server's certificate."""
        return str(self._tls.ca_file)

    @property
    def hang(self) -> bool:
        """When true, each new request is read and never answered (until stop())."""
        return self._hang

    @hang.setter
    def hang(self, value: bool) -> None:
        self._hang = value

    @property
    def requests_seen(self) -> list[tuple[str, str]]:
        """Copy of (method, path without query) for every request received."""
        with self._lock:
            return list(self._seen)

    @property
    def errors(self) -> list[BaseException]:
        """Copy of the exceptions raised by `handle()` (each answered with HTTP 500)."""
        with self._lock:
            return list(self._errors)

    def _bump(self, name: str) -> int:
        with self._lock:
            self._counts[name] += 1
            return self._counts[name]

    def _count(self, name: str) -> int:
        with self._lock:
            return self._counts[name]

    def _track(self, connection: socket.socket, open_: bool) -> None:
        with self._lock:
            if open_:
                self._connections.add(connection)
            else:
                self._connections.discard(connection)

    def _respond(self, request: Request) -> Response | None:
        with self._lock:
            self._seen.append((request.method, request.path))
        if self._hang:
            self._stopping.wait(self._hang_limit)
            return None
        try:
            return self.handle(request)
        except Exception as exc:  # an emulator bug must not kill the thread
            with self._lock:
                self._errors.append(exc)
            return Response.html(f"emulator error: {type(exc).__name__}", 500)
