"""Opening the person's browser: with a secret URL (the console sign-in URL) without
putting it where other programs can read it, and with a plain one (a sign-in page)
without letting the browser near our stdout or terminal.

A browser started with the URL on its command line keeps it there for as long as it
runs, and on most systems every local user can read a process's command line. So the
browser gets a one-time address on the loopback interface instead, which answers once,
with a redirect to the secret URL, and is closed as soon as it has answered (or when
the wait is over). The browser also inherits our environment: our own variables (the
password, the MFA code) are removed from it first.

A local HTML file that redirects was the other way out; it was not taken because
sandboxed browsers (snap, flatpak) cannot read files outside the home directory, and
the file would have to outlive this process, with no way to know when it was read.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import threading
from collections.abc import Mapping, MutableMapping
from http.server import BaseHTTPRequestHandler, HTTPServer

#: Our variables, which no child process has any use for.
OWN_ENV_PREFIX = "AWSPROCESSCREDS_"
#: How long the browser may take to start and fetch the one-time address.
BROWSER_WAIT_SECONDS = 120.0


class _OneTimeRedirect(HTTPServer):
    """Answers GET ``path`` once with a redirect to ``target``; anything else is 404."""

    def __init__(self, path: str, target: str) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.path = path
        self.target = target
        self.served = threading.Event()


class _Handler(BaseHTTPRequestHandler):
    server: _OneTimeRedirect
    # A client that connects and says nothing must not hold the server.
    timeout = 10

    def do_GET(self) -> None:
        if self.path != self.server.path or self.server.served.is_set():
            self.send_error(404)
            return
        self.server.served.set()
        self.send_response(303)
        self.send_header("Location", self.server.target)
        self.send_header("Cache-Control", "no-store")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        """Silent: the default writes every request line to stderr."""


def scrub_environment(environ: MutableMapping[str, str]) -> None:
    """Remove our variables (secrets among them) from ``environ``, which the browser
    and anything it starts will inherit."""
    for name in [name for name in environ if name.startswith(OWN_ENV_PREFIX)]:
        del environ[name]


def open_secret_url(
    url: str, environ: MutableMapping[str, str], wait: float = BROWSER_WAIT_SECONDS
) -> bool | None:
    """Open ``url`` in the browser Python's ``webbrowser`` picks, through a one-time
    loopback redirect, with our variables removed from ``environ`` (``os.environ``:
    what the browser inherits). True once the browser fetched it; False when no browser
    could be started; None when one started but did not fetch it within ``wait``."""
    import webbrowser

    scrub_environment(environ)
    with _OneTimeRedirect("/" + secrets.token_urlsafe(32), url) as server:
        worker = threading.Thread(target=server.serve_forever, args=(0.2,), daemon=True)
        worker.start()
        try:
            host, port = server.server_address[:2]
            # Some browser commands (BROWSER=...) return only when the browser exits,
            # so the redirect is served from another thread meanwhile.
            started = webbrowser.open(f"http://{host!s}:{port}{server.path}")
            if server.served.wait(wait if started else 0):
                return True
            return None if started else False
        finally:
            server.shutdown()
            worker.join(timeout=5)


def can_show(environ: Mapping[str, str]) -> bool:
    """Whether a graphical browser can be expected here: always on macOS and Windows;
    elsewhere only with ``BROWSER`` set or a display (without one, ``webbrowser``
    falls back to text browsers that would take over the terminal)."""
    if sys.platform == "darwin" or os.name == "nt":
        return True
    return any(environ.get(name) for name in ("BROWSER", "DISPLAY", "WAYLAND_DISPLAY"))


def open_in_background(url: str, environ: Mapping[str, str]) -> bool:
    """Open ``url`` with Python's ``webbrowser`` (which honours ``BROWSER``), run in a
    child process of its own: stdin, stdout and stderr point nowhere (stdout carries
    our JSON; a browser that writes there would break it), it has no terminal, our
    variables are removed from its environment, and nobody waits for it (some browser
    commands return only when the browser exits). False when no browser can be
    expected here or the child cannot be started."""
    if not can_show(environ):
        return False
    child_env = {k: v for k, v in environ.items() if not k.startswith(OWN_ENV_PREFIX)}
    try:
        subprocess.Popen(  # noqa: S603 - our own interpreter, the URL as an argument
            [sys.executable, "-c", "import sys, webbrowser; webbrowser.open(sys.argv[1])", url],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=child_env,
            start_new_session=True,
            close_fds=True,
        )
    except OSError:
        return False
    return True
