"""A local STS (moto) on loopback, for AssumeRoleWithSAML end-to-end tests.

Contract: `MotoSts` starts moto's threaded server on 127.0.0.1 with an ephemeral port;
point `AWS_ENDPOINT_URL_STS` (or a client's `endpoint_url`) at `url`. moto checks almost
nothing: no signature, no role/provider match; it crashes (HTTP 500) on a multi-valued
Role attribute. Its state (assumed roles) is process-wide, shared by all instances.

moto's web server (werkzeug) logs every request, and each crash with its traceback, to
stderr; with `quiet=True` (default) the "werkzeug" logger is disabled while the server
runs and restored by stop().
"""

from __future__ import annotations

import logging

from moto.server import ThreadedMotoServer

from tests.emulators.service import Service


class MotoSts(Service):
    """Context manager around `moto.server.ThreadedMotoServer`; start()/stop() too."""

    def __init__(self, *, quiet: bool = True) -> None:
        self._quiet = quiet
        self._server: ThreadedMotoServer | None = None
        self._logger_was_disabled = False

    def start(self) -> None:
        """Start serving. Raises RuntimeError if already started."""
        if self._server is not None:
            raise RuntimeError("moto STS already started")
        if self._quiet:
            logger = logging.getLogger("werkzeug")
            self._logger_was_disabled, logger.disabled = logger.disabled, True
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        self._server = server

    def stop(self) -> None:
        """Stop serving. Idempotent."""
        server, self._server = self._server, None
        if server is not None:
            server.stop()
            if self._quiet:
                logging.getLogger("werkzeug").disabled = self._logger_was_disabled

    @property
    def url(self) -> str:
        """`http://127.0.0.1:PORT`. Raises RuntimeError before start()."""
        if self._server is None:
            raise RuntimeError("moto STS not started")
        host, port = self._server.get_host_and_port()
        return f"http://{host}:{port}"
