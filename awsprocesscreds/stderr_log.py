"""The CLI's log lines on stderr: every step with -v, else warnings only, each line
made safe for the terminal. Other libraries' loggers stay silent (urllib3 would print
URLs with their queries). ``logs`` installs this when a line is first written."""

from __future__ import annotations

import logging
import sys

from awsprocesscreds.display import safe_text
from awsprocesscreds.option_table import PROG


class SafeFormatter(logging.Formatter):
    """A log formatter whose lines pass through ``safe_text`` (a log message may
    quote the IdP); a traceback, shown with -v only, keeps its line breaks."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        return safe_text(super().formatMessage(record))

    def formatException(self, ei: object) -> str:
        return safe_text(super().formatException(ei), newlines=True)  # type: ignore[arg-type]


def install(verbose: bool) -> None:
    """Send our loggers' lines to stderr (DEBUG and up with ``verbose``, else WARNING
    and up) and silence every other logger."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(SafeFormatter(f"{PROG}: %(message)s"))
    ours = logging.getLogger("awsprocesscreds")
    ours.addHandler(handler)
    ours.setLevel(logging.DEBUG if verbose else logging.WARNING)
    ours.propagate = False
    logging.getLogger().addHandler(logging.NullHandler())
