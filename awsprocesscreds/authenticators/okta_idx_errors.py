"""What Okta Identity Engine's error answers mean: a 4xx IDX document's ``messages``
become the one error line, in the class that tells the shared login path how to
treat it (a refused password counts for the single-flight rule; a locked account is
never retried)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from awsprocesscreds.authenticators.okta_idx_doc import messages, remediations
from awsprocesscreds.errors import AccountLocked, AuthenticationError, IdpResponseError, MfaError


def wrong_code(document: Mapping[str, Any]) -> bool:
    """True when the answer refuses a one-time code (ask for another)."""
    keys = " ".join(key for _, key in messages(document)).lower()
    return "passcode_invalid" in keys or ("invalid" in keys and "code" in keys)


def step_error(status: int, document: Mapping[str, Any], sending: str) -> Exception:
    """The error of a 4xx IDX answer to what we were ``sending``."""
    found = messages(document)
    text = "; ".join(message for message, _ in found[:3]) or f"HTTP {status}"
    keys = " ".join(key for _, key in found).lower()
    if "locked" in keys or "e0000119" in keys or "locked" in text.lower():
        return AccountLocked(
            "Okta says the account is locked out; unlock it (or ask your administrator), "
            "then try again"
        )
    if "expired" in keys or status == 401:
        return MfaError("the Okta login expired before it was completed; run the command again")
    if sending == "password":
        return AuthenticationError(
            f"Okta refused the login ({text}); check the username (-u) and password"
        )
    if sending == "push":
        if "reject" in keys or "reject" in text.lower():
            return MfaError("the Okta Verify push was rejected on the phone")
        return MfaError(f"the Okta Verify push was not approved: {text}")
    return IdpResponseError(f"Okta refused the sign-in step: {text}")


def has_captcha(document: Mapping[str, Any]) -> bool:
    """True when the step asks for a CAPTCHA, which only a browser can solve."""
    return document.get("captcha") is not None or any(
        step.field("captchaVerify") is not None for step in remediations(document)
    )
