"""PingFederate emulator: IdP-initiated SSO to AWS, the HTML Form Adapter and PingID.

Flow (see the reference notes on PingFederate):
1. `GET /idp/startSSO.ping?PartnerSpId=urn:amazon:webservices` (the entry URL) answers the
   HTML Form Adapter login page, whose form posts to `/idp/<resume>/resumeSAML20/idp/
   startSSO.ping` (`<resume>` is new for every flow), and sets the `PF` cookie. With a
   live `PF` session cookie from an earlier sign-in it answers the SAML form at once.
2. The login post (`pf.username`, `pf.pass`): a wrong password or unknown user answers
   the login page again (200) with the adapter's error in `div.ping-error` and the
   username kept. A resume path that is unknown, finished, or posted without the flow's
   `PF` cookie answers an error page (400).
3. Without PingID devices the right password ends the flow. With them PingFederate
   answers the `ppm_request` auto-post form to PingID (`pingfed_pingid.py`): the WebAuthn
   probe, device selection, a passcode or a push with number matching; PingID ends with
   an auto-post of `ppm_response` back to the resume path.
4. The end: the auto-post form of `SAMLResponse` to https://signin.aws.amazon.com/saml
   and the `PF` session cookie (HttpOnly, Secure, path /).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tests.emulators import pingfed_pages as pages
from tests.emulators.messages import Request, Response
from tests.emulators.options import check_option
from tests.emulators.pingfed_pingid import DEVICE_KINDS, SWIPE_OUTCOMES, PingIdSteps, PingIdTxn
from tests.emulators.server import Count
from tests.emulators.sessions import SessionIdp, SessionOptions
from tests.emulators.tls import TestTls

if TYPE_CHECKING:
    from typing_extensions import Unpack

__all__ = ["ENTRY_PATH", "PF_COOKIE", "PingFedEmulator"]

ENTRY_PATH = "/idp/startSSO.ping"
PARTNER = "urn:amazon:webservices"
PF_COOKIE = "PF"
ADAPTER_ID = "HTMLFormAdapter"
RESUME_SUFFIX = "/resumeSAML20/idp/startSSO.ping"


@dataclass
class PfFlow:
    """One SSO transaction: its `PF` cookie, the step it waits on and the user."""

    browser: str
    step: str = "login"  # login | pingid | done
    user: str = ""


class PingFedEmulator(PingIdSteps, SessionIdp):
    """A PingFederate server (with PingID on the same host) on https://127.0.0.1:PORT.

    Options: `users` (name -> password), `roles`, `session_duration` (the AWS attribute),
    `pingid` (the user's PingID devices in order, each "swipe" or "otp"; () no PingID),
    `number` (the number to match on a push, None: none), `swipe_outcome` ("approve",
    "deny", "timeout": status TIMEOUT, "claim_timeout": DEVICE_CLAIM_TIMEOUT, "never":
    waiting for ever), `swipe_polls` (polls answered ASYNC_AUTH_WAIT first), `otp_code`,
    `webauthn_probe` (PingID's WebAuthn question first), `error_text` (replaces the
    wrong-password message), `session_lifetime` (8 hours, PingFederate's default).
    Counters: `logins` (SAML forms served), `password_posts`, `otp_attempts`,
    `swipe_polls`, `device_selections`, `gets`, `sign_ins`, `session_reuses`.
    `selected_devices` lists the names of the devices chosen, in order.
    Raises ValueError on an unknown device kind or swipe outcome.
    """

    default_session_lifetime = 28800.0

    password_posts = Count()
    otp_attempts = Count()
    swipe_polls = Count()
    device_selections = Count()
    gets = Count()

    def __init__(
        self,
        tls: TestTls,
        *,
        pingid: Sequence[str] = (),
        number: int | None = 42,
        swipe_outcome: str = "approve",
        swipe_polls: int = 2,
        otp_code: str = "123456",
        webauthn_probe: bool = True,
        error_text: str | None = None,
        **session: Unpack[SessionOptions],
    ) -> None:
        check_option("pingid", pingid, DEVICE_KINDS)
        check_option("swipe_outcome", [swipe_outcome], SWIPE_OUTCOMES)
        if swipe_polls < 0:
            raise ValueError(f"swipe_polls: must not be negative: {swipe_polls!r}")
        super().__init__(tls, **session)
        self.pingid = list(pingid)
        self.number = number
        self.swipe_outcome = swipe_outcome
        self.swipe_polls_before = swipe_polls
        self.otp_code = otp_code
        self.webauthn_probe = webauthn_probe
        self.error_text = error_text
        self._flows: dict[str, PfFlow] = {}
        self._txns: dict[str, PingIdTxn] = {}
        self._selected_devices: list[str] = []

    @property
    def entry_url(self) -> str:
        """The IdP-initiated SSO URL for AWS, the one users give."""
        return f"{self.url}{ENTRY_PATH}?PartnerSpId={PARTNER}"

    @property
    def selected_devices(self) -> list[str]:
        """Copy of the names of the PingID devices chosen on the selection page, in order."""
        with self._lock:
            return list(self._selected_devices)

    # -- routes ------------------------------------------------------------------------

    def handle(self, request: Request) -> Response:
        if request.method == "GET":
            self._bump("gets")
            if request.path == ENTRY_PATH and request.arg("PartnerSpId") == PARTNER:
                return self._entry(request)
        resume = self._resume_of(request.path)
        if request.method == "POST" and resume is not None:
            return self._resume(request, resume)
        answer = self._pingid_route(request)
        if answer is not None:
            return answer
        return Response.html(pages.error_page("Page not found."), 404)

    @staticmethod
    def _resume_of(path: str) -> str | None:
        """The resume id of `/idp/<resume>/resumeSAML20/idp/startSSO.ping`, else None."""
        head, _, resume = path.removesuffix(RESUME_SUFFIX).rpartition("/")
        if head != "/idp" or not path.endswith(RESUME_SUFFIX) or not resume:
            return None
        return resume

    def _entry(self, request: Request) -> Response:
        session = self._session(request.cookies.get(PF_COOKIE))
        if session is not None:
            self._served(session)
            return self._assertion(session.user)
        resume, browser = secrets.token_urlsafe(6), secrets.token_urlsafe(24)
        with self._lock:
            self._flows[resume] = PfFlow(browser=browser)
        return self._login(resume).set_cookie(PF_COOKIE, browser)

    def _resume(self, request: Request, resume: str) -> Response:
        with self._lock:
            flow = self._flows.get(resume)
        if flow is None or flow.step == "done" or request.cookies.get(PF_COOKIE) != flow.browser:
            reason = "An unexpected error occurred: the sign-on request is no longer valid."
            return Response.html(pages.error_page(reason), 400)
        form = dict(request.form_pairs())
        if flow.step == "login":
            return self._password(flow, resume, form)
        return self._pingid_done(flow, resume, form.get("ppm_response", ""))

    def _password(self, flow: PfFlow, resume: str, form: dict[str, str]) -> Response:
        self._bump("password_posts")
        user, password = form.get("pf.username", ""), form.get("pf.pass", "")
        if self.users.get(user) is None or self.users.get(user) != password:
            message = pages.INVALID_CREDENTIALS if self.error_text is None else self.error_text
            return self._login(resume, username=user, error=message)
        if not self.pingid:
            return self._signed_in(flow, user)
        with self._lock:
            flow.step, flow.user = "pingid", user
        return self._ppm_request(resume)

    def _pingid_done(self, flow: PfFlow, resume: str, response: str) -> Response:
        with self._lock:
            done = [
                txn
                for txn in self._txns.values()
                if txn.resume == resume and txn.step == "done" and txn.response
            ]
        if not response or response not in [txn.response for txn in done]:
            return Response.html(pages.error_page("PingID authentication failed."), 400)
        return self._signed_in(flow, flow.user)

    # -- answers -----------------------------------------------------------------------

    def _login(self, resume: str, *, username: str = "", error: str | None = None) -> Response:
        html = pages.login_page(
            base=f"{self.url}/",
            action=f"/idp/{resume}{RESUME_SUFFIX}",
            adapter_id=ADAPTER_ID,
            username=username,
            error=error,
        )
        return Response.html(html)

    def _assertion(self, user: str) -> Response:
        self._bump("logins")
        saml = self._saml_for(
            user,
            issuer=f"{self.url}/idp",
        )
        return Response.html(pages.saml_page(saml))

    def _signed_in(self, flow: PfFlow, user: str) -> Response:
        """The SAML form of a full sign-in, with the `PF` session cookie."""
        with self._lock:
            flow.step = "done"
        session = self._sign_in(user)
        self._served(session)
        return self._assertion(user).set_cookie(PF_COOKIE, session.value)
