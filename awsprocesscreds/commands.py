"""What each command does, once ``cli`` has parsed its arguments."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from urllib.parse import urlsplit

from awsprocesscreds.errors import ConfigurationError, UsageError
from awsprocesscreds.logs import logger
from awsprocesscreds.request import CredentialRequest

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from types import SimpleNamespace

    #: A command's parsed line: argparse's, or ``plain_line``'s for a plain one.
    Arguments = argparse.Namespace | SimpleNamespace

log = logger(__name__)


def credentials(args: Arguments, env: Mapping[str, str]) -> int:
    """The original command: print credential_process JSON (cache, else login)."""
    from awsprocesscreds.login import obtain

    # Not through _print: the JSON is ours, checked ASCII, and must reach botocore as is.
    sys.stdout.write(obtain(_request(args), env).to_process_json() + "\n")
    sys.stdout.flush()
    return 0


def roles(args: Arguments, env: Mapping[str, str]) -> int:
    """Log in and list the assertion's roles by partition and account, without
    calling STS."""
    from awsprocesscreds.login import fetch_assertion, terminal_for
    from awsprocesscreds.roles import roles_by_account

    request = _request(args, env)
    with terminal_for(request, env) as person:
        assertion = fetch_assertion(request, person, env)
    _print("\n".join(roles_by_account(assertion.roles)))
    return 0


def configure(args: Arguments, env: Mapping[str, str]) -> int:
    """Write the profile's credential_process line; print it and a command to try.
    Everything is checked before the file is touched; a refusal leaves it unchanged."""
    from awsprocesscreds import profiles
    from awsprocesscreds.request import DEFAULT_MFA_TIMEOUT, DEFAULT_TIMEOUT

    written = {"--profile": args.profile, "-e": args.endpoint, "-u": args.username}
    written |= {"-p": args.provider, "-a": args.role_arn or "", "--region": args.region or ""}
    written |= {"--entity-id": args.entity_id or "", "--okta-client-id": args.okta_client_id or ""}
    for option, value in written.items():
        profiles.check_one_line(option, value)
    profiles.check_profile_name(args.profile)
    profiles.check_login(_request(args))
    if args.region is not None:
        profiles.check_region(args.region)
    arguments = ["-e", args.endpoint, "-u", args.username, "-p", args.provider.lower()]
    if args.entity_id:
        arguments += ["--entity-id", args.entity_id]
    if args.role_arn:
        arguments += ["-a", args.role_arn]
    if args.duration:
        arguments += ["--duration", str(args.duration)]
    if args.mfa_factor:
        arguments += ["--mfa-factor", args.mfa_factor]
    if args.mfa_timeout != DEFAULT_MFA_TIMEOUT:
        arguments += ["--mfa-timeout", f"{args.mfa_timeout:g}"]
    if args.timeout != DEFAULT_TIMEOUT:
        arguments += ["--timeout", f"{args.timeout:g}"]
    if args.keyring:
        arguments.append("--keyring")
    if args.okta_client_id:
        arguments += ["--okta-client-id", args.okta_client_id]
    if args.no_browser:
        arguments.append("--no-browser")
    if args.no_cache:
        arguments.append("--no-cache")
    if args.no_idp_session:
        arguments.append("--no-idp-session")
    settings = {"credential_process": profiles.command_line(arguments)}
    if args.region:
        settings["region"] = args.region
    path = profiles.config_path(env)
    edit = profiles.configure_profile(path, args.profile, settings)
    for warning in edit.warnings:
        log.warning("%s: %s", path, warning)
    header = f"[{edit.header}]"
    lines = [f"Wrote {header} in {path}:", header]
    lines += [f"{key} = {value}" for key, value in settings.items()]
    lines += ["", f"Try it:  aws sts get-caller-identity --profile {args.profile}"]
    _print("\n".join(lines))
    return 0


def logout(args: Arguments, env: Mapping[str, str]) -> int:
    """Remove cached credentials (one profile's, or --all), the kept IdP session of
    that user at that IdP (or all of them) and, with --keyring, the stored password."""
    from awsprocesscreds.cache import FileCache, cache_key
    from awsprocesscreds.idp_sessions import SessionStore

    # ``arguments`` saw to it that -e, -u and -p come all together or not at all.
    identified = bool(args.profile or (args.endpoint and args.username and args.provider))
    cache = FileCache.of_home()  # None (with a warning) when HOME cannot hold one
    sessions = SessionStore.of_home()
    removed = cache.clear() if args.all and cache is not None else 0
    forgotten = sessions.clear() if args.all and sessions is not None else 0
    if identified:
        # logout's --keyring is its own: forget the password (whatever the profile says).
        request = _request(args, env)._replace(keyring=args.keyring)
        if not args.all and cache is not None:
            removed += int(cache.delete(cache_key(request.key_parts())))
        if not args.all and sessions is not None:
            host = urlsplit(request.endpoint).hostname or ""
            forgotten += int(sessions.delete(request.provider, host, request.username))
        if args.keyring:
            from awsprocesscreds.login import password_store

            store = password_store(request)
            if store is not None and store.delete():
                _print(f"Removed the stored password of {request.username}.")
    _print(f"Removed {removed} cached credential set{'s' if removed != 1 else ''}.")
    if forgotten:
        _print(f"Forgot {forgotten} kept IdP session{'s' if forgotten != 1 else ''}.")
    return 0


def console(args: Arguments, env: Mapping[str, str]) -> int:
    """Open the AWS Management Console signed in with these credentials. The partition
    (from -a, else the region) and --destination are checked before any login."""
    import os

    from awsprocesscreds import console as federation
    from awsprocesscreds.browser import open_secret_url
    from awsprocesscreds.http import IdpSession
    from awsprocesscreds.login import obtain
    from awsprocesscreds.saml import role_arn_parts
    from awsprocesscreds.sts_endpoint import region_partition

    request = _request(args, env)
    if request.role_arn:
        parts = role_arn_parts(request.role_arn)
        if parts is None:
            raise UsageError(
                f"-a {request.role_arn!r} is not an IAM role ARN "
                "(arn:PARTITION:iam::ACCOUNT:role/NAME)"
            )
        partition = parts[0]
    else:
        partition = region_partition(env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "")
    endpoint, home = federation.endpoints(partition, env.get(federation.FEDERATION_URL_ENV))
    destination = federation.check_destination(partition, args.destination or home)
    credentials_ = obtain(request, env)
    with IdpSession(read_timeout=request.timeout) as session:
        token = federation.signin_token(session, endpoint, credentials_)
    url = federation.login_url(endpoint, token, destination)
    if args.print_url:
        _print(url)
        return 0
    # The browser inherits this process's environment: os.environ, which env is.
    opened = open_secret_url(url, os.environ)
    if opened is None:
        raise ConfigurationError(
            "the browser did not open the console sign-in page in time; run the same "
            "command with --print and open the URL yourself"
        )
    if not opened:
        _print(url)
        sys.stderr.write("No browser could be opened; open the URL above within 15 minutes.\n")
    return 0


def status(args: Arguments, env: Mapping[str, str]) -> int:
    """List the cached credential sets and kept IdP sessions (with --profile, only
    that profile's), one line each, never a secret."""
    import time

    from awsprocesscreds import status as listing
    from awsprocesscreds.cache import FileCache, cache_key
    from awsprocesscreds.idp_sessions import SessionStore

    now = time.time()
    cache = FileCache.of_home()
    store = SessionStore.of_home()
    sessions = store.entries() if store is not None else []
    keys = None
    if args.profile:
        request = _request(args, env)
        keys = [cache_key(request.key_parts())] if request.use_cache else []
        mine = (request.provider, urlsplit(request.endpoint).hostname or "", request.username)
        # A profile with --no-idp-session or --no-cache never uses a kept session.
        uses_sessions = request.use_idp_session and request.use_cache
        sessions = [
            kept
            for kept in sessions
            if uses_sessions
            and (kept.provider.lower(), kept.host.lower(), kept.username)
            == (mine[0].lower(), mine[1].lower(), mine[2])
        ]
    cached = listing.cached_sets(cache, now, keys) if cache is not None else []
    lines = listing.lines(cached, sessions, now)
    whose = f" for profile {args.profile}" if args.profile else ""
    _print("\n".join(lines) if lines else f"Nothing is kept{whose}.")
    return 0


def _request(args: Arguments, env: Mapping[str, str] | None = None) -> CredentialRequest:
    """The request of the command's options, or with ``--profile`` (``roles``,
    ``console``, ``logout``, ``status``), of that profile's credential_process line."""
    from awsprocesscreds.option_table import BY_PROFILE

    if args.command in BY_PROFILE and getattr(args, "profile", None):
        from awsprocesscreds.profile_options import profile_options

        return CredentialRequest.from_options(profile_options(args.profile, env or {}))
    return CredentialRequest.from_options(vars(args))


def _print(text: str) -> None:
    """Print a subcommand's text (it may carry IdP text such as role ARNs)."""
    from awsprocesscreds.display import safe_text

    sys.stdout.write(safe_text(text, newlines=True) + "\n")
    sys.stdout.flush()
