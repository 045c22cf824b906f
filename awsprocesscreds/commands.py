"""What each command does, once ``cli`` has parsed its arguments."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Mapping

from awsprocesscreds.errors import ConfigurationError

log = logging.getLogger(__name__)


def credentials(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    """The original command: print credential_process JSON (cache, else login)."""
    from awsprocesscreds.cli import request_from
    from awsprocesscreds.login import obtain

    # Not through _print: the JSON is ours, checked ASCII, and must reach botocore as is.
    sys.stdout.write(obtain(request_from(args), env).to_process_json() + "\n")
    sys.stdout.flush()
    return 0


def roles(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    """Log in and list the assertion's roles by account, without calling STS."""
    from awsprocesscreds.cli import request_from
    from awsprocesscreds.login import fetch_assertion, terminal_for
    from awsprocesscreds.roles import roles_by_account

    request = request_from(args)
    with terminal_for(request, env) as person:
        assertion = fetch_assertion(request, person, env)
    _print("\n".join(roles_by_account(assertion.roles)))
    return 0


def configure(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    """Write the profile's credential_process line; print it and a command to try."""
    from awsprocesscreds.profiles import command_line, config_path, update_profile, write_config
    from awsprocesscreds.request import DEFAULT_MFA_TIMEOUT, DEFAULT_TIMEOUT

    arguments = ["-e", args.endpoint, "-u", args.username, "-p", args.provider.lower()]
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
    if args.no_cache:
        arguments.append("--no-cache")
    settings = {"credential_process": command_line(arguments)}
    if args.region:
        settings["region"] = args.region
    path = config_path(dict(env))
    try:
        text = path.read_text(encoding="utf-8") if path.exists() else ""
        write_config(path, update_profile(text, args.profile, settings))
    except OSError as exc:
        raise ConfigurationError(f"cannot update {path}: {exc.strerror or exc}") from exc
    header = "[default]" if args.profile == "default" else f"[profile {args.profile}]"
    lines = [f"Wrote {header} in {path}:", header]
    lines += [f"{key} = {value}" for key, value in settings.items()]
    lines += ["", f"Try it:  aws sts get-caller-identity --profile {args.profile}"]
    _print("\n".join(lines))
    return 0


def logout(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    """Remove cached credentials (one profile's, or --all) and, with --keyring, the
    stored password."""
    from awsprocesscreds.cache import FileCache, cache_key
    from awsprocesscreds.cli import request_from

    identified = bool(args.endpoint and args.username and args.provider)
    if args.keyring and not identified:
        raise ConfigurationError("forgetting a stored password needs -e, -u and -p")
    cache = FileCache.of_home()
    removed = cache.clear() if args.all else 0
    if identified:
        request = request_from(args)
        if not args.all:
            removed += int(cache.delete(cache_key(request.key_parts())))
        if args.keyring:
            from awsprocesscreds.login import password_store

            store = password_store(request)
            if store is not None and store.delete():
                _print(f"Removed the stored password of {request.username}.")
    _print(f"Removed {removed} cached credential set{'s' if removed != 1 else ''}.")
    return 0


def console(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    """Open the AWS Management Console signed in with these credentials."""
    from awsprocesscreds import console as federation
    from awsprocesscreds.cli import request_from
    from awsprocesscreds.http import IdpSession
    from awsprocesscreds.login import obtain
    from awsprocesscreds.sts import region_partition

    request = request_from(args)
    credentials_ = obtain(request, env)
    if request.role_arn:
        partition = request.role_arn.split(":")[1]
    else:
        partition = region_partition(env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "")
    endpoint, home = federation.endpoints(partition, env.get(federation.FEDERATION_URL_ENV))
    with IdpSession(read_timeout=request.timeout) as session:
        token = federation.signin_token(session, endpoint, credentials_)
    url = federation.login_url(endpoint, token, args.destination or home)
    if args.print_url:
        _print(url)
        return 0
    import webbrowser

    if not webbrowser.open(url):
        _print(url)
        sys.stderr.write("No browser could be opened; open the URL above within 15 minutes.\n")
    return 0


def _print(text: str) -> None:
    """Print a subcommand's text (it may carry IdP text such as role ARNs)."""
    from awsprocesscreds.display import safe_text

    sys.stdout.write(safe_text(text, newlines=True) + "\n")
    sys.stdout.flush()
