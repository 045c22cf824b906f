"""The command line's grammar: one parser per command, each built from the option
groups that command uses, and the usage errors argparse cannot see by itself.

Every usage error exits 2 through ``parser.error`` and names what to type instead.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence
from typing import Any

from awsprocesscreds import __version__
from awsprocesscreds.hotpath import MAX_DURATION, MIN_DURATION
from awsprocesscreds.request import DEFAULT_MFA_TIMEOUT, DEFAULT_TIMEOUT, MFA_FACTORS

PROG = "awsprocesscreds-saml"
SUBCOMMANDS = ("roles", "configure", "logout", "console")
IDENTITY = ("endpoint", "username", "provider")

EPILOG = (
    "Commands: roles, configure, logout, console; the command comes first and each has "
    "--help. Environment: AWSPROCESSCREDS_PASSWORD and AWSPROCESSCREDS_MFA_CODE answer the "
    "prompts (automation only: anything that can read your environment can read them); "
    "REQUESTS_CA_BUNDLE, AWS_CA_BUNDLE, AWS_ENDPOINT_URL_STS, HTTPS_PROXY."
)
#: Names the commands, so that every usage error of the main command shows them.
USAGE = "\n       ".join(
    ("%(prog)s -e URL -u USER -p PROVIDER [options]", "%(prog)s {" + ",".join(SUBCOMMANDS) + "} -h")
)


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


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 0 < value <= 3600:
        raise argparse.ArgumentTypeError("must be more than 0 and at most 3600 seconds")
    return value


def _one_line(text: str) -> str:
    if not text or not all(char.isprintable() for char in text):
        raise argparse.ArgumentTypeError("must be one line of printable text")
    return text


_KEYRING = "take the password from the system keyring, and store it there after a login"
#: Each option's help, as the main command, ``roles`` and ``console`` use it.
_HELP = {
    "endpoint": "IdP login URL (https://)",
    "username": "your IdP username",
    "provider": "identity provider: adfs, entra, okta, keycloak, shibboleth, shibboleth-ecp, "
    "form or a plugin",
    "entity_id": "entra only: the AWS application's Identifier (Entity ID), with the "
    "tenant's .../saml2 endpoint (default: https://signin.aws.amazon.com/saml)",
    "role_arn": "role to assume; optional when the IdP grants exactly one",
    "duration": "session length, 900-43200 (default: the IdP's SessionDuration, else 3600)",
    "mfa_factor": "second factor to use (default: ask)",
    "mfa_timeout": "how long to wait for a push or phone approval (default: 60)",
    "timeout": "how long one exchange with the IdP may take in all, and each STS answer "
    "(default: 30)",
    "keyring": _KEYRING + " the IdP accepted",
    "okta_client_id": "okta only: sign in in a browser through this OIDC native app "
    "(device authorization; for FastPass, WebAuthn or device-trust policies)",
    "no_browser": "with --okta-client-id: show the sign-in address, do not open a browser",
    "no_cache": "neither read nor write the credential cache",
    "no_idp_session": "neither use nor keep the IdP's session (sign in every time the "
    "credentials run out)",
    "verbose": "log each step to stderr (never secrets)",
}
#: Where a command gives an option another meaning, its own words for it.
_COMMAND_HELP: dict[str, dict[str, str]] = {
    "configure": {
        "role_arn": "role the profile assumes (default: the only one, else a menu)",
        "duration": "session length the profile asks for, 900-43200",
        "mfa_factor": "second factor the profile uses (default: ask)",
        "mfa_timeout": "the profile's wait for a push or phone approval (default: 60)",
        "timeout": "the profile's limit for one exchange with the IdP, and each STS answer "
        "(default: 30)",
        "keyring": "the profile takes the password from the system keyring, and stores "
        "it there after a login the IdP accepted",
        "okta_client_id": "the profile signs in to Okta in a browser through this OIDC native app",
        "no_browser": "the profile shows the browser sign-in address without opening it",
        "no_cache": "the profile neither reads nor writes the credential cache",
        "no_idp_session": "the profile neither uses nor keeps the IdP's session",
    },
    "logout": {
        "endpoint": "IdP login URL of the cache entry to remove",
        "username": "IdP username of the cache entry to remove",
        "provider": "identity provider of the cache entry to remove",
        "entity_id": "application identifier of the cache entry to remove, as given to the "
        "main command",
        "role_arn": "role of the cache entry to remove, as given to the main command",
        "duration": "session length of the cache entry to remove, as given to the main command",
        "keyring": "also forget the password stored in the system keyring (needs -e, -u, -p)",
    },
    "console": {
        "timeout": "how long one exchange with the IdP or the AWS federation endpoint may "
        "take in all, and each STS answer (default: 30)",
    },
}
#: The flags and argparse settings of each option, by destination.
_OPTIONS: dict[str, tuple[tuple[str, ...], dict[str, Any]]] = {
    "endpoint": (("-e", "--endpoint"), {"metavar": "URL"}),
    "username": (("-u", "--username"), {"metavar": "USER"}),
    "provider": (("-p", "--provider"), {"metavar": "PROVIDER"}),
    "entity_id": (("--entity-id",), {"metavar": "ID", "type": _one_line}),
    "role_arn": (("-a", "--role-arn"), {"metavar": "ARN"}),
    "duration": (("--duration",), {"type": _duration, "metavar": "SECONDS"}),
    "mfa_factor": (("--mfa-factor",), {"choices": MFA_FACTORS}),
    "mfa_timeout": (
        ("--mfa-timeout",),
        {"type": _seconds, "default": DEFAULT_MFA_TIMEOUT, "metavar": "SECONDS"},
    ),
    "timeout": (
        ("--timeout",),
        {"type": _seconds, "default": DEFAULT_TIMEOUT, "metavar": "SECONDS"},
    ),
    "keyring": (("--keyring",), {"action": "store_true"}),
    "okta_client_id": (("--okta-client-id",), {"metavar": "CLIENT_ID", "type": _one_line}),
    "no_browser": (("--no-browser",), {"action": "store_true"}),
    "no_cache": (("--no-cache",), {"action": "store_true"}),
    "no_idp_session": (("--no-idp-session",), {"action": "store_true"}),
    "verbose": (("-v", "--verbose"), {"action": "store_true"}),
}
#: The groups a command picks from, by title.
_GROUPS = {
    "identity": ("who signs in", (*IDENTITY, "entity_id")),
    "role": ("which credentials", ("role_arn", "duration")),
    "login": (
        "how to sign in",
        ("mfa_factor", "mfa_timeout", "timeout", "keyring", "okta_client_id", "no_browser"),
    ),
    "cache": ("cache", ("no_cache", "no_idp_session")),
    "password": ("stored password", ("keyring",)),
}
#: The groups of each command (None: the main command).
_COMMAND_GROUPS: dict[str | None, tuple[str, ...]] = {
    None: ("identity", "role", "login", "cache"),
    "roles": ("identity", "login"),
    "configure": ("identity", "role", "login", "cache"),
    "logout": ("identity", "role", "password"),
    "console": ("identity", "role", "login", "cache"),
}


def build_parser() -> argparse.ArgumentParser:
    """The main command: print credential_process JSON. -e, -u and -p are checked
    by ``parse`` so that a missing command can be named in the error."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        usage=USAGE,
        description=(
            "Log in to AD FS, Entra ID or Okta and print temporary AWS credentials as "
            "credential_process JSON, cached until shortly before they expire."
        ),
        epilog=EPILOG,
    )
    _add_options(parser, None, required=False)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


