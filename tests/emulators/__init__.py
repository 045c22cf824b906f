"""Local stand-ins for the services awsprocesscreds talks to: AD FS, Okta and STS.

All identity-provider emulators serve HTTPS on 127.0.0.1 with a throw-away CA
(`make_tls`); `MotoSts` serves plain HTTP on loopback.
"""

from tests.emulators.adfs import AdfsEmulator
from tests.emulators.messages import Request, Response
from tests.emulators.okta import OktaEmulator
from tests.emulators.saml import DEFAULT_ROLE, build_saml_response
from tests.emulators.server import EmulatorServer
from tests.emulators.sts import MotoSts
from tests.emulators.tls import TestTls, make_tls

__all__ = [
    "DEFAULT_ROLE",
    "AdfsEmulator",
    "EmulatorServer",
    "MotoSts",
    "OktaEmulator",
    "Request",
    "Response",
    "TestTls",
    "build_saml_response",
    "make_tls",
]
