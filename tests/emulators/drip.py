"""An HTTPS server that answers every request a byte at a time (a slowloris in
reverse), to check that a client bounds the whole answer and not each read.

``part="headers"`` drips the status line and headers; ``part="body"`` sends the
headers at once and drips the body. A full answer takes ``ANSWER_BYTES * interval``
seconds; ``completed`` says whether any answer was sent to the end and ``bytes_sent``
how far the dripping got. Listens on 127.0.0.1 only; every loop is bounded.
"""

from __future__ import annotations

import contextlib
import socket
import threading

from tests.emulators.service import Service
from tests.emulators.tls import TestTls

ANSWER_BYTES = 600
_MAX_REQUEST_BYTES = 64 * 1024


class DripServer(Service):
    def __init__(self, tls: TestTls, *, part: str = "headers", interval: float = 0.05) -> None:
        if part not in ("headers", "body"):
            raise ValueError(f"part: unknown {part!r}, valid: ('headers', 'body')")
        self._tls = tls
        self.part = part
        self.interval = interval
        self.completed = False
        self.bytes_sent = 0
        self._stopping = threading.Event()
        self._listener: socket.socket | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        if self._listener is None:
            raise RuntimeError("server not started")
        return f"https://127.0.0.1:{self._listener.getsockname()[1]}"

    def start(self) -> None:
        listener = socket.create_server(("127.0.0.1", 0))
        listener.settimeout(0.1)
        self._listener = listener
        self._thread = threading.Thread(target=self._serve, name="drip", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self._listener is not None:
            self._listener.close()

    def answer(self) -> tuple[bytes, bytes]:
        """(sent at once, dripped): together an HTTP answer of an HTML page."""
        if self.part == "headers":
            padding = "x" * (ANSWER_BYTES - 120)
            head = (
                "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 2\r\n"
                f"X-Padding: {padding}\r\n\r\nok"
            )
            return b"", head.encode("ascii")
        body = b"<p>" + b"x" * (ANSWER_BYTES - 3)
        head = f"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {len(body)}\r\n\r\n"
        return head.encode("ascii"), body

    def _serve(self) -> None:
        assert self._listener is not None
        while not self._stopping.is_set():
            try:
                raw, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with contextlib.suppress(OSError), raw:
                raw.settimeout(5)
                with self._tls.server_context().wrap_socket(raw, server_side=True) as conn:
                    self._drip(conn)

    def _drip(self, conn: socket.socket) -> None:
        request = b""
        while b"\r\n\r\n" not in request and len(request) < _MAX_REQUEST_BYTES:
            chunk = conn.recv(4096)
            if not chunk:
                return
            request += chunk
        at_once, dripped = self.answer()
        conn.sendall(at_once)
        for index in range(len(dripped)):
            if self._stopping.wait(self.interval):
                return
            conn.sendall(dripped[index : index + 1])
            self.bytes_sent = index + 1
        self.completed = True
