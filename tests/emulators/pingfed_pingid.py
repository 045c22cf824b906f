"""The PingID part of the PingFederate emulator: WebAuthn probe, devices, passcode, push.

PingFederate hands a signed-in user to PingID with the `ppm_request` auto-post form;
PingID walks its steps under its own cookie and the `csrfToken` of its pages, and ends
with an auto-post form carrying `ppm_response` back to PingFederate's resume path.
`PingIdSteps` is a mixin of `PingFedEmulator`, which owns the options and counters.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tests.emulators import pingfed_pages as pages
from tests.emulators.messages import Request, Response

PINGID_COOKIE = "PINGID_SESSION"
AUTH_PATH = "/pingid/ppm/auth"
DEVICES_PATH = "/pingid/ppm/devices"
OTP_PATH = "/pingid/ppm/auth/otp"
STATUS_PATH = "/pingid/ppm/auth/status"
RESPONSE_PATH = "/pingid/ppm/auth/response"
DEVICE_KINDS = ("swipe", "otp")
SWIPE_OUTCOMES = ("approve", "deny", "timeout", "claim_timeout", "never")
#: swipe_outcome -> the poll status once the waits are over, and the reason shown after.
ENDINGS = {
    "approve": ("OK", ""),
    "deny": ("DENIED", "Authentication was denied on your device."),
    "timeout": ("TIMEOUT", "Authentication timed out. Please try again."),
    "claim_timeout": ("DEVICE_CLAIM_TIMEOUT", "Authentication timed out. Please try again."),
    "never": ("ASYNC_AUTH_WAIT", "Authentication timed out. Please try again."),
}
DEVICE_NAMES = {"swipe": "iPhone", "otp": "Desktop Mac"}


@dataclass
class PingIdTxn:
    """One PingID transaction: the flow it answers, its CSRF token, the step it waits on,
    the device in use, the polls seen, and the `ppm_response` it ends with."""

    resume: str
    csrf: str
    step: str = "probe"  # probe | select | otp | swipe | done
    device: int = 0
    polls: int = 0
    response: str = ""
    failures: list[str] = field(default_factory=list)


class PingIdSteps:
    """PingID routes, mixed into `PingFedEmulator` (which provides what is declared)."""

    _lock: threading.RLock
    pingid: list[str]
    number: int | None
    swipe_outcome: str
    swipe_polls_before: int
    otp_code: str
    webauthn_probe: bool
    _selected_devices: list[str]
    _txns: dict[str, PingIdTxn]

    if TYPE_CHECKING:  # provided by the emulator this is mixed into

        def _bump(self, name: str) -> int: ...

        @property
        def url(self) -> str: ...

    def _ppm_request(self, resume: str) -> Response:
        """The hand-over from PingFederate to PingID for the flow at `resume`."""
        ticket = secrets.token_urlsafe(32)
        with self._lock:
            self._txns[ticket] = PingIdTxn(resume=resume, csrf=str(secrets.token_hex(16)))
        fields = [("idp_account_id", "8d2f7e1c-acme"), ("ppm_request", ticket)]
        return Response.html(pages.auto_post(f"{self.url}{AUTH_PATH}", fields))

    def _device_names(self) -> list[tuple[str, str]]:
        return [
            (f"{3270134077889335000 + index}", f"{DEVICE_NAMES[kind]} {index + 1}")
            for index, kind in enumerate(self.pingid)
        ]

    def _pingid_route(self, request: Request) -> Response | None:
        """Answer a PingID request, or None when the path is not PingID's."""
        if request.method == "POST" and request.path == AUTH_PATH:
            return self._auth_post(request)
        if request.path not in (DEVICES_PATH, OTP_PATH, STATUS_PATH, RESPONSE_PATH):
            return None
        with self._lock:
            txn = self._txns.get(request.cookies.get(PINGID_COOKIE, ""))
        form = dict(request.form_pairs()) if request.method == "POST" else {}
        token = form.get("csrfToken") or request.arg("csrfToken")
        if txn is None or token != txn.csrf:
            return Response.html(pages.error_page("Your session has expired."), 403)
        if request.path == DEVICES_PATH and request.method == "POST":
            return self._select(txn, form.get("deviceId", ""))
        if request.path == OTP_PATH and request.method == "POST" and txn.step == "otp":
            return self._otp(txn, form.get("otp", ""))
        if request.path == STATUS_PATH and txn.step == "swipe":
            return self._poll(txn)
        if request.path == RESPONSE_PATH and request.method == "GET" and txn.step == "swipe":
            return self._swipe_response(txn)
        return Response.html(pages.error_page("Unexpected request."), 400)

    def _auth_post(self, request: Request) -> Response:
        form = dict(request.form_pairs())
        ticket = form.get("ppm_request")
        if ticket is not None:
            with self._lock:
                txn = self._txns.get(ticket)
            if txn is None or txn.step != "probe":
                return Response.html(pages.error_page("Invalid request."), 400)
            answer = self._probe_or_devices(txn)
            return answer.set_cookie(PINGID_COOKIE, ticket, "/pingid/")
        with self._lock:
            txn = self._txns.get(request.cookies.get(PINGID_COOKIE, ""))
        if txn is None or txn.step != "probe" or "isWebAuthnSupportedByBrowser" not in form:
            return Response.html(pages.error_page("Invalid request."), 400)
        if form["isWebAuthnSupportedByBrowser"] == "true":
            return Response.html(pages.error_page("WebAuthn is not modelled here."), 400)
        return self._devices(txn)

    def _probe_or_devices(self, txn: PingIdTxn) -> Response:
        if self.webauthn_probe:
            return Response.html(pages.webauthn_probe(f"{self.url}{AUTH_PATH}"))
        return self._devices(txn)

    def _devices(self, txn: PingIdTxn) -> Response:
        """The device selection page with several devices, else the only device's page."""
        if len(self.pingid) > 1:
            with self._lock:
                txn.step = "select"
            html = pages.device_page(
                action=DEVICES_PATH, csrf=txn.csrf, devices=self._device_names()
            )
            return Response.html(html)
        return self._device_page(txn, 0)

    def _select(self, txn: PingIdTxn, device_id: str) -> Response:
        self._bump("device_selections")
        ids = [device for device, _ in self._device_names()]
        if txn.step not in ("select", "otp", "swipe") or device_id not in ids:
            return Response.html(pages.error_page("Unknown device."), 400)
        index = ids.index(device_id)
        with self._lock:
            self._selected_devices.append(self._device_names()[index][1])
        return self._device_page(txn, index)

    def _device_page(self, txn: PingIdTxn, index: int, error: str | None = None) -> Response:
        kind, name = self.pingid[index], self._device_names()[index][1]
        with self._lock:
            txn.step, txn.device = kind, index
        if kind == "otp":
            html = pages.otp_page(action=OTP_PATH, csrf=txn.csrf, device=name, error=error)
        else:
            html = pages.swipe_page(
                status_url=f"{self.url}{STATUS_PATH}",
                response_url=f"{self.url}{RESPONSE_PATH}",
                csrf=txn.csrf,
                device=name,
                number=self.number,
            )
        return Response.html(html)

    def _otp(self, txn: PingIdTxn, code: str) -> Response:
        self._bump("otp_attempts")
        if code != self.otp_code:
            return self._device_page(txn, txn.device, pages.BAD_PASSCODE)
        return self._finish(txn)

    def _poll(self, txn: PingIdTxn) -> Response:
        """The push status: ASYNC_AUTH_WAIT for the first `swipe_polls` polls, then the
        ending of `swipe_outcome` (never: always waiting)."""
        self._bump("swipe_polls")
        with self._lock:
            txn.polls += 1
            waiting = txn.polls <= self.swipe_polls_before
        status = "ASYNC_AUTH_WAIT" if waiting else ENDINGS[self.swipe_outcome][0]
        return Response.json({"status": status})

    def _swipe_response(self, txn: PingIdTxn) -> Response:
        """After the wait: the hand-back to PingFederate if the push was approved, else
        the error page with the reason (also when asked before the wait ended)."""
        ended = txn.polls > self.swipe_polls_before
        if ended and self.swipe_outcome == "approve":
            return self._finish(txn)
        return Response.html(pages.error_page(ENDINGS[self.swipe_outcome][1] or "Pending."))

    def _finish(self, txn: PingIdTxn) -> Response:
        """The auto-post form that returns `ppm_response` to PingFederate's resume path."""
        with self._lock:
            txn.step, txn.response = "done", secrets.token_urlsafe(32)
        action = f"{self.url}/idp/{txn.resume}/resumeSAML20/idp/startSSO.ping"
        fields = [("ppm_response", txn.response)]
        return Response.html(pages.auto_post(action, fields))
