"""The commands compared, and the sandbox every one of them runs in.

Contract: ``OURS``, ``BASELINE`` and ``PYTHON`` name the three commands everywhere (in
the results and their JSON keys), ``OURS_ENTRA`` and ``OURS_ENTRA_PUSH`` ours signing in
at Entra ID, ``OURS_REFRESH`` ours refreshing on a kept AD FS 2.0 session, ``FLOOR``
that refresh done by ``floor_refresh.py`` with the standard library alone; ``LABELS``
is how the report names them, ``SIGN_INS`` where each signs in (:func:`describe` says
both).
:func:`child_env` builds a child's whole environment: a throw-away HOME and AWS config,
the emulators' CA, moto's STS on 127.0.0.1, and proxies that lead nowhere for anything
else. :func:`tool_args` and :func:`with_args` add the login both tools understand;
:func:`clear_cache` empties a tool's credential cache (ours: with its kept IdP
sessions); :func:`check_credentials` raises :class:`BenchError` unless a run printed
credentials.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Sequence
from pathlib import Path

from benchmarks.processes import BenchError, Command, Run

USER = "alice@example.com"
PASSWORD = "correct horse"
ROLE_ARN = "arn:aws:iam::123456789012:role/Dev"

OURS, BASELINE, PYTHON = "ours", "0.0.2", "python -c pass"
#: Our command signing in at Entra ID: a managed user without, and with, a push.
OURS_ENTRA, OURS_ENTRA_PUSH = "ours entra", "ours entra push"
#: Our command an hour later: its credentials expired, its AD FS 2.0 session kept.
OURS_REFRESH = "ours refresh"
#: The same refresh with none of our code: the standard library alone (floor_refresh.py).
FLOOR = "floor refresh"
LABELS = {
    OURS: "awsprocesscreds (ours)",
    BASELINE: "awsprocesscreds 0.0.2",
    PYTHON: "python -c pass",
    OURS_ENTRA: "awsprocesscreds (ours)",
    OURS_ENTRA_PUSH: "awsprocesscreds (ours)",
    OURS_REFRESH: "awsprocesscreds (ours)",
    FLOOR: "standard library alone",
}
#: Where each command signs in, in the cold-login and parallel tables (in this order).
SIGN_INS = {
    OURS: "AD FS 2.0",
    BASELINE: "AD FS 2.0",
    OURS_ENTRA: "Entra ID, password",
    OURS_ENTRA_PUSH: "Entra ID, password + push",
    OURS_REFRESH: "AD FS 2.0, kept IdP session",
    FLOOR: "AD FS 2.0, kept IdP session",
}

#: Variables passed on to the children; everything else (AWS_*, proxies, PYTHON*) is not.
PASSTHROUGH = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR", "SYSTEMROOT")
DEAD_PROXY = "http://127.0.0.1:9"


def child_env(home: Path, ca_file: Path, sts_url: str) -> dict[str, str]:
    """A minimal environment: a throw-away HOME and AWS config, loopback services only."""
    env = {name: os.environ[name] for name in PASSTHROUGH if name in os.environ}
    aws = home / ".aws-config"
    env.update(
        HOME=str(home),
        AWS_CONFIG_FILE=str(aws / "config"),
        AWS_SHARED_CREDENTIALS_FILE=str(aws / "credentials"),
        AWS_DEFAULT_REGION="us-east-1",
        AWS_ENDPOINT_URL_STS=sts_url,
        AWS_EC2_METADATA_DISABLED="true",
        REQUESTS_CA_BUNDLE=str(ca_file),
        # Loopback goes direct; anything else would go to a proxy that is not there
        # (port 9, discard), so no request can leave the machine by mistake.
        NO_PROXY="127.0.0.1,localhost",
        no_proxy="127.0.0.1,localhost",
        HTTPS_PROXY=DEAD_PROXY,
        https_proxy=DEAD_PROXY,
        HTTP_PROXY=DEAD_PROXY,
        http_proxy=DEAD_PROXY,
    )
    return env


def clear_cache(command: Command) -> None:
    """Empty a tool's credential cache: both tools keep theirs under $HOME/.aws."""
    shutil.rmtree(Path(command.env["HOME"]) / ".aws", ignore_errors=True)


def with_args(command: Command, args: Sequence[str]) -> Command:
    return Command(command.name, (*command.argv, *args), command.env, command.stdin)


def tool_args(endpoint: str, provider: str = "adfs", *extra: str, user: str = USER) -> list[str]:
    return ["-e", endpoint, "-u", user, "-p", provider, "-a", ROLE_ARN, *extra]


def describe(name: str) -> str:
    """A command and where it signs in, for messages: "awsprocesscreds (ours) on AD FS 2.0"."""
    return f"{LABELS[name]} on {SIGN_INS[name]}" if name in SIGN_INS else LABELS[name]


def check_credentials(run: Run, what: str) -> None:
    """Raise BenchError unless ``run`` printed a credential_process document."""
    if run.exit != 0:
        raise BenchError(f"{what}: {run.failure()}")
    try:
        document = json.loads(run.stdout)
    except ValueError:
        document = None
    if not isinstance(document, dict) or not document.get("AccessKeyId"):
        raise BenchError(f"{what}: printed no credentials: {run.stdout[:200]!r}")
