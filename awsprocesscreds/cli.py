"""The ``awsprocesscreds-saml`` command: arguments, the cache-hit fast path, and the
mapping of every expected failure to one stderr line and an exit code.

This module is on the hot path (every ``aws`` command runs it): it imports only the
standard library and the light cache/credentials modules. The login machinery
(requests, bs4, botocore) is imported from ``login`` only on a cache miss.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path

from awsprocesscreds import __version__
from awsprocesscreds.errors import AwsProcessCredsError, UserAbort
from awsprocesscreds.request import MFA_FACTORS, CredentialRequest

PROG = "awsprocesscreds-saml"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description=(
            "Log in to AD FS or Okta and print temporary AWS credentials as "
            "credential_process JSON, cached until shortly before they expire."
        ),
        epilog=(
            "Environment: AWSPROCESSCREDS_PASSWORD and AWSPROCESSCREDS_MFA_CODE answer the "
            "prompts (automation only: anything that can read your environment can read "
            "them); REQUESTS_CA_BUNDLE, AWS_CA_BUNDLE, AWS_ENDPOINT_URL_STS, HTTPS_PROXY."
        ),
    )
    parser.add_argument("-e", "--endpoint", required=True, help="IdP login URL (https://)")
    parser.add_argument("-u", "--username", required=True, help="your IdP username")
    parser.add_argument(
        "-p", "--provider", required=True, help="identity provider: adfs, okta or a plugin's name"
    )
    parser.add_argument(
        "-a", "--role-arn", help="role to assume; optional when the IdP grants exactly one"
    )
    parser.add_argument(
        "--duration",
        type=_duration,
        metavar="SECONDS",
        help="session length, 900-43200 (default: the IdP's SessionDuration, else 3600)",
    )
    parser.add_argument(
        "--mfa-factor",
        choices=MFA_FACTORS,
        help="second factor to use when several are enrolled (default: ask)",
    )
    parser.add_argument(
        "--mfa-timeout",
        type=_positive,
        default=60.0,
        metavar="SECONDS",
        help="how long to wait for a push or phone approval (default: 60)",
    )
    parser.add_argument(
        "--timeout",
        type=_positive,
        default=30.0,
        metavar="SECONDS",
        help="how long to wait for each answer of the IdP and STS (default: 30)",
    )
    parser.add_argument(
        "--no-cache", action="store_true", help="neither read nor write the credential cache"
    )
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="log each step to stderr (never secrets)"
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; return the exit code (0, 1 for errors, 2 usage, 130 Ctrl-C)."""
    args = build_parser().parse_args(argv)
    if args.verbose:
        _enable_logging()
    request = CredentialRequest(
        provider=args.provider.lower(),
        endpoint=args.endpoint,
        username=args.username,
        role_arn=args.role_arn,
        duration=args.duration,
        mfa_factor=args.mfa_factor,
        mfa_timeout=args.mfa_timeout,
        timeout=args.timeout,
        use_cache=not args.no_cache,
    )
    try:
        return _run(request, os.environ)
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


def _run(request: CredentialRequest, env: os._Environ[str]) -> int:
    from awsprocesscreds.cache import FileCache, cache_directory, cache_key

    cache = FileCache(cache_directory(Path.home())) if request.use_cache else None
    key = cache_key(request.key_parts())
    if cache is not None:
        cached = cache.get(key, datetime.now(timezone.utc))
        if cached is not None:
            _print(cached.to_process_json())
            return 0
    from awsprocesscreds.login import login

    credentials = login(request, cache, key, env)
    _print(credentials.to_process_json())
    return 0


def _print(document: str) -> None:
    # stdout carries exactly this one JSON object and nothing else.
    sys.stdout.write(document + "\n")
    sys.stdout.flush()


def _error(message: str) -> None:
    line = " ".join(message.split())
    sys.stderr.write(f"{PROG}: error: {line}\n")
    sys.stderr.flush()


def _enable_logging() -> None:
    import logging

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(f"{PROG}: %(message)s"))
    ours = logging.getLogger("awsprocesscreds")
    ours.addHandler(handler)
    ours.setLevel(logging.DEBUG)
    ours.propagate = False


def _duration(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of seconds") from None
    if not 900 <= value <= 43200:
        raise argparse.ArgumentTypeError("must be between 900 and 43200 seconds")
    return value


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 0 < value <= 3600:
        raise argparse.ArgumentTypeError("must be more than 0 and at most 3600 seconds")
    return value
