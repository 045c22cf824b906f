"""Reading Okta Identity Engine (IDX) documents: pure functions, no HTTP.

Every IDX answer is one JSON document: the ``stateHandle`` to send back, the
``remediation`` list of what may come next (each with a ``name``, the ``href`` to POST
to and the fields it accepts), context objects (the current authenticator and its
enrollment, the user's authenticators), ``messages`` on errors and ``success`` at the
end. Everything is read through ``answers.dig``/``text``: an answer of another shape
reads as missing, never as a traceback.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from awsprocesscreds.answers import dig, text
from awsprocesscreds.errors import MfaError
from awsprocesscreds.forms import unescape_js
from awsprocesscreds.interaction import Choose, Flow

#: ``"stateToken":"..."`` (or ``stateToken = '...'``) in the sign-in page's scripts,
#: matched only where the name occurs, at most _MAX_TOKEN_TRIES times: each try reads
#: a bounded stretch, so a hostile page cannot make it slow.
_STATE_TOKEN = re.compile(r"""stateToken["']?[ \t]*[:=][ \t]*(["'])((?:[^"'\\\n]|\\.){1,4096})\1""")
_MAX_TOKEN_TRIES = 5
#: IDX method types -> the ``--mfa-factor`` names (``otp``: Google Authenticator;
#: ``token``: a code authenticator named by its key, RSA SecurID and the like).
FACTOR_OF_METHOD = {
    "push": "push",
    "totp": "totp",
    "otp": "totp",
    "sms": "sms",
    "voice": "call",
    "email": "email",
    "token": "token",
}
#: Authenticators whose option names no method type: the method their key implies.
_METHOD_OF_KEY = {
    "google_otp": "otp",
    "rsa_token": "token",
    "onprem_mfa": "token",
    "symantec_vip": "token",
    "yubikey_token": "token",
    "custom_otp": "token",
}
_METHOD_NAMES = {
    "push": "push notification",
    "totp": "code from the app",
    "otp": "code from the app",
    "sms": "code by SMS",
    "voice": "code by phone call",
    "email": "code by email",
}
#: What every "a browser is needed" line ends with.
DEVICE_FLOW = "use --okta-client-id to sign in in a browser (see docs/okta.md)"
#: Method types only a browser (or Okta's own app on the device) can perform.
BROWSER_ONLY = {"signed_nonce": "Okta FastPass", "webauthn": "a security key or biometric"}
#: How many JSON values are looked at for error messages (a real document has a few
#: hundred); a hostile one cannot make the search long.
_MAX_VALUES = 10_000


@dataclass(frozen=True)
class Remediation:
    """One step the IDX document offers."""

    name: str
    href: str
    fields: tuple[Mapping[str, Any], ...]
    #: Seconds between polls (``challenge-poll``), when the document says.
    refresh: float | None

    def field(self, name: str) -> Mapping[str, Any] | None:
        return next((f for f in self.fields if text(f.get("name")) == name), None)

    def asks_password(self) -> bool:
        """True for an ``identify`` that takes the password in the same form."""
        return self.field("credentials") is not None


@dataclass(frozen=True)
class Choice:
    """One second factor ``select-authenticator-authenticate`` offers, and the
    ``authenticator`` object that picks it (its ``id``, ``methodType`` and any
    ``enrollmentId``, as the option lists them)."""

    label: str
    method_type: str
    selection: tuple[tuple[str, str], ...]

    @property
    def factor(self) -> str | None:
        """The ``--mfa-factor`` name, None for a method we cannot perform."""
        return FACTOR_OF_METHOD.get(self.method_type)


def state_token(scripts: tuple[str, ...]) -> str | None:
    """The ``stateToken`` of Okta's sign-in page, JavaScript escapes (``\\x2D``) undone."""
    tries = 0
    for script in scripts:
        at = script.find("stateToken")
        while at >= 0 and tries < _MAX_TOKEN_TRIES:
            tries += 1
            match = _STATE_TOKEN.match(script, at)
            if match:
                return unescape_js(match.group(2)) or None
            at = script.find("stateToken", at + 1)
    return None


def state_handle(document: Mapping[str, Any]) -> str | None:
    return text(document.get("stateHandle"))


def remediations(document: Mapping[str, Any]) -> list[Remediation]:
    """The steps offered, in the document's order; entries without a name or an href
    are left out."""
    found = []
    listed = dig(document, "remediation", "value")
    for entry in listed if isinstance(listed, list) else []:
        if not isinstance(entry, Mapping):
            continue
        name, href = text(entry.get("name")), text(entry.get("href"))
        if not name or not href:
            continue
        fields = entry.get("value")
        refresh = entry.get("refresh")
        found.append(
            Remediation(
                name,
                href,
                tuple(f for f in fields if isinstance(f, Mapping))
                if isinstance(fields, list)
                else (),
                refresh / 1000
                if isinstance(refresh, int | float) and not isinstance(refresh, bool)
                else None,
            )
        )
    return found


def success_href(document: Mapping[str, Any]) -> str | None:
    return text(dig(document, "success", "href"))


