"""The full ``awsprocesscreds-saml`` command line: parsing it (``arguments``), running
the command (``commands``), and the mapping of every expected failure to one stderr
line and an exit code.

``hotpath`` serves plain cache hits before this module is even imported; everything
else comes here. The login machinery (requests, botocore) is imported only when
a login is needed.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Mapping, Sequence

from awsprocesscreds.arguments import PROG, parse
from awsprocesscreds.errors import AwsProcessCredsError, UserAbort


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; return the exit code (0, 1 for errors, 2 usage, 130 Ctrl-C)."""
    args = parse(list(sys.argv[1:] if argv is None else argv))
    _enable_logging(verbose=args.verbose)
    try:
        return _dispatch(args, os.environ)
    except AwsProcessCredsError as exc:
        _error(str(exc))
        return exc.exit_code
    except KeyboardInterrupt:
        _error("interrupted")
        return UserAbort.exit_code
    except Exception as exc:
        # A bug, not an expected failure: one line, and the traceback under -v only.
        if args.verbose:
            import traceback

            traceback.print_exc()
        _error(f"unexpected {type(exc).__name__}; run with -v to see where, and report it")
        return 1


def _dispatch(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    from awsprocesscreds import commands

    handlers: dict[str | None, Callable[[argparse.Namespace, Mapping[str, str]], int]] = {
        None: commands.credentials,
        "roles": commands.roles,
        "configure": commands.configure,
        "logout": commands.logout,
        "console": commands.console,
    }
    return handlers[args.command](args, env)


def _error(message: str) -> None:
    line = " ".join(message.split())
    sys.stderr.write(f"{PROG}: error: {line}\n")
    sys.stderr.flush()


def _enable_logging(verbose: bool) -> None:
    """Our log lines on stderr: every step with -v, else warnings only. Other
    libraries' loggers stay silent (urllib3 would print URLs with their queries)."""
    import logging

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(f"{PROG}: %(message)s"))
    ours = logging.getLogger("awsprocesscreds")
    ours.addHandler(handler)
    ours.setLevel(logging.DEBUG if verbose else logging.WARNING)
    ours.propagate = False
    logging.getLogger().addHandler(logging.NullHandler())
