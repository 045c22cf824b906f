"""Local stand-ins for the services awsprocesscreds talks to: AD FS, Entra ID, Keycloak,
Okta, PingFederate, Shibboleth, STS.

All identity-provider emulators serve HTTPS on 127.0.0.1 with a throw-away CA
(`make_tls`); `MotoSts` serves plain HTTP on loopback.

The names below are imported lazily, on first use: `from tests.emulators import
AdfsEmulator` loads the AD FS emulator and what it needs, not moto (`MotoSts`) or pyotp
(`OktaEmulator`). `make demo` relies on that: its virtualenv holds neither.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tests.emulators.adfs import AdfsEmulator
    from tests.emulators.entra import EntraEmulator
    from tests.emulators.keycloak import KeycloakEmulator
    from tests.emulators.messages import Request, Response
    from tests.emulators.okta import OktaEmulator
    from tests.emulators.okta_idx import OktaIdxEmulator
    from tests.emulators.pingfed import PingFedEmulator
    from tests.emulators.saml import DEFAULT_ROLE, build_saml_response
    from tests.emulators.server import EmulatorServer
    from tests.emulators.sessions import ManualClock
    from tests.emulators.shibboleth import ShibbolethEmulator
    from tests.emulators.sts import MotoSts
    from tests.emulators.tls import TestTls, make_tls

#: Public name -> the submodule that defines it.
_HOMES = {
    "AdfsEmulator": "adfs",
    "DEFAULT_ROLE": "saml",
    "EntraEmulator": "entra",
    "EmulatorServer": "server",
    "KeycloakEmulator": "keycloak",
    "ManualClock": "sessions",
    "MotoSts": "sts",
    "ShibbolethEmulator": "shibboleth",
    "OktaEmulator": "okta",
    "OktaIdxEmulator": "okta_idx",
    "PingFedEmulator": "pingfed",
    "Request": "messages",
    "Response": "messages",
    "TestTls": "tls",
    "build_saml_response": "saml",
    "make_tls": "tls",
}

__all__ = [
    "DEFAULT_ROLE",
    "AdfsEmulator",
    "EmulatorServer",
    "EntraEmulator",
    "KeycloakEmulator",
    "ManualClock",
    "MotoSts",
    "OktaEmulator",
    "OktaIdxEmulator",
    "PingFedEmulator",
    "Request",
    "Response",
    "ShibbolethEmulator",
    "TestTls",
    "build_saml_response",
    "make_tls",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
