"""The command line's options as data: each option's flags, argparse settings and
help (per command where a command gives it another meaning), the groups commands pick
from, and the checks of their values. ``arguments`` builds the parsers from it."""

from __future__ import annotations

from typing import Any

from awsprocesscreds.hotpath import MAX_DURATION, MIN_DURATION
from awsprocesscreds.request import DEFAULT_MFA_TIMEOUT, DEFAULT_TIMEOUT, MFA_FACTORS

PROG = "awsprocesscreds-saml"
SUBCOMMANDS = ("roles", "configure", "logout", "console", "status")
#: The commands that take ``--profile NAME`` instead of the profile's options.
BY_PROFILE = ("roles", "logout", "console", "status")
IDENTITY = ("endpoint", "username", "provider")


def _refused(message: str) -> Exception:
    """argparse's error for a value its type refuses, which it shows as is (argparse
    is imported here, on the way to a usage error: plain lines never need it)."""
    import argparse

    return argparse.ArgumentTypeError(message)


def _duration(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise _refused(f"{text!r} is not a whole number of seconds") from None
    if not MIN_DURATION <= value <= MAX_DURATION:
        raise _refused(f"must be between {MIN_DURATION} and {MAX_DURATION} seconds")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise _refused(f"{text!r} is not a number of seconds") from None
    if not 0 < value <= 3600:
        raise _refused("must be more than 0 and at most 3600 seconds")
    return value


def _one_line(text: str) -> str:
    if not text or not all(char.isprintable() for char in text):
        raise _refused("must be one line of printable text")
    return text


KEYRING = "take the password from the system keyring, and store it there after a login"
#: Each option's help, as the main command, ``roles`` and ``console`` use it.
HELP = {
    "endpoint": "IdP login URL (https://)",
    "username": "your IdP username",
    "provider": "identity provider: adfs, entra, okta, keycloak, shibboleth, shibboleth-ecp, "
    "pingfed, form or a plugin",
    "entity_id": "entra only: the AWS application's Identifier (Entity ID), with the "
    "tenant's .../saml2 endpoint (default: https://signin.aws.amazon.com/saml)",
    "role_arn": "role to assume; optional when the IdP grants exactly one",
    "duration": "session length, 900-43200 (default: the IdP's SessionDuration, else 3600)",
    "mfa_factor": "second factor to use (default: ask)",
    "mfa_timeout": "how long to wait for a push or phone approval (default: 60)",
    "timeout": "how long one exchange with the IdP may take in all, and each STS answer "
    "(default: 30)",
    "keyring": KEYRING + " the IdP accepted",
    "okta_client_id": "okta only: sign in in a browser through this OIDC native app "
    "(device authorization; for FastPass, WebAuthn or device-trust policies)",
    "no_browser": "with --okta-client-id: show the sign-in address, do not open a browser",
    "no_cache": "neither read nor write the credential cache",
    "no_idp_session": "neither use nor keep the IdP's session (sign in every time the "
    "credentials run out)",
    "verbose": "log each step to stderr (never secrets)",
}
#: Where a command gives an option another meaning, its own words for it.
COMMAND_HELP: dict[str, dict[str, str]] = {
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
OPTIONS: dict[str, tuple[tuple[str, ...], dict[str, Any]]] = {
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
GROUPS = {
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
COMMAND_GROUPS: dict[str | None, tuple[str, ...]] = {
    None: ("identity", "role", "login", "cache"),
    "roles": ("identity", "login"),
    "configure": ("identity", "role", "login", "cache"),
    "logout": ("identity", "role", "password"),
    "console": ("identity", "role", "login", "cache"),
    "status": (),
}
