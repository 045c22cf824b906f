"""A deadline for a whole HTTPS exchange, not just for each socket read.

A socket timeout bounds one read: a server that drips a byte a second never trips it.
The TLS sockets made here look at their context's deadline before every read, write
and handshake, and shorten their own timeout to what is left of it, so the whole
exchange (handshake, request, status line, headers and body, redirects included) ends
by the deadline. Reading past it raises ``TimeoutError``, which urllib3 and requests
turn into their read-timeout errors, and ``stdhttp`` into NetworkError.

Plain-HTTP sockets get no deadline: ``IdpSession`` sends nothing over plain HTTP.
"""

from __future__ import annotations

import contextlib
import ssl
import time
from collections.abc import Iterator
from typing import Any


class DeadlineSocket(ssl.SSLSocket):
    """A TLS socket whose every blocking call ends by its context's deadline."""

    def _bound(self) -> None:
        context = self.context
        deadline = context.deadline if isinstance(context, DeadlineContext) else None
        if deadline is None:
            return
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("the deadline for this exchange has passed")
        current = self.gettimeout()
        if current is None or current > remaining:
            self.settimeout(remaining)

    def do_handshake(self, block: bool = False) -> None:
        self._bound()
        super().do_handshake(block)

    def recv(self, buflen: int = 1024, flags: int = 0) -> bytes:
        self._bound()
        return super().recv(buflen, flags)

    def recv_into(self, buffer: Any, nbytes: int | None = None, flags: int = 0) -> int:
        self._bound()
        return super().recv_into(buffer, nbytes, flags)

    def read(self, len: int = 1024, buffer: Any = None) -> Any:
        self._bound()
        return super().read(len, buffer)

    def send(self, data: Any, flags: int = 0) -> int:
        self._bound()
        return super().send(data, flags)

    def sendall(self, data: Any, flags: int = 0) -> None:
        self._bound()
        super().sendall(data, flags)


class DeadlineContext(ssl.SSLContext):
    """urllib3's TLS settings, making DeadlineSockets bound by ``deadline``
    (``time.monotonic()`` seconds, or None for no deadline)."""

    sslsocket_class = DeadlineSocket
    deadline: float | None = None

    @contextlib.contextmanager
    def deadline_in(self, seconds: float) -> Iterator[None]:
        """Bound every exchange inside the block to end ``seconds`` from now."""
        self.deadline = time.monotonic() + seconds
        try:
            yield
        finally:
            self.deadline = None


def deadline_context() -> DeadlineContext:
    """A verifying client context with urllib3's settings (TLS 1.2 or later, no
    compression, no session tickets)."""
    context = DeadlineContext(ssl.PROTOCOL_TLS_CLIENT)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.options |= ssl.OP_NO_COMPRESSION | ssl.OP_NO_TICKET
    return context