def current_type(document: Mapping[str, Any]) -> str | None:
    """The type (``password``, ``app``, ``phone``, ``email``...) of the authenticator
    being challenged."""
    for key in ("currentAuthenticatorEnrollment", "currentAuthenticator"):
        kind = text(dig(document, key, "value", "type"))
        if kind:
            return kind
    return None


def current_name(document: Mapping[str, Any]) -> str:
    """How to name the authenticator being challenged in a prompt."""
    for key in ("currentAuthenticatorEnrollment", "currentAuthenticator"):
        name = text(dig(document, key, "value", "displayName"))
        if name:
            return name
    return "Okta"


def number_challenge(document: Mapping[str, Any]) -> str | None:
    """The number to pick in Okta Verify, when Okta sends one with the push."""
    for key in ("currentAuthenticator", "currentAuthenticatorEnrollment"):
        number = text(dig(document, key, "value", "contextualData", "correctAnswer"))
        if number:
            return number
    return None


def choices(document: Mapping[str, Any], remediation: Remediation) -> list[Choice]:
    """Every (authenticator, method) pair a ``select-authenticator-authenticate``
    offers, the password left out. An option without a method type takes the one its
    authenticator's key implies (``relatesTo`` the document's enrollments)."""
    found = []
    field = remediation.field("authenticator")
    options = field.get("options") if field is not None else None
    for option in options if isinstance(options, list) else []:
        values = dig(option, "value", "form", "value")
        if not isinstance(values, list):
            continue
        fixed: list[tuple[str, str]] = []
        methods: list[str] = []
        for value in values:
            name = text(dig(value, "name"))
            if name == "methodType":
                listed = dig(value, "options")
                if isinstance(listed, list):
                    methods = [m for m in (text(dig(item, "value")) for item in listed) if m]
                elif text(dig(value, "value")):
                    methods = [str(text(dig(value, "value")))]
            elif name and text(dig(value, "value")):
                fixed.append((name, str(text(dig(value, "value")))))
        if not any(name == "id" for name, _ in fixed):
            continue
        label = text(dig(option, "label")) or "?"
        if methods:
            found += [
                Choice(label, method, (*fixed, ("methodType", method)))
                for method in methods
                if method != "password"
            ]
            continue
        key = text(dig(_related(document, text(dig(option, "relatesTo"))), "key")) or ""
        if key != "okta_password":
            found.append(Choice(label, _METHOD_OF_KEY.get(key, key or "unknown"), tuple(fixed)))
    return found


def _related(document: Mapping[str, Any], pointer: str | None) -> object:
    """The object a ``relatesTo`` pointer such as ``$.authenticatorEnrollments.value[3]``
    names, or None."""
    if not pointer or not pointer.startswith("$."):
        return None
    path, _, index = pointer[2:].partition("[")
    listed = dig(document, *path.split("."))
    number = index.rstrip("]")
    if not isinstance(listed, list) or not number.isdigit() or int(number) >= len(listed):
        return None
    return listed[int(number)]


def messages(document: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Every (text, i18n key) message of the document, its fields' included."""
    found: list[tuple[str, str]] = []
    pending: deque[object] = deque([document])
    for _ in range(_MAX_VALUES):
        if not pending:
            break
        value = pending.popleft()
        if isinstance(value, Mapping):
            listed = dig(value, "messages", "value")
            for item in listed if isinstance(listed, list) else []:
                message = text(dig(item, "message"))
                if message:
                    found.append((message, text(dig(item, "i18n", "key")) or ""))
            pending.extend(inner for key, inner in value.items() if key != "messages")
        elif isinstance(value, list):
            pending.extend(value)
    return found


def choose_factor(options: list[Choice], wanted: str | None) -> Flow[Choice]:
    """The second factor to use: the one ``--mfa-factor`` names, else the only one,
    else the person's choice from a menu. Raises MfaError when none can be used here."""
    usable = [choice for choice in options if choice.factor is not None]
    if not usable:
        names = ", ".join(
            BROWSER_ONLY.get(choice.method_type, choice.method_type) for choice in options
        )
        raise MfaError(
            f"Okta asks for {names or 'a second factor'}, which cannot be done from a "
            f"terminal (the AWS app's policy allows no other factor); {DEVICE_FLOW}"
        )
    if wanted is not None:
        matching = [choice for choice in usable if choice.factor == wanted]
        if not matching:
            have = ", ".join(sorted({str(choice.factor) for choice in usable}))
            raise MfaError(
                f"--mfa-factor {wanted} is not offered by Okta for this sign-in; offered: {have}"
            )
        usable = matching
    if len(usable) == 1:
        return usable[0]
    labels = tuple(
        f"{choice.label} ({_METHOD_NAMES.get(choice.method_type, choice.method_type)})"
        for choice in usable
    )
    index = yield Choose("Okta asks for a second factor:", labels)
    if not isinstance(index, int) or not 0 <= index < len(usable):
        raise MfaError("no second factor was chosen")
    return usable[index]