def build_subcommand_parsers() -> tuple[
    argparse.ArgumentParser, dict[str, argparse.ArgumentParser]
]:
    """The parser of ``COMMAND ...`` lines, and each command's own parser by name."""
    parser = argparse.ArgumentParser(prog=PROG, epilog=EPILOG)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    roles = commands.add_parser(
        "roles",
        help="list the roles you may assume, by account (no STS call)",
        description=(
            "Log in and list the roles in the SAML assertion, grouped by partition and "
            "account. Neither calls STS nor uses the cache, so it always signs in."
        ),
    )
    configure = commands.add_parser(
        "configure",
        help="write a profile's credential_process line into the AWS config file",
        description=(
            "Write or update PROFILE's credential_process line in $AWS_CONFIG_FILE or "
            "~/.aws/config, keeping every other line. It does not sign in."
        ),
    )
    configure.add_argument("--profile", required=True, help="AWS profile name to write")
    configure.add_argument("--region", help="also set the profile's region")
    logout = commands.add_parser(
        "logout",
        help="remove cached credentials (and, with --keyring, the stored password)",
        description=(
            "Remove the cache entry that -e, -u, -p, -a and --duration pick (give the "
            "values of the profile's line), or with --all every entry. Credentials "
            "already handed out stay valid until they expire."
        ),
    )
    logout.add_argument("--all", action="store_true", help="remove every cached entry")
    console = commands.add_parser(
        "console",
        help="open the AWS Management Console signed in with these credentials",
        description=(
            "Get credentials as the main command does and open the AWS Management "
            "Console signed in with them. The sign-in URL is a secret for 15 minutes: "
            "anyone who opens it is signed in as you. It is never logged, and the "
            "browser gets it from a one-time loopback address, not on its command line."
        ),
    )
    console.add_argument(
        "--print",
        action="store_true",
        dest="print_url",
        help="print the sign-in URL (a secret) on stdout instead of opening a browser",
    )
    console.add_argument(
        "--destination",
        metavar="URL",
        help="https:// console page of the role's partition to open (default: the console home)",
    )
    subparsers = {"roles": roles, "configure": configure, "logout": logout, "console": console}
    for name, subparser in subparsers.items():
        _add_options(subparser, name, required=name != "logout")
    return parser, subparsers


