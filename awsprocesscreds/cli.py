"""The full ``awsprocesscreds-saml`` command line: argument parsing, the subcommands,
and the mapping of every expected failure to one stderr line and an exit code.

``hotpath`` serves plain cache hits before this module is even imported; everything
else comes here. The login machinery (requests, bs4, botocore) is imported only when
a login is needed.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Mapping, Sequence

from awsprocesscreds import __version__
from awsprocesscreds.display import safe_text
from awsprocesscreds.errors import AwsProcessCredsError, Terminated, UserAbort
from awsprocesscreds.hotpath import MAX_DURATION, MIN_DURATION
from awsprocesscreds.request import (
    DEFAULT_MFA_TIMEOUT,
    DEFAULT_TIMEOUT,
    MFA_FACTORS,
    CredentialRequest,
)

PROG = "awsprocesscreds-saml"
SUBCOMMANDS = ("roles", "configure", "logout", "console")


def _identity_options(required: bool) -> argparse.ArgumentParser:
    """The options that say whose credentials: shared by every command."""
    parent = argparse.ArgumentParser(add_help=False)
    group = parent.add_argument_group("login")
    group.add_argument("-e", "--endpoint", required=required, help="IdP login URL (https://)")
    group.add_argument("-u", "--username", required=required, help="your IdP username")
    group.add_argument(
        "-p", "--provider", required=required, help="identity provider: adfs, okta or a plugin"
    )
    group.add_argument(
        "-a", "--role-arn", help="role to assume; optional when the IdP grants exactly one"
    )
    group.add_argument(
        "--duration",
        type=_duration,
        metavar="SECONDS",
        help="session length, 900-43200 (default: the IdP's SessionDuration, else 3600)",
    )
    group.add_argument(
        "--mfa-factor", choices=MFA_FACTORS, help="second factor to use (default: ask)"
    )
    group.add_argument(
        "--mfa-timeout",
        type=_positive,
        default=DEFAULT_MFA_TIMEOUT,
        metavar="SECONDS",
        help="how long to wait for a push or phone approval (default: 60)",
    )
    group.add_argument(
        "--timeout",
        type=_positive,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help="how long to wait for each answer of the IdP and STS (default: 30)",
    )
    group.add_argument(
        "--keyring",
        action="store_true",
        help="remember the password in the system keyring after a successful login",
    )
    group.add_argument(
        "--no-cache", action="store_true", help="neither read nor write the credential cache"
    )
    group.add_argument(
        "-v", "--verbose", action="store_true", help="log each step to stderr (never secrets)"
    )
    return parent


EPILOG = (
    "Subcommands: roles, configure, logout, console (each has --help). "
    "Environment: AWSPROCESSCREDS_PASSWORD and AWSPROCESSCREDS_MFA_CODE answer the prompts "
    "(automation only: anything that can read your environment can read them); "
    "REQUESTS_CA_BUNDLE, AWS_CA_BUNDLE, AWS_ENDPOINT_URL_STS, HTTPS_PROXY."
)


def build_parser() -> argparse.ArgumentParser:
    """The original top-level command: print credential_process JSON."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        parents=[_identity_options(required=True)],
        description=(
            "Log in to AD FS or Okta and print temporary AWS credentials as "
            "credential_process JSON, cached until shortly before they expire."
        ),
        epilog=EPILOG,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


def build_subcommand_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser(
        "roles",
        parents=[_identity_options(required=True)],
        help="list the roles you may assume, by account (no STS call)",
        description="Log in and list the roles in the SAML assertion, grouped by account.",
    )
    configure = commands.add_parser(
        "configure",
        parents=[_identity_options(required=True)],
        help="write a profile's credential_process line into the AWS config file",
        description=(
            "Write or update PROFILE's credential_process line in $AWS_CONFIG_FILE or "
            "~/.aws/config, keeping every other line."
        ),
    )
    configure.add_argument("--profile", required=True, help="AWS profile name to write")
    configure.add_argument("--region", help="also set the profile's region")
    logout = commands.add_parser(
        "logout",
        parents=[_identity_options(required=False)],
        help="remove cached credentials (and, with --keyring, the stored password)",
    )
    logout.add_argument("--all", action="store_true", help="remove every cached entry")
    console = commands.add_parser(
        "console",
        parents=[_identity_options(required=True)],
        help="open the AWS Management Console signed in with these credentials",
    )
    console.add_argument(
        "--print", action="store_true", dest="print_url", help="print the sign-in URL instead"
    )
    console.add_argument("--destination", help="console page to open (default: the console home)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; return the exit code (0, 1 for errors, 2 usage, 130 Ctrl-C,
    143 SIGTERM, 129 SIGHUP)."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list and args_list[0] in SUBCOMMANDS:
        parser = build_subcommand_parser()
        args = parser.parse_args(args_list)
        if (
            args.command == "logout"
            and not args.all
            and not (args.endpoint and args.username and args.provider)
        ):
            parser.error("logout needs -e, -u and -p, or --all")
    else:
        args = build_parser().parse_args(args_list)
        args.command = None
    _enable_logging(verbose=args.verbose)
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


def request_from(args: argparse.Namespace) -> CredentialRequest:
    return CredentialRequest(
        provider=(args.provider or "").lower(),
        endpoint=args.endpoint or "",
        username=args.username or "",
        role_arn=args.role_arn,
        duration=args.duration,
        mfa_factor=args.mfa_factor,
        mfa_timeout=args.mfa_timeout,
        timeout=args.timeout,
        use_cache=not args.no_cache,
        keyring=args.keyring,
    )


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
    line = safe_text(" ".join(message.split()))
    try:
        sys.stderr.write(f"{PROG}: error: {line}\n")
        sys.stderr.flush()
    except OSError:
        pass  # stderr is gone (a hung-up terminal): the exit code still tells


def _enable_logging(verbose: bool) -> None:
    """Our log lines on stderr: every step with -v, else warnings only. Other
    libraries' loggers stay silent (urllib3 would print URLs with their queries)."""
    import logging

    from awsprocesscreds.display import SafeFormatter

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(SafeFormatter(f"{PROG}: %(message)s"))
    ours = logging.getLogger("awsprocesscreds")
    ours.addHandler(handler)
    ours.setLevel(logging.DEBUG if verbose else logging.WARNING)
    ours.propagate = False
    logging.getLogger().addHandler(logging.NullHandler())


def _duration(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of seconds") from None
    if not MIN_DURATION <= value <= MAX_DURATION:
        raise argparse.ArgumentTypeError(
            f"must be between {MIN_DURATION} and {MAX_DURATION} seconds"
        )
    return value


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 0 < value <= 3600:
        raise argparse.ArgumentTypeError("must be more than 0 and at most 3600 seconds")
    return value
