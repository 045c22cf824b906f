"""Signing in to the AWS Management Console with temporary credentials, through the
federation endpoint of the credentials' partition: getSigninToken, then the login URL.

The sign-in token and the URL carrying it are secrets for as long as they live (15
minutes): they are opened in the browser or printed on request, never logged.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode, urlsplit

import requests

from awsprocesscreds.bodies import json_body
from awsprocesscreds.credentials import Credentials
from awsprocesscreds.errors import ConfigurationError, IdpResponseError, UsageError
from awsprocesscreds.urls import require_https

#: The federation endpoint and console of each partition.
PARTITIONS = {
    "aws": ("https://signin.aws.amazon.com/federation", "https://console.aws.amazon.com/"),
    "aws-cn": ("https://signin.amazonaws.cn/federation", "https://console.amazonaws.cn/"),
    "aws-us-gov": (
        "https://signin.amazonaws-us-gov.com/federation",
        "https://console.amazonaws-us-gov.com/",
    ),
}
#: Points the federation endpoint elsewhere (a local emulator in tests).
FEDERATION_URL_ENV = "AWSPROCESSCREDS_FEDERATION_URL"
ISSUER = "awsprocesscreds"


def endpoints(partition: str, override: str | None) -> tuple[str, str]:
    """(federation endpoint, default console page) for ``partition``."""
    if partition not in PARTITIONS:
        raise ConfigurationError(
            f"no console sign-in for partition {partition!r}; known: {', '.join(PARTITIONS)}"
        )
    federation, console = PARTITIONS[partition]
    if override:
        require_https(override)
        federation = override
    return federation, console


def check_destination(partition: str, destination: str) -> str:
    """``destination`` if it is an https:// page of ``partition``'s console (its host,
    or a subdomain such as ``us-east-1.console.aws.amazon.com``); else UsageError."""
    console = urlsplit(PARTITIONS[partition][1]).hostname or ""
    try:
        parts = urlsplit(destination)
        port = parts.port
    except ValueError:
        parts, port = None, None
    host = parts.hostname if parts else None
    if (
        parts is None
        or parts.scheme != "https"
        or not host
        or not (host == console or host.endswith("." + console))
        or not all(c.isascii() and (c.isalnum() or c in ".-:") for c in parts.netloc)
        or port not in (None, 443)
        or not all(" " < c < "\x7f" and c != "\\" for c in destination)
    ):
        raise UsageError(
            f"--destination must be an https:// page of the {partition} console "
            f"(https://{console}/ or a subdomain of it), such as https://{console}/s3/"
        )
    return destination


def signin_token(session: requests.Session, federation: str, credentials: Credentials) -> str:
    """Exchange the credentials for a sign-in token (getSigninToken)."""
    document = json.dumps(
        {
            "sessionId": credentials.access_key_id,
            "sessionKey": credentials.secret_access_key,
            "sessionToken": credentials.session_token,
        }
    )
    response = session.get(federation, params={"Action": "getSigninToken", "Session": document})
    if response.status_code != 200:
        raise IdpResponseError(
            f"the AWS federation endpoint answered HTTP {response.status_code}; the "
            "credentials may have expired: run `awsprocesscreds-saml logout` with the same "
            "options, then try again"
        )
    token = json_body(response).get("SigninToken")
    if not isinstance(token, str) or not token:
        raise IdpResponseError("the AWS federation endpoint answered without a SigninToken")
    return token


def login_url(federation: str, token: str, destination: str) -> str:
    """The console sign-in URL for ``token``."""
    query = urlencode(
        {"Action": "login", "Issuer": ISSUER, "Destination": destination, "SigninToken": token}
    )
    return f"{federation}?{query}"
