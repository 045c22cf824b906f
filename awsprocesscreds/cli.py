"""The full ``awsprocesscreds-saml`` command line: parsing it (``arguments``), running
the command (``commands``), and the mapping of every expected failure to one stderr
line and an exit code.

``hotpath`` serves plain cache hits before this module is even imported; everything
else comes here. The login machinery (requests, botocore) is imported only when
a login is needed.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping, Sequence

from awsprocesscreds import logs
from awsprocesscreds.errors import AwsProcessCredsError, Terminated, UserAbort
from awsprocesscreds.option_table import PROG
from awsprocesscreds.plain_line import parse_plain

TYPE_CHECKING = False
if TYPE_CHECKING:
    from awsprocesscreds.commands import Arguments


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; return the exit code (0, 1 for errors, 2 usage, 130 Ctrl-C,
    143 SIGTERM, 129 SIGHUP)."""
    words = list(sys.argv[1:] if argv is None else argv)
    args = parse_plain(words) or _parse(words)
    logs.enable(verbose=args.verbose)
    try:
        _handle_termination()
        return _dispatch(args, os.environ)
    except AwsProcessCredsError as exc:
        _error(str(exc))
        return exc.exit_code
    except Terminated as exc:
        import signal

        _error(f"stopped by {signal.Signals(exc.signum).name}")
        return exc.exit_code
    except KeyboardInterrupt:
        _error("interrupted")
        return UserAbort.exit_code
    except Exception as exc:
        # A bug, not an expected failure: one line, and the traceback under -v only.
        if args.verbose:
            import traceback

            from awsprocesscreds.display import safe_text

            # Exception texts may quote the IdP.
            sys.stderr.write(safe_text(traceback.format_exc(), newlines=True))
        _error(f"unexpected {type(exc).__name__}; run with -v to see where, and report it")
        return 1


def _handle_termination() -> None:
    """Turn SIGTERM and SIGHUP into Terminated, as Python turns SIGINT into
    KeyboardInterrupt, so that every ``finally`` restores the terminal (echo) and
    releases locks on the way out. A signal the parent ignores (nohup) stays ignored."""
    import signal

    def terminate(signum: int, frame: object) -> None:
        # Once is enough: a second signal must not cut the clean-up short.
        for name in ("SIGTERM", "SIGHUP"):
            signal.signal(getattr(signal, name), signal.SIG_IGN)
        raise Terminated(signum)

    for name in ("SIGTERM", "SIGHUP"):
        number = getattr(signal, name, None)
        if number is not None and signal.getsignal(number) == signal.SIG_DFL:
            signal.signal(number, terminate)


def _parse(words: list[str]) -> Arguments:
    """argparse's reading of any line that is not plain (see ``plain_line``)."""
    from awsprocesscreds.arguments import parse

    return parse(words)


def _dispatch(args: Arguments, env: Mapping[str, str]) -> int:
    from awsprocesscreds import commands

    handlers: dict[str | None, Callable[[Arguments, Mapping[str, str]], int]] = {
        None: commands.credentials,
        "roles": commands.roles,
        "configure": commands.configure,
        "logout": commands.logout,
        "console": commands.console,
        "status": commands.status,
    }
    return handlers[args.command](args, env)


def _error(message: str) -> None:
    from awsprocesscreds.display import safe_text  # on the way out: a run that works needs none

    line = safe_text(" ".join(message.split()))
    try:
        sys.stderr.write(f"{PROG}: error: {line}\n")
        sys.stderr.flush()
    except OSError:
        pass  # stderr is gone (a hung-up terminal): the exit code still tells
