"""Per-flow state of the Entra ID emulator and its pure decisions (MFA answers, errors).

One `Flow` is one sign-in, from the first page to the final form. The emulator keys it
by its current flow token and rotates the token on every step; nothing here does I/O.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Collection
from dataclasses import dataclass, field

from tests.emulators.sessions import IdpSession

PUSH_METHODS = (
    "PhoneAppNotification",
    "TwoWayVoiceMobile",
    "TwoWayVoiceAlternateMobile",
    "TwoWayVoiceOffice",
)
CODE_METHODS = ("PhoneAppOTP", "OneWaySMS", "HardwareOTP")
MFA_METHODS = PUSH_METHODS + CODE_METHODS
MFA_OUTCOMES = ("approve", "deny", "never", "no_response")
PROOF_UPS = (None, "skippable", "required")
INTERRUPTS = (None, "conditional_access", "unknown", "loop")
DISPLAY = {
    "PhoneAppNotification": "Microsoft Authenticator",
    "PhoneAppOTP": "Microsoft Authenticator",
    "OneWaySMS": "+X XXXXXXXX89",
    "TwoWayVoiceMobile": "+X XXXXXXXX89",
    "TwoWayVoiceAlternateMobile": "+X XXXXXXXX17",
    "TwoWayVoiceOffice": "+X XXXXXXXX55",
    "HardwareOTP": "Hardware token",
}
WRONG_CODE = {
    "PhoneAppOTP": "OathCodeIncorrect",
    "HardwareOTP": "OathCodeIncorrect",
    "OneWaySMS": "SMSAuthFailedWrongCodeEntered",
}
STRONG_AUTH_FAILED = 500121

#: AADSTS codes served on the ConvergedSignIn page (the others come as ConvergedError).
SIGNIN_PAGE_ERRORS = ("50053", "50055", "50057", "50126")
MESSAGES = {
    "50126": "Error validating credentials due to invalid username or password.",
    "50053": "Your account is locked because you tried to sign in too many times "
    "with an incorrect user ID or password.",
    "50055": "The password is expired.",
    "50057": "The user account is disabled.",
    "53003": "Access has been blocked by Conditional Access policies. The access policy "
    "does not allow token issuance.",
    "50097": "Device authentication is required.",
    "50005": "User tried to log in to a device from a platform that's currently not "
    "supported through Conditional Access policy.",
    "50076": "Due to a configuration change made by your administrator, or because you "
    "moved to a new location, you must use multi-factor authentication to access the app.",
    "50079": "Due to a configuration change made by your administrator, or because you "
    "moved to a new location, you must enroll in multi-factor authentication.",
    "50196": "The server terminated an operation because it encountered a client request "
    "loop. Please contact your app vendor.",
    "90014": "The request is missing or has a stale flow token.",
    "90007": "Your browser is not accepting cookies. Enable cookies and try again.",
    "500121": "Authentication failed during strong authentication request.",
    "750054": "SAMLRequest or SAMLResponse must be present as query string parameters in "
    "HTTP request for SAML Redirect binding.",
    "50000": "There was an error issuing a token or an issue with our sign-in service.",
}


def error_text(code: str) -> str:
    """The `sErrTxt` Entra shows for AADSTS `code`: "AADSTS<code>: <message>"."""
    return f"AADSTS{code}: {MESSAGES.get(code, 'Sign-in failed.')}"


def _token() -> str:
    return secrets.token_urlsafe(48)


@dataclass
class Flow:
    """One sign-in. `token` is the only flow token accepted next; `ctx` the only ctx."""

    portal: bool  # ends with the OIDC form to the portal, not the SAMLResponse
    relay_state: str | None = None
    oidc_state: str = ""
    token: str = field(default_factory=_token)
    ctx: str = field(default_factory=_token)
    esctx: str = field(default_factory=_token)  # the flow cookie
    canary: str = field(default_factory=_token)
    api_canary: str = field(default_factory=_token)
    session_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    correlation_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    username: str = ""  # as typed at GetCredentialType
    user: str = ""  # signed in (password or WS-Fed) once set
    federated: bool = False
    done: set[str] = field(default_factory=set)  # passed: interrupt, tfa, proofup, kmsi
    mfa_method: str = ""
    mfa_session: str = ""
    mfa_polls: int = 0
    mfa_ok: bool = False
    session: IdpSession | None = None  # the ESTSAUTH session, once signed in

    def rotate(self) -> str:
        """Issue the next ctx (the flow token is rotated by the emulator's index)."""
        self.ctx = _token()
        return self.ctx


@dataclass(frozen=True)
class EndAuthResult:
    """What EndAuth answers: `ResultValue`, `ErrCode`, `Retry`, and `Success`."""

    result: str
    err_code: int = 0
    retry: bool = False

    @property
    def success(self) -> bool:
        return self.result == "Success"


PENDING = EndAuthResult("AuthenticationPending", 0, True)


def end_auth(
    flow: Flow,
    code: str | None,
    *,
    outcome: str,
    approve_after: int,
    otp_code: str,
    used_codes: Collection[str],
) -> EndAuthResult:
    """Decide one EndAuth for `flow` (whose BeginAuth chose `flow.mfa_method`).

    Push and call methods answer pending `approve_after` times, then `outcome`; code
    methods check `code`: wrong -> the method's wrong-code result (Retry false, ErrCode
    0), a right code already in `used_codes` -> duplicate (ErrCode 500121). Updates
    `flow.mfa_polls` and `flow.mfa_ok`; the caller records used codes.
    """
    method = flow.mfa_method
    if method in CODE_METHODS:
        if code != otp_code:
            return EndAuthResult(WRONG_CODE[method])
        if code in used_codes:
            return EndAuthResult("PhoneAppOtpAuthFailedDuplicateCodeEntered", STRONG_AUTH_FAILED)
        flow.mfa_ok = True
        return EndAuthResult("Success")
    flow.mfa_polls += 1
    if outcome == "never" or flow.mfa_polls <= approve_after:
        return PENDING
    if outcome == "deny":
        return EndAuthResult("PhoneAppDenied", STRONG_AUTH_FAILED)
    if outcome == "no_response":
        return EndAuthResult("PhoneAppNoResponse", STRONG_AUTH_FAILED)
    flow.mfa_ok = True
    return EndAuthResult("Success")
