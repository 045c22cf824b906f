"""Our log lines, without importing ``logging`` in a run that writes none.

``logging`` and what it imports (traceback, linecache, tokenize, string) cost an
hourly refresh on a kept IdP session some 4 ms, more than its own code does, and a
run without ``-v`` writes no log line unless something goes wrong. So modules log
through ``logger(__name__)``, a stand-in for ``logging.getLogger(__name__)``:

- while ``logging`` is not loaded, ``debug`` does nothing: whoever wants debug lines
  has loaded it to say so (``-v``, a test's ``caplog``);
- ``warning`` loads it, and ``debug`` once it is loaded, after installing the CLI's
  handler if the CLI left it to the first line (``enable``), so every line reads as
  it would have.

A library that logs (requests, keyring) must not run before the CLI's handler is in
place, or its warnings would reach stderr: code that uses one calls
``install_pending`` first (``http.IdpSession``, ``passwords``).
"""

from __future__ import annotations

import sys

#: The CLI's verbosity while its handler waits for the first line (at most one).
_pending: list[bool] = []


def enable(verbose: bool) -> None:
    """The CLI's logging (``stderr_log``): installed now with ``verbose`` or when
    ``logging`` is loaded already, else when a line is first written or
    ``install_pending`` is called."""
    _pending[:] = [verbose]
    if verbose or "logging" in sys.modules:
        install_pending()


def install_pending() -> None:
    """Install the CLI's handler if ``enable`` left it for later; else nothing."""
    if _pending:
        from awsprocesscreds.stderr_log import install

        install(verbose=_pending.pop())


class Logger:
    """``logging.getLogger(name)``, loaded when a line may be shown (see above)."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def debug(self, message: str, *args: object) -> None:
        logging = sys.modules.get("logging")
        if logging is not None:
            install_pending()
            logging.getLogger(self.name).debug(message, *args)

    def warning(self, message: str, *args: object) -> None:
        import logging

        install_pending()
        logging.getLogger(self.name).warning(message, *args)


def logger(name: str) -> Logger:
    """The stand-in for ``logging.getLogger(name)``."""
    return Logger(name)
