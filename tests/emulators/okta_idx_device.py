"""The OAuth device-authorization and Web SSO token exchange of the Okta Identity
Engine emulator (`okta_idx.py` routes here).

- `POST /oauth2/v1/device/authorize` (form `client_id`, `scope`): a device code.
- `POST /oauth2/v1/token`: the device-code grant (polled) and the token exchange for
  a Web SSO token (`audience=urn:okta:apps:<APP_ID>`).
- `GET /test/device/approve?user_code=` and `/test/device/deny?user_code=`: test-only,
  the person's browser signing in (or refusing).
The emulator exchanges the Web SSO token at `POST /login/token/sso` (`take_web_sso`).
"""

from __future__ import annotations

import secrets
import string
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from tests.emulators.messages import Request, Response

DEVICE_OUTCOMES = ("approve", "deny", "expire")
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
EXCHANGE_GRANT = "urn:ietf:params:oauth:grant-type:token-exchange"
ACCESS_TYPE = "urn:ietf:params:oauth:token-type:access_token"
ID_TYPE = "urn:ietf:params:oauth:token-type:id_token"
WEB_SSO_TYPE = "urn:okta:oauth:token-type:web_sso_token"
EXPIRES_IN = 600
ASSURANCE = "The application's assurance requirements are not met by the 'subject_token'."


@dataclass(frozen=True)
class DeviceSettings:
    client_id: str
    app_id: str
    device_outcome: str
    slow_down_once: bool
    assurance_met: bool


@dataclass
class _Device:
    user_code: str
    expires: float
    state: str = "pending"  # pending, approved, denied, expired, used


def oauth_error(error: str, description: str, status: int = 400) -> Response:
    return Response.json({"error": error, "error_description": description}, status)


class DeviceFlow:
    """Device codes and tokens of one emulator; `bump(name)` counts."""

    def __init__(
        self, settings: DeviceSettings, *, url: Callable[[], str], bump: Callable[[str], int]
    ) -> None:
        self.settings = settings
        self._url, self._bump = url, bump
        self._lock = threading.RLock()
        self._devices: dict[str, _Device] = {}  # device_code -> device
        self._access: set[str] = set()
        self._id_tokens: set[str] = set()
        self._web_sso: set[str] = set()
        self._slowed = False

    def authorize(self, request: Request) -> Response:
        self._bump("device_authorizations")
        form = dict(request.form_pairs())
        if form.get("client_id") != self.settings.client_id:
            return oauth_error("invalid_client", "Invalid value for 'client_id' parameter.", 401)
        scopes = (form.get("scope") or "").split()
        if "openid" not in scopes or "okta.apps.sso" not in scopes:
            return oauth_error("invalid_scope", "The requested scope is invalid.")
        letters = string.ascii_uppercase
        code = "".join(secrets.choice(letters) for _ in range(8))
        user_code = f"{code[:4]}-{code[4:]}"
        device_code = secrets.token_urlsafe(24)
        with self._lock:
            self._devices[device_code] = _Device(user_code, time.time() + EXPIRES_IN)
        base = self._url()
        return Response.json(
            {
                "device_code": device_code,
                "user_code": user_code,
                "verification_uri": f"{base}/activate",
                "verification_uri_complete": f"{base}/activate?user_code={user_code}",
                "expires_in": EXPIRES_IN,
                "interval": 1,
            }
        )

    def decide(self, user_code: str | None, approve: bool) -> Response:
        """The person's browser: approve (as `device_outcome` says) or deny."""
        with self._lock:
            device = next((d for d in self._devices.values() if d.user_code == user_code), None)
            if device is None or device.state != "pending":
                return Response.html("unknown or used user code", 404)
            outcome = self.settings.device_outcome if approve else "deny"
            device.state = {"approve": "approved", "deny": "denied"}.get(outcome, "expired")
        return Response.html(f"device {device.state}")

    def token(self, request: Request) -> Response:
        form = dict(request.form_pairs())
        if form.get("client_id") != self.settings.client_id:
            return oauth_error("invalid_client", "Invalid value for 'client_id' parameter.", 401)
        grant = form.get("grant_type")
        if grant == DEVICE_GRANT:
            return self._poll(form.get("device_code") or "")
        if grant == EXCHANGE_GRANT:
            return self._exchange(form)
        return oauth_error("unsupported_grant_type", "The grant type is not supported.")

    def _poll(self, device_code: str) -> Response:
        self._bump("token_polls")
        with self._lock:
            device = self._devices.get(device_code)
            if device is None or device.state == "used":
                return oauth_error("invalid_grant", "The device code is invalid or has expired.")
            # "expire": the person is too slow, approving or not.
            expire = self.settings.device_outcome == "expire" or device.state == "expired"
            if expire or device.expires < time.time():
                return oauth_error("expired_token", "The device code has expired.")
            if self.settings.slow_down_once and not self._slowed:
                self._slowed = True
                return oauth_error("slow_down", "The client is polling too frequently.")
            if device.state == "denied":
                return oauth_error("access_denied", "The resource owner denied the request.")
            if device.state == "pending":
                return oauth_error("authorization_pending", "The device authorization is pending.")
            device.state = "used"
            access, id_token = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
            self._access.add(access)
            self._id_tokens.add(id_token)
        return Response.json(
            {
                "token_type": "Bearer",
                "expires_in": 3600,
                "access_token": access,
                "scope": "openid okta.apps.sso",
                "id_token": id_token,
            }
        )

    def _exchange(self, form: dict[str, str]) -> Response:
        self._bump("token_exchanges")
        expected = {
            "actor_token_type": ACCESS_TYPE,
            "subject_token_type": ID_TYPE,
            "requested_token_type": WEB_SSO_TYPE,
        }
        wrong = sorted(name for name, value in expected.items() if form.get(name) != value)
        if wrong:
            return oauth_error("invalid_request", f"Invalid value for {wrong[0]!r}.")
        if form.get("audience") != f"urn:okta:apps:{self.settings.app_id}":
            return oauth_error("invalid_target", "The 'audience' is not a known application.")
        with self._lock:
            known = (
                form.get("actor_token") in self._access
                and form.get("subject_token") in self._id_tokens
            )
        if not known:
            return oauth_error("invalid_grant", "The 'subject_token' is invalid or expired.")
        if not self.settings.assurance_met:
            return oauth_error("invalid_grant", ASSURANCE)
        token = secrets.token_urlsafe(32)
        with self._lock:
            self._web_sso.add(token)
        return Response.json(
            {
                "token_type": "N_A",
                "expires_in": 300,
                "access_token": token,
                "issued_token_type": WEB_SSO_TYPE,
            }
        )

    def take_web_sso(self, token: str | None) -> bool:
        """Consume a Web SSO token (single use); False if unknown or used."""
        with self._lock:
            if token is None or token not in self._web_sso:
                return False
            self._web_sso.discard(token)
            return True
