"""Reading an IdP's answer: its body as text, or as a JSON object. For responses of
``http.IdpSession``; requests itself is not imported here, so the modules that read
answers cost nothing to import until a sign-in sends something."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from awsprocesscreds.errors import IdpResponseError
from awsprocesscreds.urls import host_of as _host

if TYPE_CHECKING:
    import requests


def json_body(response: requests.Response) -> Mapping[str, Any]:
    """The response's JSON object, or IdpResponseError if it is not one (not JSON,
    not an object, or nested deeper than Python's parser goes)."""
    try:
        body = json.loads(text_body(response))
    except ValueError as exc:
        raise IdpResponseError(
            f"{_host(response.url)} answered HTTP {response.status_code} with something "
            "that is not JSON; is the endpoint right?"
        ) from exc
    except RecursionError as exc:
        raise IdpResponseError(
            f"{_host(response.url)} answered JSON nested too deeply to be a real answer"
        ) from exc
    if not isinstance(body, dict):
        raise IdpResponseError(f"{_host(response.url)} answered JSON that is not an object")
    return body


def text_body(response: requests.Response) -> str:
    """The body as text: the charset the server named, else UTF-8 (requests' own
    guess is slow on large pages and wrong for HTML without a charset). A charset
    Python does not know, or cannot decode leniently (``idna``), reads as UTF-8."""
    return decoded(response.content, response.headers.get("Content-Type", ""))


def decoded(content: bytes, content_type: str) -> str:
    """``content`` as text, in the charset ``content_type`` names, else UTF-8."""
    charset = "utf-8"
    for parameter in content_type.split(";")[1:]:
        key, _, value = parameter.strip().partition("=")
        if key.lower() == "charset" and value:
            charset = value.strip("\"'")
    try:
        return content.decode(charset, errors="replace")
    except (LookupError, UnicodeError):
        return content.decode("utf-8", errors="replace")
