"""HTTP messages as the emulators see them: a parsed `Request`, an immutable `Response`.

Pure values with small builders; no sockets here (see `server.py`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from email.utils import formatdate
from http.cookies import CookieError, SimpleCookie
from typing import Any
from urllib.parse import parse_qsl


@dataclass(frozen=True)
class Request:
    """One parsed HTTP request. `path` has no query; `query` keeps blank values."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-case names; a repeated header keeps its last value
    body: bytes
    cookies: dict[str, str]

    def arg(self, name: str) -> str | None:
        """Return the first query value called `name`, or None."""
        values = self.query.get(name)
        return values[0] if values else None

    def form_pairs(self) -> list[tuple[str, str]]:
        """Return the url-encoded body as (name, value) pairs, repeats and blanks kept."""
        return parse_qsl(self.body.decode("utf-8", "replace"), keep_blank_values=True)

    def json(self) -> Any:
        """Return the decoded JSON body. Raises ValueError if it is not JSON."""
        return json.loads(self.body.decode("utf-8"))

    def json_object(self) -> dict[str, Any] | None:
        """Return the JSON body if it is an object, else None."""
        try:
            body = self.json()
        except ValueError:
            return None
        return body if isinstance(body, dict) else None


@dataclass(frozen=True)
class Response:
    """One HTTP answer. Builders return new instances (the class is immutable)."""

    status: int
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: tuple[tuple[str, str], ...] = field(default=())

    @classmethod
    def html(cls, text: str, status: int = 200) -> Response:
        return cls(status, text.encode("utf-8"))

    @classmethod
    def json(cls, payload: Any, status: int = 200) -> Response:
        return cls(status, json.dumps(payload).encode("utf-8"), "application/json")

    @classmethod
    def redirect(cls, location: str, status: int = 302) -> Response:
        return cls(status, b"", "text/html; charset=utf-8", (("Location", location),))

    def with_header(self, name: str, value: str) -> Response:
        return replace(self, headers=(*self.headers, (name, value)))

    def set_cookie(
        self, name: str, value: str, path: str = "/", *, expires: float | None = None
    ) -> Response:
        """Add a Secure, HttpOnly cookie for this host: a session cookie (kept until the
        browser closes), or with `expires` (epoch seconds) a persistent one."""
        lasts = "" if expires is None else f"; Expires={formatdate(expires, usegmt=True)}"
        cookie = f"{name}={value}{lasts}; Path={path}; Secure; HttpOnly; SameSite=None"
        return self.with_header("Set-Cookie", cookie)


def parse_cookies(header: str) -> dict[str, str]:
    """Parse a Cookie header into name -> value; a malformed header gives {}."""
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(header)
    except CookieError:
        return {}
    return {name: morsel.value for name, morsel in jar.items()}
