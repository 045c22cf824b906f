"""The command line's grammar: one parser per command, each built from the option
groups that command uses, and the usage errors argparse cannot see by itself.

Every usage error exits 2 through ``parser.error`` and names what to type instead.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence

from awsprocesscreds import __version__
from awsprocesscreds.option_table import (
    BY_PROFILE,
    COMMAND_GROUPS,
    COMMAND_HELP,
    GROUPS,
    HELP,
    IDENTITY,
    OPTIONS,
    PROG,
    SUBCOMMANDS,
)

EPILOG = (
    "Commands: roles, configure, logout, console, status; the command comes first and each has "
    "--help. Environment: AWSPROCESSCREDS_PASSWORD and AWSPROCESSCREDS_MFA_CODE answer the "
    "prompts (automation only: anything that can read your environment can read them); "
    "REQUESTS_CA_BUNDLE, AWS_CA_BUNDLE, AWS_ENDPOINT_URL_STS, HTTPS_PROXY."
)
#: Names the commands, so that every usage error of the main command shows them.
USAGE = "\n       ".join(
    ("%(prog)s -e URL -u USER -p PROVIDER [options]", "%(prog)s {" + ",".join(SUBCOMMANDS) + "} -h")
)


def build_parser(
    cls: type[argparse.ArgumentParser] = argparse.ArgumentParser,
) -> argparse.ArgumentParser:
    """The main command: print credential_process JSON. -e, -u and -p are checked
    by ``parse`` so that a missing command can be named in the error. ``cls``: a
    parser that reports errors its own way (``profile_options``)."""
    parser = cls(
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
    status = commands.add_parser(
        "status",
        help="list the cached credentials and kept IdP sessions (never a secret)",
        description=(
            "List what is kept, one line each: cached credential sets (provider, IdP "
            "host, user, role, when they expire) and kept IdP sessions (provider, IdP "
            "host, user, how long they may still be used). No secret is shown."
        ),
    )
    subparsers = {
        "roles": roles,
        "configure": configure,
        "logout": logout,
        "console": console,
        "status": status,
    }
    for name, subparser in subparsers.items():
        if name in BY_PROFILE:
            subparser.add_argument(
                "--profile",
                metavar="NAME",
                help="use the options of this AWS profile's credential_process line "
                "(from $AWS_CONFIG_FILE or ~/.aws/config) instead of typing them",
            )
        # With --profile, -e, -u and -p come from the profile (checked in ``parse``).
        _add_options(subparser, name, required=name == "configure")
    return parser, subparsers


def parse(argv: Sequence[str]) -> argparse.Namespace:
    """The namespace of ``argv`` with ``command`` set (None for the main command);
    any usage error exits 2 with the command's usage and one error line."""
    if argv and argv[0] in SUBCOMMANDS:
        parser, subparsers = build_subcommand_parsers()
        args, extra = parser.parse_known_args(argv)
        command = subparsers[args.command]
        if extra:
            # From the command's parser, so that the usage shown is the command's.
            command.error("unrecognized arguments: " + " ".join(extra))
        if args.command in BY_PROFILE and args.profile is not None:
            from awsprocesscreds.profile_options import typed_beside_profile

            given = typed_beside_profile(command, argv[0], argv[1:])
            if given:
                command.error(
                    "--profile takes every option from the profile's credential_process "
                    f"line; do not also give {', '.join(given)}"
                )
        elif args.command == "logout":
            _check_logout(command, args)
        elif args.command in ("roles", "console"):
            missing = [flags(dest) for dest in IDENTITY if not getattr(args, dest)]
            if missing:
                command.error(
                    f"the following arguments are required: {', '.join(missing)} "
                    "(or --profile NAME)"
                )
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
    missing = [flags(dest) for dest in IDENTITY if not getattr(args, dest)]
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


def flags(dest: str) -> str:
    """An option's flags as help shows them, e.g. ``-e/--endpoint``."""
    return "/".join(OPTIONS[dest][0])


def _add_options(parser: argparse.ArgumentParser, command: str | None, required: bool) -> None:
    """Add the option groups ``command`` uses, each option described for it."""
    helps: Mapping[str, str] = {**HELP, **COMMAND_HELP.get(command or "", {})}
    for name in COMMAND_GROUPS[command]:
        title, dests = GROUPS[name]
        if command == "configure" and name != "identity":
            title += " (written into the profile's line)"
        group = parser.add_argument_group(title)
        for dest in dests:
            flags, settings = OPTIONS[dest]
            required_here = required and dest in IDENTITY
            group.add_argument(
                *flags, **settings, dest=dest, help=helps[dest], required=required_here
            )
    flags, settings = OPTIONS["verbose"]
    parser.add_argument(*flags, **settings, help=helps["verbose"])