def parse(argv: Sequence[str]) -> argparse.Namespace:
    """The namespace of ``argv`` with ``command`` set (None for the main command);
    any usage error exits 2 with the command's usage and one error line."""
    if argv and argv[0] in SUBCOMMANDS:
        parser, subparsers = build_subcommand_parsers()
        args, extra = parser.parse_known_args(argv)
        if extra:
            # From the command's parser, so that the usage shown is the command's.
            subparsers[args.command].error("unrecognized arguments: " + " ".join(extra))
        if args.command == "logout":
            _check_logout(subparsers["logout"], args)
        return args
    parser = build_parser()
    if argv and not argv[0].startswith("-"):
        parser.error(_unknown_command(argv[0]))
    args, extra = parser.parse_known_args(argv)
    misplaced = [word for word in extra if word in SUBCOMMANDS]
    if misplaced:
        parser.error(
            f"the command comes first: {PROG} {misplaced[0]} [options] "
            f"(see {PROG} {misplaced[0]} --help)"
        )
    if extra:
        parser.error("unrecognized arguments: " + " ".join(extra))
    missing = [_flags(dest) for dest in IDENTITY if not getattr(args, dest)]
    if missing:
        parser.error(
            f"the following arguments are required: {', '.join(missing)} "
            f"(or give a command first: {', '.join(SUBCOMMANDS)})"
        )
    args.command = None
    return args


def _check_logout(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    given = [dest for dest in IDENTITY if getattr(args, dest)]
    if given and len(given) < len(IDENTITY):
        parser.error("-e, -u and -p go together: give all three to pick an entry")
    if given:
        return
    if args.keyring:
        parser.error("--keyring needs -e, -u and -p: whose stored password to forget")
    if args.role_arn or args.duration or args.entity_id:
        parser.error("-a, --duration and --entity-id pick an entry together with -e, -u and -p")
    if not args.all:
        parser.error("logout needs -e, -u and -p, or --all")


def _unknown_command(word: str) -> str:
    import difflib

    close = difflib.get_close_matches(word, SUBCOMMANDS, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return f"unknown command {word!r}: the commands are {', '.join(SUBCOMMANDS)}{hint}"


def _flags(dest: str) -> str:
    return "/".join(_OPTIONS[dest][0])


def _add_options(parser: argparse.ArgumentParser, command: str | None, required: bool) -> None:
    """Add the option groups ``command`` uses, each option described for it."""
    helps: Mapping[str, str] = {**_HELP, **_COMMAND_HELP.get(command or "", {})}
    for name in _COMMAND_GROUPS[command]:
        title, dests = _GROUPS[name]
        if command == "configure" and name != "identity":
            title += " (written into the profile's line)"
        group = parser.add_argument_group(title)
        for dest in dests:
            flags, settings = _OPTIONS[dest]
            required_here = required and dest in IDENTITY
            group.add_argument(
                *flags, **settings, dest=dest, help=helps[dest], required=required_here
            )
    flags, settings = _OPTIONS["verbose"]
    parser.add_argument(*flags, **settings, help=helps["verbose"])
